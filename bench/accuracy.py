"""Accuracy of pipeline variants on the dev set (by source) and the seeds: the ablation table.

usage: python bench/accuracy.py [VARIANT …] [--models NAME=DIR …]

A variant is `NAME` or `NAME:fill=0,nested=1`, NAME one of lac (LAC's own
entities), rules (the hand rules), shipped (kg/ner/model), or a --models name;
`visits=0` among the options turns the visit model off (the verb patterns alone).
Each runs `kg extract` in its own process, scored by ../shared/eval/score.py
(strict F1). Prints one Markdown row per variant.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev"
KG = ROOT / ".venv" / "bin" / "kg"
SOURCES = ("rmrb", "tibetcn", "xwlb")


def extract(files: list[Path], model: str, merge: str, out: Path) -> None:
    opts = [o for o in merge.split(",") if o]
    env = dict(os.environ, KG_MERGE=",".join(o for o in opts if o != "visits=0"),
               KG_VISIT_MODEL="0" if "visits=0" in opts else "1")
    res = subprocess.run([str(KG), "extract", *map(str, files), "-o", str(out), "--model", model, "--no-progress"],
                         env=env, capture_output=True, text=True)
    if res.returncode not in (0, 1):
        raise SystemExit(f"kg extract --model {model} failed:\n{res.stderr[-2000:]}")


def score(gold: Path, pred: Path) -> dict:
    res = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(pred), "--json", "--by-source"],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def row(name: str, dev: dict, seeds: dict) -> str:
    f = lambda d: f"{d['f1']:.3f}" if d and d.get("f1") is not None else "—"
    es = dev["entities_strict"]
    cells = [name, f(dev["entities_micro_strict"]), f(es["Official"]), f(es["Organization"]), f(es["Place"]),
             f(es["Project"]), f(dev["visited"])]
    cells += [f(dev["by_source"][s]["core_micro_strict"]) for s in SOURCES]
    cells += [f(seeds["entities_micro_strict"]), f(seeds["entities_strict"]["Official"]), f(seeds["visited"])]
    cells += [f(dev["by_source"][s]["visited"]) for s in SOURCES]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", default=["lac", "rules", "shipped"])
    ap.add_argument("--models", nargs="*", default=[], metavar="NAME=DIR")
    args = ap.parse_args()
    models = {"lac": "lac", "rules": "rules", "shipped": str(ROOT / "kg" / "ner" / "model")}
    models.update(dict(m.split("=", 1) for m in args.models))
    dev_files = sorted((DEV / "texts").glob("*.txt"))
    seed_files = sorted((ROOT / "seeds").glob("*.txt"))
    print("| variant | dev core | Official | Org | Place | Project | visits | rmrb | tibetcn | xwlb "
          "| seeds core | seeds Official | seeds visits | visits rmrb | visits tibetcn | visits xwlb |")
    print("|---" * 16 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for v in args.variants:
            name, _, merge = v.partition(":")
            d, s = Path(tmp) / f"{v}-dev.jsonl", Path(tmp) / f"{v}-seeds.jsonl"
            extract(dev_files, models[name], merge, d)
            extract(seed_files, models[name], merge, s)
            print(row(v, score(DEV / "gold", d), score(SHARED / "eval" / "gold", s)), flush=True)


if __name__ == "__main__":
    main()
