"""`kg extract` on the seeds: the guideline's format and the accuracy thresholds."""
import json
import subprocess
import sys

from conftest import GOLD, ROOT, SEEDS, run_kg

# The thresholds the pipeline must hold on the five seeds (strict F1; see README),
# and visits (the relations step) on the same pages. The shipped recognizer holds
# core 0.843 and visits 0.979 there (the rules alone, fitted to these pages, 0.886, 0.958).
FLOORS = {"core": 0.84, "Official": 0.95, "Project": 0.70, "visited": 0.95}
# ... and on the development set, news the pipeline was not fitted to (56 items of
# three outlets): the figures that carry. Rules alone: core 0.738, visits 0.828; shipped:
# core 0.827, Official 0.936, visits 0.879, each source's visits 0.833 or more.
DEV = ROOT.parent / "shared" / "eval" / "dev"
DEV_FLOORS = {"core": 0.81, "Official": 0.92, "visited": 0.85, "each source": 0.78, "each source's visits": 0.80}


def test_records_follow_the_guideline_format(seed_records):
    assert [r["file"] for r in seed_records] == [p.name for p in SEEDS]
    for rec in seed_records:
        assert set(rec) == {"file", "entities", "visits"}
        for e in rec["entities"]:
            assert e["type"] in {"Official", "Person", "Organization", "Place", "Project"}
            assert isinstance(e["aliases"], list) and e["name"] not in e["aliases"]
            if e["type"] == "Official":
                assert isinstance(e["titles"], list)


def test_forms_of_one_place_are_one_entity_with_aliases(seed_records):
    rec = next(r for r in seed_records if r["file"].startswith("003"))
    golok = [e for e in rec["entities"] if e.get("code") == "632600"]
    assert len(golok) == 1
    assert golok[0]["name"] == "果洛藏族自治州"
    assert set(golok[0]["aliases"]) >= {"果洛州"}


def test_cli_writes_jsonl_and_scores_above_the_thresholds(tmp_path):
    out = tmp_path / "out.jsonl"
    res = run_kg("extract", *SEEDS, "-o", out)
    assert res.returncode == 0, res.stderr
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == len(SEEDS)
    score = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "data" / "score.py"), str(GOLD), str(out), "--json"],
        check=True, capture_output=True, text=True,
    )
    result = json.loads(score.stdout)
    assert result["entities_micro_strict"]["f1"] >= FLOORS["core"], result
    assert result["entities_strict"]["Official"]["f1"] >= FLOORS["Official"], result
    assert result["entities_strict"]["Project"]["f1"] >= FLOORS["Project"], result
    assert result["visited"]["f1"] >= FLOORS["visited"], result


def test_the_development_set_scores_above_its_floors(tmp_path):
    out = tmp_path / "dev.jsonl"
    res = run_kg("extract", *sorted((DEV / "texts").glob("*.txt")), "-o", out, "--no-progress")
    assert res.returncode == 0, res.stderr
    score = subprocess.run(
        [sys.executable, str(DEV.parent / "score.py"), str(DEV / "gold"), str(out), "--json", "--by-source"],
        check=True, capture_output=True, text=True,
    )
    result = json.loads(score.stdout)
    assert result["entities_micro_strict"]["f1"] >= DEV_FLOORS["core"], result["entities_micro_strict"]
    assert result["entities_strict"]["Official"]["f1"] >= DEV_FLOORS["Official"], result["entities_strict"]
    assert result["visited"]["f1"] >= DEV_FLOORS["visited"], result["visited"]
    by_source = {k: v["core_micro_strict"]["f1"] for k, v in result["by_source"].items()}
    assert set(by_source) == {"rmrb", "tibetcn", "xwlb"}
    assert min(by_source.values()) >= DEV_FLOORS["each source"], by_source
    visits = {k: v["visited"]["f1"] for k, v in result["by_source"].items()}
    assert min(visits.values()) >= DEV_FLOORS["each source's visits"], visits
