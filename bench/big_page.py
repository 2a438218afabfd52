"""Peak memory and time of `kg extract` on one huge page (a concatenated dump), 1, 10 and 50 MB.

    python bench/big_page.py [--sizes 1 10 50] [--dir /tmp/kg-big-page]

The page is news articles laid end to end (../shared/corpus/news.jsonl.gz when present,
else the seed pages repeated), each numbered apart. Each size runs `kg extract` in a fresh
process; peak RSS is the child's ru_maxrss (wait4). Memory should stay flat with the size
(bounded by a unit of articles, not by the file), time grow linearly.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl.gz"
KG = Path(sys.executable).parent / "kg"


def texts() -> list[str]:
    if CORPUS.is_file():
        out = []
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                out.append(f"{d.get('title') or ''}\n\n{d['text']}")
                if len(out) >= 3000:
                    break
        return out
    return [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def make_page(path: Path, megabytes: int, pieces: list[str]) -> None:
    size, i, target = 0, 0, megabytes * 1_000_000
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            t = f"{pieces[i % len(pieces)]}\n\n（第{i}篇）\n\n\n"
            fh.write(t)
            size += len(t.encode("utf-8"))
            i += 1


def run(page: Path, out: Path) -> tuple[float, float, int]:
    start = time.monotonic()
    proc = subprocess.Popen([str(KG), "extract", str(page), "-o", str(out), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kg extract {page} failed: {err}")
    return wall, usage.ru_maxrss / 1024, len(json.loads(out.read_text("utf-8"))["entities"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50])
    ap.add_argument("--dir", default="/tmp/kg-big-page")
    args = ap.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    pieces = texts()
    print("| page | chars | wall s | chars/s | peak RSS MB | entities |")
    print("|---|---|---|---|---|---|")
    for mb in args.sizes:
        page = d / f"page{mb}mb.txt"
        if not page.is_file():
            make_page(page, mb, pieces)
        chars = len(page.read_text("utf-8"))
        wall, rss, ents = run(page, d / f"page{mb}mb.jsonl")
        print(f"| {mb} MB | {chars:,} | {wall:.1f} | {chars / wall:,.0f} | {rss:,.0f} | {ents:,} |", flush=True)


if __name__ == "__main__":
    main()
