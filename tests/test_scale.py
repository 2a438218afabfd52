"""Scale: --jobs processes, the tagged-page cache and a Dask cluster all give the plain build's
graph byte for byte; rebuilds tag only new pages; pages stream; the progress bar shows only on a terminal.

Speed and memory goals are measured by bench/end_to_end.py, not here.
"""
import os
import pty
import select
import shutil
import subprocess
import time

import pytest
from conftest import KG, ROOT, run_kg

import kg.build as kbuild
from kg import cache as kcache
from kg import tag as ex

SEED = {p.name[:3]: p for p in sorted((ROOT / "seeds").glob("*.txt"))}
THREE = [SEED["000"], SEED["003"], SEED["004"]]  # 003 holds 陈刚's visit to 果洛


def visited(r, official, place):
    g = r.graph
    return any(
        d["relation"] == "visited" and g.nodes[a]["label"] == official and g.nodes[b]["label"] == place
        for a, b, d in g.edges(data=True)
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The reference: one process, no cache."""
    out = tmp_path_factory.mktemp("plain")
    r = kbuild.run(THREE, out_dir=out)
    assert visited(r, "陈刚", "果洛藏族自治州")
    assert (r.summary["pages"], r.summary["tagged"], r.summary["cached"]) == (3, 3, 0)
    return r, out


def test_two_processes_give_the_same_graph(plain, tmp_path):
    r0, out0 = plain
    r = kbuild.run(THREE, out_dir=tmp_path, jobs=2)
    assert (tmp_path / "graph.ttl").read_bytes() == (out0 / "graph.ttl").read_bytes()
    assert (tmp_path / "extract.jsonl").read_bytes() == (out0 / "extract.jsonl").read_bytes()
    assert r.summary == r0.summary


def test_dask_cluster_gives_the_same_graph(plain, tmp_path):
    from distributed import LocalCluster

    _, out0 = plain
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        r = kbuild.run(THREE, out_dir=tmp_path, dask=cluster.scheduler_address)
    assert (tmp_path / "graph.ttl").read_bytes() == (out0 / "graph.ttl").read_bytes()
    assert (tmp_path / "graph.json").read_bytes() == (out0 / "graph.json").read_bytes()
    assert visited(r, "陈刚", "果洛藏族自治州") and r.summary["tagged"] == 3


def test_incremental_build_tags_only_the_new_page(plain, tmp_path):
    _, out0 = plain
    src, out = tmp_path / "pages", tmp_path / "out"
    src.mkdir()
    for p in (SEED["000"], SEED["004"]):
        shutil.copy(p, src / p.name)
    first = kbuild.run([src], out_dir=out, cache=True)
    assert (first.summary["tagged"], first.summary["cached"]) == (2, 0)
    assert not visited(first, "陈刚", "果洛藏族自治州")

    shutil.copy(SEED["003"], src / SEED["003"].name)
    again = kbuild.run([src], out_dir=out, cache=True)
    assert (again.summary["tagged"], again.summary["cached"]) == (1, 2)
    assert visited(again, "陈刚", "果洛藏族自治州")
    assert (out / "graph.ttl").read_bytes() == (out0 / "graph.ttl").read_bytes()
    assert (out / "extract.jsonl").read_bytes() == (out0 / "extract.jsonl").read_bytes()

    # nothing new: every page from the cache, the same graph again
    warm = kbuild.run([src], out_dir=out, cache=True)
    assert (warm.summary["tagged"], warm.summary["cached"]) == (0, 3)
    assert (out / "graph.ttl").read_bytes() == (out0 / "graph.ttl").read_bytes()


def test_cache_follows_content_not_names(tmp_path):
    cache = tmp_path / "cache"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(SEED["004"], a / "page.txt")
    shutil.copy(SEED["004"], b / "renamed.txt")
    first = kbuild.run([a], out_dir=tmp_path / "oa", cache=cache)
    moved = kbuild.run([b], out_dir=tmp_path / "ob", cache=cache)
    assert (first.summary["tagged"], moved.summary["tagged"], moved.summary["cached"]) == (1, 0, 1)
    assert '"file": "renamed.txt"' in (tmp_path / "ob" / "extract.jsonl").read_text("utf-8")
    assert "page.txt" not in (tmp_path / "ob" / "graph.ttl").read_text("utf-8")

    # an edited page is a new entry; a torn entry is a miss and is written again
    (b / "renamed.txt").write_text(SEED["004"].read_text("utf-8") + "\n本报讯 省委召开会议。\n", encoding="utf-8")
    assert kbuild.run([b], cache=cache).summary["tagged"] == 1
    entries = sorted(cache.rglob("*.pickle"))
    assert len(entries) == 2
    for e in entries:
        e.write_bytes(e.read_bytes()[:100])
    torn = kbuild.run([b], out_dir=tmp_path / "oc", cache=cache)
    assert torn.summary["tagged"] == 1
    assert (tmp_path / "oc" / "graph.ttl").read_bytes() != b""
    assert kbuild.run([b], cache=cache).summary["cached"] == 1


def test_pipeline_version_covers_rules_and_data(tmp_path):
    pkg = tmp_path / "kg"
    shutil.copytree(ROOT / "kg", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = kcache.package_version(pkg)
    assert before == kcache.package_version(pkg)  # deterministic
    lexicon = pkg / "lexicon.py"
    lexicon.write_text(lexicon.read_text("utf-8") + "\n# a new rule\n", encoding="utf-8")
    after_rule = kcache.package_version(pkg)
    (pkg / "data" / "cities.csv").chmod(0o644)
    with open(pkg / "data" / "cities.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after_data = kcache.package_version(pkg)
    assert len({before, after_rule, after_data}) == 3
    assert kcache.pipeline_version() == kcache.package_version(ROOT / "kg")


def test_stale_versions_are_pruned(tmp_path):
    cache = tmp_path / "cache"
    stale = cache / ("0" * 16) / "ab"
    stale.mkdir(parents=True)
    (stale / "x.pickle").write_bytes(b"old")
    (cache / "notes").mkdir()  # not ours: left alone
    r = kbuild.run([SEED["004"]], cache=cache)
    assert r.summary["tagged"] == 1
    assert sorted(d.name for d in cache.iterdir()) == sorted(["notes", kcache.pipeline_version()[:16]])


def test_extract_with_jobs_writes_the_same_records(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    r1 = run_kg("extract", SEED["003"], SEED["004"], "-o", one)
    r2 = run_kg("extract", SEED["003"], SEED["004"], "-o", two, "--jobs", "2")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    assert one.read_bytes() == two.read_bytes()
    assert '"official": "陈刚"' in one.read_text("utf-8")


def test_pages_stream(tmp_path):
    """The first tagged page arrives after two units of pages were read (the one tagged and
    the one the encoder runs ahead on), not the whole input."""
    for i in range(30):
        shutil.copy(SEED["004"], tmp_path / f"p{i:02d}.txt")
    read = []

    def paths():
        for p in sorted(tmp_path.iterdir()):
            read.append(p)
            yield p

    stream = ex.tag_pages(paths())
    first = next(stream)
    assert first.page.source.endswith("p00.txt") and first.articles
    per_page = sum(len(a.text) for a in first.page.articles)
    unit = ex.UNIT_CHARS // per_page + 1
    assert len(read) <= 2 * unit + 1 < 30
    stream.close()


def test_tagging_pages_together_changes_no_tag():
    pages = [p for p in ex.read_pages(THREE)]
    together = ex.tag_batch(pages)
    alone = [ex.tag_batch([p])[0] for p in pages]
    assert together == alone


def _stderr_on_terminal(args) -> str:
    """stderr of `kg ARGS` when stderr is a terminal (stdout a pipe)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(KG + [str(a) for a in args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_and_cache_options(tmp_path):
    out = tmp_path / "out"
    # stderr a terminal: the bar; the cache in OUT/.cache by default
    shown = _stderr_on_terminal(["build", SEED["003"], SEED["004"], "-o", out])
    assert "pages 2/2" in shown and "chars/s" in shown and "\r" in shown
    assert "pages tagged 2, from cache 0" in shown
    assert len(list((out / ".cache").rglob("*.pickle"))) == 2
    # stderr a pipe: no bar; the rebuild is served from the cache
    piped = run_kg("build", SEED["003"], SEED["004"], "-o", out)
    assert piped.returncode == 0, piped.stderr
    assert "chars/s" not in piped.stderr and "\r" not in piped.stderr
    assert "pages tagged 0, from cache 2" in piped.stderr
    # --no-progress on a terminal; --no-cache keeps nothing
    quiet = _stderr_on_terminal(["build", SEED["004"], "-o", tmp_path / "none", "--no-progress", "--no-cache"])
    assert "chars/s" not in quiet and "pages tagged 1, from cache 0" in quiet
    assert not (tmp_path / "none" / ".cache").exists()
    # --cache DIR: the entries go there, and the graph is the same as the plain build's
    elsewhere = run_kg("build", SEED["004"], "-o", tmp_path / "x", "--cache", tmp_path / "c")
    assert "pages tagged 1, from cache 0" in elsewhere.stderr and elsewhere.returncode == 0
    assert len(list((tmp_path / "c").rglob("*.pickle"))) == 1 and not (tmp_path / "x" / ".cache").exists()
    assert (tmp_path / "x" / "graph.ttl").read_bytes() == (tmp_path / "none" / "graph.ttl").read_bytes()


def test_unreachable_or_malformed_scheduler_is_one_line(tmp_path):
    for address in ("tcp://127.0.0.1:9", "127.0.0.1"):
        res = run_kg("build", SEED["004"], "-o", tmp_path / "o", "--dask", address)
        assert res.returncode != 0
        assert "Traceback" not in res.stderr
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and address in lines[0] and "Dask scheduler" in lines[0]
    assert not (tmp_path / "o" / "graph.ttl").exists()


def test_a_cluster_without_workers_is_refused(tmp_path):
    from distributed import LocalCluster

    from kg.parallel import ClusterError

    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        with pytest.raises(ClusterError, match="no workers"):
            kbuild.run([SEED["004"]], out_dir=tmp_path, dask=cluster.scheduler_address)


def test_unwritable_cache_is_one_line(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    res = run_kg("build", SEED["004"], "-o", tmp_path / "o", "--cache", tmp_path / "file" / "cache")
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1 and "file/cache" in res.stderr
