"""Visit dates on the dev set, built from JSONL: how many visits get a resolved date, and whether
each lies in the month before publication.

usage: python bench/dates.py [--keep DIR] [--list]

Writes the 56 dev items as a JSONL corpus ({"id", "date", "title", "text"} a line) in a temporary
folder, runs `kg build` on it and reads the visits of its extract.jsonl. An item's date is the one
in its file name (rmrb-20200123-…, xwlb-20250722-…); the tibetcn- names hold none, so it is looked
up in ../shared/corpus/news.jsonl.gz, by a normalized prefix of the body and a near-identical text
(a repost of the same story); an item found nowhere gets "date": null. Nothing of the dev set is
copied into the repository. Evaluation use only.

Reports visits, visits with a resolved date and their share, and the resolved dates outside
[publication − 31 days, publication], split into those whose year the text writes (a story's
history: 2005年8月15日 in a 2020 paper, correct but outside) and those resolved from the
publication date (which must be none).
"""
from __future__ import annotations

import argparse
import difflib
import glob
import gzip
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEXTS = SHARED / "eval" / "dev" / "texts"
CORPUS = SHARED / "corpus" / "news.jsonl.gz"
KG = ROOT / ".venv" / "bin" / "kg"
sys.path.insert(0, str(ROOT))

from kg import dates  # noqa: E402

PREFIX = 40  # normalized body characters a corpus record must open with
SAME = 0.9  # and how alike the texts must be (a repost, not a story opening the same way)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def dev_items() -> list[dict]:
    """The dev texts as corpus records: id (the file's stem), title (its first line), text."""
    out = []
    for p in sorted(glob.glob(str(TEXTS / "*.txt"))):
        title, _, body = Path(p).read_text("utf-8").partition("\n")
        out.append({"id": Path(p).stem, "date": dates.publication(Path(p).name, ""), "title": title.strip(),
                    "text": body.strip()})
    return out


def corpus_dates(items: list[dict]) -> dict[str, tuple[str, str]]:
    """id → (date, corpus id) for the undated items whose story the corpus holds."""
    wanted = {_norm(i["text"])[:PREFIX]: i for i in items if not i["date"]}
    found = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = _norm(rec.get("text") or "")
            item = wanted.get(body[:PREFIX])
            if item is None or item["id"] in found or not dates.to_date(rec.get("date")):
                continue
            if difflib.SequenceMatcher(None, body[:2000], _norm(item["text"])[:2000]).ratio() >= SAME:
                found[item["id"]] = (dates.to_date(rec["date"]).isoformat(), rec["id"])
    return found


def _span(iso: str, end: str | None) -> tuple[date, date]:
    """The days a resolved date covers (a month, a year: all of its days)."""
    if len(iso) == 4:
        return date(int(iso), 1, 1), date(int(iso), 12, 31)
    if len(iso) == 7:
        y, m = int(iso[:4]), int(iso[5:])
        nxt = date(y + m // 12, m % 12 + 1, 1)
        return date(y, m, 1), nxt - timedelta(1)
    return date.fromisoformat(iso), date.fromisoformat(end or iso)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="write the JSONL and the build here instead of a temporary folder")
    ap.add_argument("--list", action="store_true", help="list every visit with its dates")
    args = ap.parse_args()

    items = dev_items()
    looked_up = corpus_dates(items)
    for i in items:
        if not i["date"] and i["id"] in looked_up:
            i["date"] = looked_up[i["id"]][0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpus = work / "dev.jsonl"
        corpus.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
        res = subprocess.run([str(KG), "build", str(corpus), "-o", str(work / "out"), "--no-cache", "--no-progress"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"kg build failed:\n{res.stderr[-2000:]}")
        records = [json.loads(line) for line in (work / "out" / "extract.jsonl").open(encoding="utf-8")]

    published = {i["id"]: i["date"] for i in items}
    n = dated = 0
    outside: Counter = Counter()
    by_source: dict[str, Counter] = {}
    rows = []
    for rec in records:
        pub = published.get(rec["file"])
        src = by_source.setdefault(rec["file"].split("-")[0], Counter())
        for v in rec["visits"]:
            n += 1
            src["visits"] += 1
            iso, end = v.get("iso_date"), v.get("date_end")
            where = ""
            if iso:
                dated += 1
                src["dated"] += 1
                if pub:
                    lo, hi = _span(iso, end)
                    p = date.fromisoformat(pub)
                    if hi < p - timedelta(31) or lo > p:
                        kind = "written year" if re.search(r"\d{4}年|[〇零一二三四五六七八九]{4}年", v["date"] or "") else "inferred"
                        outside[kind] += 1
                        where = f"  OUTSIDE ({kind})"
            rows.append(f"{rec['file']}\t{pub}\t{v['official']}\t{v['target']}\t{v['date']}\t{iso}\t{end}\t"
                        f"{v.get('date_precision')}{where}")
    if args.list:
        print("\n".join(rows))
    pages = len(items)
    with_pub = sum(1 for i in items if i["date"])
    print(f"dev items: {pages}, with a publication date: {with_pub} "
          f"({sum(1 for i in items if dates.publication(i['id'], '')) } from the name, {len(looked_up)} from the corpus)")
    print(f"visits: {n}, with a resolved date: {dated} ({dated / n:.1%})" if n else "visits: 0")
    for s, c in sorted(by_source.items()):
        print(f"  {s:8} {c['visits']:3} visits, {c['dated']:3} dated")
    print(f"resolved dates outside [published - 31 days, published]: {sum(outside.values())} "
          f"({outside['written year']} with the year written in the text, {outside['inferred']} inferred)")


if __name__ == "__main__":
    main()
