"""Bad input: one clear line per bad file, the good files still extracted, outputs whole."""
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, run_kg
from kg import read
from kg.atomic import atomic_write



def test_bad_files_get_one_line_each_and_good_files_are_kept(tmp_path):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "gbk.txt").write_bytes(SEEDS[3].read_text("utf-8").encode("gb18030"))
    out = tmp_path / "out.jsonl"
    res = run_kg("extract", str(tmp_path), str(tmp_path / "missing.txt"), "-o", str(out))
    assert res.returncode == 1
    errors = [line for line in res.stderr.splitlines() if line.startswith("kg: ") and "failed" not in line]
    assert any("binary.txt: not text (binary data)" in e for e in errors)
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    assert "Traceback" not in res.stderr
    assert "3 failed" in res.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["file"] for r in records] == ["gbk.txt"]
    assert any(e["name"] == "陈刚" and e["type"] == "Official" for e in records[0]["entities"])


def test_interrupted_write_leaves_previous_output_untouched(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", "utf-8")
    try:
        with atomic_write(out) as fh:
            fh.write("half a line")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert out.read_text("utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_written_output_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "g.ttl") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert (tmp_path / "g.ttl").stat().st_mode & 0o777 == 0o644


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_text_goes_through_reader_and_pipeline(nlp, text):
    articles = read.split_articles(text, "x.txt")
    for a in articles:
        doc = nlp(a.text)
        assert doc.text == a.text
        for e in doc.ents:
            assert e.label_ in {"OFFICIAL", "PERSON", "ORG", "PLACE", "PROJECT"}


def _paragraphs():
    """Paragraphs of the seed pages that report officials at work (visits, posts, lists)."""
    out = []
    for seed in SEEDS:
        for para in seed.read_text("utf-8").split("\n\n"):
            if "调研" in para and ("省委" in para or "市委" in para) and len(para) < 800:
                out.append(para)
    return out


PARAGRAPHS = _paragraphs()


@st.composite
def pages(draw):
    """A page of seed paragraphs in a random order, with layout breaks and blank lines at random places."""
    paras = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=4))
    text = "\n\n".join(paras)
    for cut in sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)), reverse=True):
        text = text[:cut] + draw(st.sampled_from(["\n", "\n\n", " ", "\u3000"])) + text[cut:]
    return text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(pages())
def test_every_evidence_offset_points_at_its_text_in_the_source(tmp_path_factory, text):
    from kg.build import build

    src = tmp_path_factory.mktemp("page") / "page.txt"
    src.write_text(text, "utf-8")
    g = build([src])
    checked = 0
    for _, _, d in g.edges(data=True):
        if d.get("evidence"):
            piece = text[d["start"]:d["end"]]
            assert "".join(piece.split()) == "".join(d["evidence"].split()), d
            checked += 1
    assert checked > 0


def _snapshot(folder):
    """The outputs in a folder, byte for byte, links followed (hidden entries, such as a cache of tagged pages, aside)."""
    from test_outputs import snapshot

    return snapshot(folder)


def test_a_failed_set_of_outputs_leaves_the_previous_set(tmp_path):
    from kg.atomic import staged

    (tmp_path / "graph.ttl").write_text("old", "utf-8")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "db").write_text("old store", "utf-8")
    before = _snapshot(tmp_path)
    try:
        with staged(tmp_path) as stage:
            (stage / "graph.ttl").write_text("new", "utf-8")
            (stage / "store").mkdir()
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["graph.ttl", "store"]
    with staged(tmp_path) as stage:
        (stage / "graph.ttl").write_text("new", "utf-8")
        (stage / "store").mkdir()
        (stage / "store" / "db").write_text("new store", "utf-8")
    assert _snapshot(tmp_path) == {"graph.ttl": b"new", "store/db": b"new store"}


def test_ctrl_c_during_kg_build_keeps_the_previous_graph(tmp_path):
    import signal
    import subprocess
    import time

    from conftest import KG

    out = tmp_path / "out"
    assert run_kg("build", SEEDS[3], "-o", out).returncode == 0
    before = _snapshot(out)
    pages = tmp_path / "pages"  # 100 distinct pages: tagging them takes far longer than the wait below
    pages.mkdir()
    for i in range(100):
        seed = SEEDS[i % len(SEEDS)]
        (pages / f"p{i:03d}.txt").write_text(seed.read_text("utf-8") + f"\n第{i + 1}版\n", "utf-8")
    proc = subprocess.Popen(KG + ["build", str(pages), "-o", str(out)], stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # the model is loaded and tagging is under way
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "Traceback" not in err
    assert _snapshot(out) == before
    assert len([p for p in (out / ".kg-sets").iterdir() if p.name != "current"]) == 1  # no half set left
