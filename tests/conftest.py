import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# The same examples on every run (CI included): a red run can be rerun and read, never a coin toss.
settings.register_profile("kg", derandomize=True, database=None)
settings.load_profile("kg")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"
_KG_BIN = ROOT / ".venv" / "bin" / "kg"
KG = [str(_KG_BIN)] if _KG_BIN.exists() else [sys.executable, "-m", "kg.cli"]


def run_kg(*args):
    """The installed `kg` command, as a user runs it."""
    return subprocess.run(KG + [str(a) for a in args], capture_output=True, text=True)


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
