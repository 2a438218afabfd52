"""The trained recognizer: the training set, `kg train` on real annotated pages, the shipped model."""
import json
import re
from pathlib import Path

import pytest

from conftest import GOLD, ROOT, SEEDS, run_kg

TRAIN = ROOT / "train"
SHARED = ROOT.parent / "shared"


def test_projection_takes_longest_forms_first_and_respects_not_phrases():
    from kg.annotation import project

    text = "西宁市第一中学位于西宁市。中国特色的中国"
    ents = [
        {"name": "西宁市第一中学", "type": "Organization"},
        {"name": "西宁市", "type": "Place"},
        {"name": "中国", "type": "Place"},
    ]
    assert project(text, ents, ["中国特色"]) == [(0, 7, "ORG"), (9, 12, "PLACE"), (18, 20, "PLACE")]


def test_training_items_keep_their_id_origin_and_stay_apart_from_the_measuring_sets():
    items = [json.loads(line) for line in open(TRAIN / "items.jsonl", encoding="utf-8")]
    assert len(items) >= 600
    groups = {}
    for it in items:
        assert it["id"] and it["origin"]
        groups[it["group"]] = groups.get(it["group"], 0) + 1
    assert min(groups.values()) >= 150 and len(groups) == 3
    gold = sorted((TRAIN / "gold").glob("*.json"))
    assert len(gold) >= 600
    ids = {it["id"] for it in items}
    for p in gold[:50]:
        rec = json.loads(p.read_text("utf-8"))
        assert rec["id"] in ids and rec["origin"]
        assert all(label in ("OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT") for _, _, label in rec["mentions"])
    # by text: no measuring item (dev, seeds) shares a 12-character run with a training item's annotation
    measuring = "".join(p.read_text("utf-8") for p in (SHARED / "eval" / "dev" / "texts").glob("*.txt"))
    measuring += "".join(p.read_text("utf-8") for p in SEEDS)
    measuring = re.sub(r"\s+", "", measuring)
    for p in gold:
        for v in json.loads(p.read_text("utf-8"))["visits"]:
            ev = re.sub(r"\s+", "", v["evidence"])
            if len(ev) >= 20:
                assert ev not in measuring, (p.name, ev)


def test_kg_train_on_annotated_seed_pages_makes_a_model_that_loads_and_tags(tmp_path):
    out = tmp_path / "model"
    res = run_kg("train", GOLD, ROOT / "seeds", "-o", out, "--training.max_steps", "60", "--training.eval_frequency", "30")
    assert res.returncode == 0, res.stderr[-2000:]
    assert (out / "model" / "meta.json").exists()
    assert "mentions on token boundaries" in res.stderr
    strings = json.loads((out / "model" / "vocab" / "strings.json").read_text("utf-8"))
    assert set(strings) <= {"OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"}  # no words of the training text

    import spacy

    import kg.pipeline  # noqa: F401  (registers the tokenizer)

    trained = spacy.load(out / "model")
    assert trained.pipe_names == ["ner"]
    assert set(trained.get_pipe("ner").labels) == {"OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"}
    jsonl = tmp_path / "x.jsonl"
    res = run_kg("extract", SEEDS[3], "-o", jsonl, "--model", out)
    assert res.returncode == 0, res.stderr
    rec = json.loads(jsonl.read_text("utf-8"))
    assert rec["entities"], rec


def test_kg_train_reports_a_bad_override_in_one_line(tmp_path):
    res = run_kg("train", GOLD, ROOT / "seeds", "-o", tmp_path / "m", "--training.max_stepz", "5")
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 3, res.stderr


def test_kg_train_names_a_missing_text(tmp_path):
    res = run_kg("train", GOLD, tmp_path, "-o", tmp_path / "m")
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "is missing" in res.stderr


def test_a_folder_without_a_model_is_refused_by_name(tmp_path):
    res = run_kg("extract", SEEDS[0], "-o", tmp_path / "x.jsonl", "--model", tmp_path)
    assert res.returncode == 2
    assert "not a trained model" in res.stderr and "Traceback" not in res.stderr


def test_the_shipped_model_is_in_the_pipeline_and_tags_a_real_sentence(nlp):
    from kg.pipeline import SHIPPED

    assert (SHIPPED / "meta.json").exists()
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size < 50 * 2**20
    assert "ner" in nlp.pipe_names and nlp.pipe_names[-1] == "kg_merge"
    doc = nlp("国务院总理李强在黑龙江省哈尔滨市考察，实地察看哈尔滨新区和中国一重集团有限公司。")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("李强", "OFFICIAL") in ents
    assert ("国务院", "ORG") in ents
    assert {("黑龙江省", "PLACE"), ("哈尔滨市", "PLACE")} <= ents
    official = next(e for e in doc.ents if e.text == "李强")
    assert official._.titles == ("国务院总理",)
    place = next(e for e in doc.ents if e.text == "哈尔滨市")
    assert place._.code == "230100"


@pytest.mark.parametrize("model", ["rules"])
def test_rules_alone_remain_selectable(tmp_path, model):
    jsonl = tmp_path / "x.jsonl"
    res = run_kg("extract", SEEDS[3], "-o", jsonl, "--model", model)
    assert res.returncode == 0, res.stderr
    rec = json.loads(jsonl.read_text("utf-8"))
    assert any(e["type"] == "Official" for e in rec["entities"])
