"""kg.visit_model on the real pipeline's output: masked features, deterministic training, shipped weights."""
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import KG

from kg import relations, visit_model
from kg.tag import tag_pages

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_candidates():
    out = []
    for tp in tag_pages(SEEDS):
        officials = {m.text for ta in tp.articles for m in ta.mentions if m.label == "OFFICIAL"}
        for ta in tp.articles:
            by_sent = relations._by_sentence(ta, officials)
            lead = relations._lead(ta, by_sent, relations._candidates(ta, by_sent))
            out += [(ta, c) for c in visit_model.candidates(ta, by_sent, lead)]
    return out


def test_a_candidate_reads_its_context_with_every_name_masked(seed_candidates):
    assert len(seed_candidates) > 100
    for ta, c in seed_candidates:
        assert c.official.label == "OFFICIAL" and c.target.label in visit_model.SITES
        leaked = [f for f in c.features for n in (c.official.text, c.target.text) if n in f]
        assert not leaked, (c.official.text, c.target.text, leaked)


def test_training_twice_gives_the_same_weights_and_they_separate_what_they_learned(seed_candidates):
    # labels from the verb patterns: what they call a visit, the model must learn to score higher
    facts = set()
    for ta in {id(ta): ta for ta, _ in seed_candidates}.values():
        facts |= {(v.official.text, v.target.text) for v in relations._article_visits(ta)}
    rows = [(c.features, int((c.official.text, c.target.text) in facts)) for _, c in seed_candidates]
    assert 10 < sum(y for _, y in rows) < len(rows) - 10
    w1, b1 = visit_model.train(rows, steps=200)
    w2, b2 = visit_model.train(rows, steps=200)
    assert (w1, b1) == (w2, b2)
    scores = [(visit_model.score(visit_model.Candidate(None, None, 0, f), (w1, b1, 0.5)), y) for f, y in rows]
    pos = sorted(s for s, y in scores if y)
    neg = sorted(s for s, y in scores if not y)
    assert pos[len(pos) // 2] > 0.5 > neg[len(neg) // 2]


# A real item of the corpus (新闻联播, not in the training set): a tour whose stops come in a list
# after 来到, which the verb patterns do not read past its first division.
TOUR = ("李希在重庆调研\n\n央视网消息（新闻联播）：中共中央政治局常委、中央纪委书记李希15日至17日到重庆调研。\n"
        "李希来到两江新区观音桥街道渝北社区、南岸区南山街道放牛村，与干部群众深入交流。\n")


def _visits(tmp_path, env):
    page = tmp_path / "xwlb-20260719-02.txt"
    page.write_text(TOUR, encoding="utf-8")
    out = tmp_path / f"out-{len(env)}.jsonl"
    res = subprocess.run(KG + ["extract", str(page), "-o", str(out), "--no-progress"], capture_output=True,
                         text=True, env=dict(os.environ, **env))
    assert res.returncode == 0, res.stderr
    (rec,) = [json.loads(line) for line in out.open(encoding="utf-8")]
    return {(v["official"], v["target"]) for v in rec["visits"]}


def test_the_model_finds_the_stops_the_verb_patterns_miss_and_can_be_switched_off(tmp_path):
    patterns = _visits(tmp_path, {"KG_VISIT_MODEL": "0"})
    both = _visits(tmp_path, {})
    assert {("李希", "重庆"), ("李希", "重庆市")} & patterns, patterns  # 到重庆调研: the patterns' own
    added = {t for o, t in both - patterns if o == "李希"}
    assert added & {"渝北社区", "南山街道", "观音桥街道", "放牛村"}, (patterns, both)
    assert patterns <= both


def test_weights_of_ones_own_are_read_from_KG_VISIT_WEIGHTS(tmp_path):
    mine = tmp_path / "weights.json"
    mine.write_text(json.dumps({"weights": {}, "bias": 0.0, "threshold": 1.0}), encoding="utf-8")
    assert _visits(tmp_path, {"KG_VISIT_WEIGHTS": str(mine)}) == _visits(tmp_path, {"KG_VISIT_MODEL": "0"})


def test_the_shipped_weights_load_with_a_threshold_chosen_by_cross_validation():
    weights, bias, threshold = visit_model.weights()
    assert len(weights) > 500 and 0.2 <= threshold < 1.0
    assert any(f.startswith("L1=") for f in weights) and any(f.startswith("who=") for f in weights)
