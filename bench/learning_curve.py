"""Learning curve: dev core F1 of the entity model trained on the first N training pages.

usage: python bench/learning_curve.py [--sizes 100 200 400 0] [--out DIR] [--section.key value …]

Each size trains `kg train train/gold train/texts` with `corpora.train.limit N`
(0: all; the pages are shuffled with the config's fixed seed first, so 100 is a
random 100) and the same validation split, then scores the model on the dev set
by source and on the seeds, as bench/accuracy.py does. Extra dotted settings go
to every run (`--training.max_steps 1500`). It tells whether more annotation pays.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import DEV, SHARED, extract, row, score  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", type=int, default=[100, 200, 400, 0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/kg-learning-curve"))
    args, rest = ap.parse_known_args()
    if len(rest) % 2:
        raise SystemExit(f"settings come in pairs (--section.key value): {rest}")
    overrides = {k.lstrip("-"): v for k, v in zip(rest[::2], rest[1::2])}

    from kg.train import train

    dev_files = sorted((DEV / "texts").glob("*.txt"))
    seed_files = sorted((ROOT / "seeds").glob("*.txt"))
    print("| pages | dev core | Official | Org | Place | Project | visits | rmrb | tibetcn | xwlb "
          "| seeds core | seeds Official | seeds visits | minutes |")
    print("|---" * 14 + "|")
    for n in args.sizes:
        out = args.out / f"n{n or 'all'}"
        t = time.perf_counter()
        with contextlib.redirect_stdout(sys.stderr):  # spaCy's training log; the table alone on stdout
            model = train(ROOT / "train" / "gold", ROOT / "train" / "texts", out, overrides=overrides, limit=n,
                          log=lambda m: print(m, file=sys.stderr))
        minutes = (time.perf_counter() - t) / 60
        d, s = out / "dev.jsonl", out / "seeds.jsonl"
        extract(dev_files, str(model), "", d)
        extract(seed_files, str(model), "", s)
        line = row(str(n or "all"), score(DEV / "gold", d), score(SHARED / "eval" / "gold", s))
        print(f"{line} {minutes:.1f} |", flush=True)


if __name__ == "__main__":
    main()
