"""kg.visit_model on the real pipeline's output: masked features, deterministic training, shipped weights."""
from pathlib import Path

import pytest

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


def test_the_shipped_weights_load_with_a_threshold_chosen_by_cross_validation():
    weights, bias, threshold = visit_model.weights()
    assert len(weights) > 500 and 0.2 <= threshold < 1.0
    assert any(f.startswith("L1=") for f in weights) and any(f.startswith("who=") for f in weights)
