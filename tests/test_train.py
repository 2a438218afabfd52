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


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """`kg train` on the annotated seed pages, a few steps (the issue's small real set)."""
    out = tmp_path_factory.mktemp("trained") / "model"
    res = run_kg("train", GOLD, ROOT / "seeds", "-o", out, "--training.max_steps", "60", "--training.eval_frequency", "30")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "mentions on token boundaries" in res.stderr
    return out


def test_kg_train_makes_a_model_that_loads_and_keeps_no_training_words(trained):
    import spacy

    import kg.pipeline  # noqa: F401  (registers the tokenizer)

    assert (trained / "model" / "meta.json").exists()
    strings = json.loads((trained / "model" / "vocab" / "strings.json").read_text("utf-8"))
    assert set(strings) <= {"OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"}
    model = spacy.load(trained / "model")
    assert model.pipe_names == ["ner"]
    assert set(model.get_pipe("ner").labels) == {"OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"}


def test_the_trained_model_runs_in_the_pipeline_and_in_kg_extract(trained, tmp_path):
    from kg import pipeline

    nlp = pipeline.build(trained / "model")
    assert nlp.pipe_names[-3:] == ["kg_features", "kg_recognizer", "kg_merge"]
    assert "ner" in nlp.disabled  # loaded for its weights; kg_recognizer decodes it
    doc = nlp("省委书记、省人大常委会主任陈刚赴果洛藏族自治州调研。")
    assert all(e.label_ in ("OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT") for e in doc.ents)
    # the rules' entities are the model's features, on every token
    assert all(t.morph.get("Kg") for t in doc)
    assert doc[0].text == "省委" and doc[0].morph.get("Kg") == ["B_ORG"]
    jsonl = tmp_path / "x.jsonl"
    res = run_kg("extract", SEEDS[3], "-o", jsonl, "--model", trained)
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


def test_rules_alone_remain_selectable(tmp_path):
    jsonl = tmp_path / "x.jsonl"
    res = run_kg("extract", SEEDS[3], "-o", jsonl, "--model", "rules")
    assert res.returncode == 0, res.stderr
    rec = json.loads(jsonl.read_text("utf-8"))
    assert any(e["type"] == "Official" for e in rec["entities"])


def test_a_preferred_rule_entity_replaces_the_pieces_the_recognizer_cut_it_into():
    from spacy.tokens import Doc, Span

    from kg import pipeline
    from kg.components.model import RULES, Merge

    name = "年产十万吨绿色硅材料产业园项目"
    nlp = pipeline._with_features()
    doc = nlp(f"副省长走访了{name}。")
    rule = [(s, e) for s, e, label in doc.user_data[RULES] if label == "PROJECT"]
    assert [doc[s:e].text for s, e in rule] == [name]
    (s, e), = rule
    assert e - s >= 3
    doc.set_ents([Span(doc, s, s + 2, label="ORG"), Span(doc, s + 2, e, label="PROJECT")], default="missing")
    copy = Doc(doc.vocab).from_bytes(doc.to_bytes())  # the same cut, for the merge without a preference
    copy.user_data[RULES] = list(doc.user_data[RULES])

    plain = Merge(fill="", nested=False)(copy)
    assert name not in [x.text for x in plain.ents]
    preferred = Merge(fill="", nested=False, prefer="PROJECT+OFFICIAL")(doc)
    assert [(x.text, x.label_) for x in preferred.ents] == [(name, "PROJECT")]


def test_the_shipped_recognizer_on_numpy_blas_finds_what_it_finds_on_thinc_defaults():
    import spacy

    from kg import pipeline

    def recognizer(numpy_blas: bool):
        nlp = pipeline._with_features()
        ner = nlp.add_pipe("ner", source=spacy.load(pipeline.SHIPPED))
        if numpy_blas:
            pipeline._numpy_matmul(ner.model)
        assert ner.model.ops.use_blis is not numpy_blas
        return nlp

    texts = [p.read_text("utf-8") for p in SEEDS]
    found = [[[(e.start, e.end, e.label_) for e in d.ents] for d in recognizer(b).pipe(texts)] for b in (False, True)]
    assert sum(map(len, found[0])) > 100 and found[0] == found[1]
    assert not pipeline.nlp().get_pipe("ner").model.ops.use_blis  # the shipped pipeline runs on numpy


def test_the_batched_decoder_finds_what_spacys_own_transition_loop_finds():
    """kg_recognizer replaces ner's per-token loop: on real pages, with whitespace runs and an
    empty text among them, every entity must be the one spaCy's loop finds."""
    import spacy

    from kg import pipeline
    from kg.components.decode import Decoder

    nlp = pipeline._with_features()
    ner = nlp.add_pipe("ner", source=spacy.load(pipeline.SHIPPED))
    texts = [p.read_text("utf-8") for p in SEEDS] + ["", " \n\n ", "省委书记陈刚赴果洛藏族自治州调研。\n\n  \n西宁市城东区"]
    spacys = [[(e.start, e.end, e.label_) for e in d.ents] for d in nlp.pipe(texts)]
    with nlp.select_pipes(disable=["ner"]):
        docs = list(nlp.pipe(texts))
    ours = Decoder(ner).entities(docs)
    assert sum(map(len, spacys)) > 100 and ours == spacys
    assert ("OFFICIAL" in {lab for _, _, lab in ours[-1]}) and ours[-3] == [] and ours[-2] == []
