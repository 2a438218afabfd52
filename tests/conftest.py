import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"


@pytest.fixture(scope="session")
def nlp():
    import kg

    return kg.nlp()


@pytest.fixture(scope="session")
def seed_records():
    import kg

    return kg.extract(SEEDS)


def load_gold():
    return {json.loads(p.read_text("utf-8"))["file"]: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}
