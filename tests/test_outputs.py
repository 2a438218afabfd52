"""Nothing lost: outputs are replaced only by a successful build, as one set, even under kill -9."""
import hashlib
import json
import os
import signal
import subprocess
import time

from conftest import KG, SEEDS, run_kg


def snapshot(folder):
    """What a user sees in an output folder, byte for byte, links followed (hidden entries aside)."""
    out = {}
    for root, dirs, files in os.walk(folder, followlinks=True):
        rel = os.path.relpath(root, folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.normpath(os.path.join(rel, name))
            if not path.startswith("."):
                with open(os.path.join(root, name), "rb") as fh:
                    out[path] = fh.read()
    return out


def outputs(folder):
    """The four files of a build and whether its store holds that very graph.ttl."""
    snap = snapshot(folder)
    files = {k: snap[k] for k in ("graph.ttl", "graph.graphml", "graph.json", "extract.jsonl") if k in snap}
    stamp = json.loads(snap["store/kg-source.json"]) if "store/kg-source.json" in snap else {}
    files["store matches graph.ttl"] = stamp.get("sha256") == hashlib.sha256(snap.get("graph.ttl", b"")).hexdigest()
    return files


def test_a_mistyped_input_folder_leaves_the_previous_build(tmp_path):
    out = tmp_path / "out"
    assert run_kg("build", SEEDS[3], "-o", out).returncode == 0
    before = snapshot(out)
    res = run_kg("build", tmp_path / "seedz", "-o", out)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"kg: nothing read from {tmp_path / 'seedz'}: {tmp_path / 'seedz'}: no such file; {out} left as it was"]
    assert snapshot(out) == before and len(before["graph.ttl"]) > 1000


def test_a_build_whose_pages_all_fail_leaves_the_previous_build(tmp_path):
    out, bad = tmp_path / "out", tmp_path / "bad"
    assert run_kg("build", SEEDS[3], "-o", out).returncode == 0
    before = snapshot(out)
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"")
    (bad / "b.txt").write_bytes(bytes(range(256)) * 8)
    res = run_kg("build", bad, "-o", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert "all 2 inputs failed" in line and "a.txt: empty file" in line and "b.txt: not text" in line
    assert snapshot(out) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run_kg("build", empty, "-o", out)
    assert res.returncode == 2 and "no .txt/.htm/.html page found" in res.stderr
    assert snapshot(out) == before


def test_extract_that_reads_nothing_keeps_the_previous_file(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", "utf-8")
    res = run_kg("extract", tmp_path / "seedz", "-o", out)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "no such file" in res.stderr and out.read_text("utf-8") == "previous\n"


def test_a_partial_failure_keeps_the_good_pages_and_names_the_bad(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "bad.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    (pages / "good.txt").write_text(SEEDS[3].read_text("utf-8"), "utf-8")
    res = run_kg("build", pages, "-o", tmp_path / "out")
    assert res.returncode == 1
    assert f"kg: {pages / 'bad.txt'}: not text (binary data)" in res.stderr.splitlines()
    assert "kg: 1 pages, " in res.stderr and ", 1 failed;" in res.stderr
    records = [json.loads(x) for x in (tmp_path / "out" / "extract.jsonl").read_text("utf-8").splitlines()]
    assert [r["file"] for r in records] == ["good.txt"]


def _sets(out):
    return [p.name for p in (out / ".kg-sets").iterdir() if p.name != "current"]


def test_kill_9_at_any_moment_leaves_the_old_set_or_the_new(tmp_path):
    """Builds of two different inputs into one folder, each killed with SIGKILL at a different
    moment of writing its outputs: the folder always shows one whole set, never a mix."""
    inputs = {"a": [SEEDS[3]], "b": [SEEDS[0], SEEDS[1]]}
    ref = {}
    for name, paths in inputs.items():
        assert run_kg("build", *paths, "-o", tmp_path / name, "--no-cache").returncode == 0
        ref[name] = outputs(tmp_path / name)
        assert ref[name]["store matches graph.ttl"]
    assert ref["a"]["graph.ttl"] != ref["b"]["graph.ttl"]
    out = tmp_path / "out"
    assert run_kg("build", *inputs["a"], "-o", out).returncode == 0
    seen, delays = set(), [0, 0.002, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4, 0.8, 1.5]
    for i, delay in enumerate(delays):
        now = outputs(out)
        current = next(k for k, v in ref.items() if v == now)
        target = "b" if current == "a" else "a"
        before = set(_sets(out))
        proc = subprocess.Popen(KG + ["build", *map(str, inputs[target]), "-o", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and set(_sets(out)) <= before:  # until it starts writing its set
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = outputs(out)
        assert after in (ref["a"], ref["b"]), f"kill after {delay} s left a mix"
        seen.add("old" if after == ref[current] else "new")
    assert seen == {"old", "new"}  # the kills fell before and after the switch
    assert run_kg("build", *inputs["a"], "-o", out).returncode == 0  # a later build tidies what was left
    assert outputs(out) == ref["a"] and len(_sets(out)) == 1
