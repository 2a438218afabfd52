#!/usr/bin/env python3
"""The training set: sample items from the corpus, regenerate their texts,
pre-annotate, check and compile hand annotations (see train/README.md).

    python scripts/annotate.py sample            # train/items.jsonl (ids, origins, batches)
    python scripts/annotate.py texts             # train/texts/ID.txt from the corpus
    python scripts/annotate.py pre               # train/pre/ID.ann: today's pipeline, to correct
    python scripts/annotate.py check FILE.ann…   # problems, one line each; --show prints the marked text
    python scripts/annotate.py compile           # train/ann/*/ID.ann → train/gold/ID.json (+ mentions)
    python scripts/annotate.py agreement         # second annotations scored against the first

An .ann file, one line each:
    Official 陈刚 | 省委书记; 省人大常委会主任       TYPE NAME [= ALIAS; …] [| TITLE; …]
    Place 果洛藏族自治州 = 果洛州; 果洛
    visit lead 陈刚 > 果洛藏族自治州 @ 12月24日 : 陈刚赴果洛藏族自治州调研
    not 中国特色                                   no mention inside this phrase
    # a comment
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import annotation  # noqa: E402
from kg.read import split_sentences  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "news.jsonl.gz"
TRAIN = ROOT / "train"
ITEMS = TRAIN / "items.jsonl"
TEXTS = TRAIN / "texts"
TYPES = ("Official", "Person", "Organization", "Place", "Project")
ROLES = ("lead", "accompanying")

GROUPS = {"rmrb": "人民日报", "xwlb": "新闻联播", "tibetcn": "provincial"}
PER_GROUP = 214
BATCHES = 8
DOUBLE_PER_BATCH = 8
VISIT_CUE = re.compile(r"调研|考察|视察|察看|检查|走访|慰问|来到|深入|前往|走进")
PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
]


def item_text(row: dict) -> str:
    """The text an annotation's offsets refer to: headline, a blank line, body (as in eval/dev)."""
    return row["title"].strip() + "\n\n" + row["text"].strip() + "\n"


def group_of(row: dict) -> str:
    return row["id"].split("-", 1)[0]


def corpus():
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def shingles(text: str, n: int = 12) -> set[str]:
    t = re.sub(r"\s+", "", text)
    return {t[i : i + n] for i in range(0, max(1, len(t) - n + 1), 3)}


def measuring_shingles() -> set[str]:
    """Text of the dev set and the seeds' gold: nothing near them may be trained on."""
    out: set[str] = set()
    for folder in (SHARED / "eval" / "dev" / "texts", SHARED / "seeds"):
        for p in folder.glob("*.txt"):
            out |= shingles(p.read_text(encoding="utf-8", errors="replace"))
    return out


def province(text: str) -> str:
    counts = Counter({p: text.count(p) for p in PROVINCES})
    best, n = counts.most_common(1)[0]
    return best if n else "—"


def year(row: dict) -> str:
    m = re.search(r"(20\d\d)", row.get("date") or "")
    return m.group(1) if m else "—"


def cmd_sample(args):
    rng = random.Random(13)
    held = measuring_shingles()
    by_group: dict[str, list[dict]] = defaultdict(list)
    seen_titles = set()
    for row in corpus():
        text = item_text(row)
        if not 200 <= len(text) <= 1300 or row["title"] in seen_titles:
            continue
        sh = shingles(text)
        if len(sh & held) > 0.05 * len(sh):
            continue  # the same news as a measuring item
        seen_titles.add(row["title"])
        by_group[group_of(row)].append(row)
    chosen = []
    for g, rows in in_draw_order(by_group, rng):
        cued = [r for r in rows if VISIT_CUE.search(r["text"])]
        plain = [r for r in rows if not VISIT_CUE.search(r["text"])]
        take = cued[: PER_GROUP // 2] + plain[: PER_GROUP - PER_GROUP // 2]
        chosen += take
    rng.shuffle(chosen)
    items = []
    for i, row in enumerate(chosen):
        text = item_text(row)
        batch = i % BATCHES
        items.append(
            {
                "id": row["id"],
                "origin": row["origin"],
                "outlet": row["outlet"],
                "date": row["date"],
                "group": GROUPS[group_of(row)],
                "year": year(row),
                "province": province(text),
                "chars": len(text),
                "batch": f"b{batch}",
                "second": None,
                "split": "valid" if int(hashlib.sha1(row["id"].encode()).hexdigest(), 16) % 10 == 0 else "train",
            }
        )
    for b in range(BATCHES):  # the next batch's annotator reads some items blind
        mine = [it for it in items if it["batch"] == f"b{b}"]
        for it in mine[:DOUBLE_PER_BATCH]:
            it["second"] = f"b{(b + 1) % BATCHES}"
    TRAIN.mkdir(exist_ok=True)
    with open(ITEMS, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    print(f"{len(items)} items → {ITEMS}")
    cmd_table(args)


# An official's title near a visit cue: the items that teach the visit relation.
TITLED_CUE = re.compile(r"(?:书记|省长|市长|州长|县长|主席|总理|部长|主任|委员)[^。]{0,40}?(?:%s)" % VISIT_CUE.pattern)


def cmd_extend(args):
    """More items for the visit relation: items whose text has an official's title before a visit cue,
    in new batches (bN…), each batch reading `--double` items of the next one blind; the items
    already sampled, their titles and anything near a measuring text are left out."""
    rng = random.Random(args.seed)
    held = measuring_shingles()
    old = items()
    have = {it["id"] for it in old}
    seen_titles = {it.get("title") for it in old}
    have_sh = set().union(*(shingles(text_of(it["id"])) for it in old)) if TEXTS.exists() else set()
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row in corpus():
        text = item_text(row)
        if row["id"] in have or not 200 <= len(text) <= 1300 or row["title"] in seen_titles:
            continue
        if not TITLED_CUE.search(row["text"]):
            continue
        sh = shingles(text)
        if len(sh & held) > 0.05 * len(sh) or len(sh & have_sh) > 0.3 * len(sh):
            continue
        seen_titles.add(row["title"])
        by_group[group_of(row)].append(row)
    chosen = []
    for _, rows in in_draw_order(by_group, rng):
        chosen += rows[: args.per_group]
    rng.shuffle(chosen)
    first = 1 + max(int(it["batch"][1:]) for it in old)
    new = []
    for i, row in enumerate(chosen):
        text = item_text(row)
        new.append({"id": row["id"], "origin": row["origin"], "outlet": row["outlet"], "date": row["date"],
                    "group": GROUPS[group_of(row)], "year": year(row), "province": province(text),
                    "chars": len(text), "batch": f"b{first + i % args.batches}", "second": None,
                    "split": "valid" if int(hashlib.sha1(row["id"].encode()).hexdigest(), 16) % 10 == 0 else "train"})
    for b in range(args.batches):
        mine = [it for it in new if it["batch"] == f"b{first + b}"]
        for it in mine[: args.double]:
            it["second"] = f"b{first + (b + 1) % args.batches}"
    with open(ITEMS, "a", encoding="utf-8") as f:
        for it in new:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    for b in range(args.batches):
        name = f"b{first + b}"
        (TRAIN / "batches" / f"{name}.txt").write_text(
            "".join(it["id"] + "\n" for it in new if it["batch"] == name), encoding="utf-8")
        (TRAIN / "batches" / f"{name}-second.txt").write_text(
            "".join(it["id"] + "\n" for it in new if it["second"] == name), encoding="utf-8")
    print(f"{len(new)} items in batches b{first}…b{first + args.batches - 1} → {ITEMS}")


def in_draw_order(by_group: dict[str, list[dict]], rng: random.Random):
    """(group, its rows shuffled) for each outlet group in turn; the provincial papers' rows in
    round-robin over (outlet, year), so that no outlet or year crowds out the others."""
    for g in GROUPS:
        rows = sorted(by_group[g], key=lambda r: r["id"])
        rng.shuffle(rows)
        if g == "tibetcn":
            ranks = spread_ranks(rows)
            rows.sort(key=lambda r: ranks[r["id"]])
        yield g, rows


def spread_ranks(rows) -> dict[str, int]:
    """Round-robin order over (outlet, year): the k-th item of each pair before any (k+1)-th."""
    seen: Counter = Counter()
    ranks = {}
    for x in rows:
        key = (x["outlet"], year(x))
        ranks[x["id"]] = seen[key]
        seen[key] += 1
    return ranks


def items() -> list[dict]:
    return [json.loads(l) for l in open(ITEMS, encoding="utf-8")]


def cmd_table(args):
    its = items()
    print("| group | items | chars | with visit cues | years | outlets | provinces (most named) |")
    print("|---|---|---|---|---|---|---|")
    for g in GROUPS.values():
        rows = [it for it in its if it["group"] == g]
        years = Counter(it["year"] for it in rows)
        outlets = Counter(it["outlet"] for it in rows)
        provs = Counter(it["province"] for it in rows)
        cues = sum(1 for it in rows if VISIT_CUE.search(text_of(it["id"]))) if TEXTS.exists() else "?"
        fmt = lambda c, k: ", ".join(f"{a} {n}" for a, n in sorted(c.items(), key=lambda x: -x[1])[:k])
        print(
            f"| {g} | {len(rows)} | {sum(it['chars'] for it in rows):,} | {cues} | {fmt(years, 6)} | "
            f"{len(outlets)}: {fmt(outlets, 5)} | {len(provs)}: {fmt(provs, 8)} |"
        )
    print(f"double-annotated: {sum(1 for it in its if it['second'])}; validation split: "
          f"{sum(1 for it in its if it['split'] == 'valid')}")


def text_of(item_id: str) -> str:
    return (TEXTS / f"{item_id}.txt").read_text(encoding="utf-8")


def cmd_texts(args):
    wanted = {it["id"] for it in items()}
    TEXTS.mkdir(parents=True, exist_ok=True)
    n = 0
    for row in corpus():
        if row["id"] in wanted:
            (TEXTS / f"{row['id']}.txt").write_text(item_text(row), encoding="utf-8")
            n += 1
    print(f"{n} texts → {TEXTS}")


def cmd_pre(args):
    out = TRAIN / "pre"
    out.mkdir(parents=True, exist_ok=True)
    its = [it for it in items() if not args.batch or args.batch in (it["batch"], it["second"])]
    tmp = TRAIN / "pre.jsonl"
    subprocess.run(
        [str(Path(sys.executable).parent / "kg"), "extract", *[str(TEXTS / f"{it['id']}.txt") for it in its], "-o", str(tmp)],
        check=True,
    )
    for line in open(tmp, encoding="utf-8"):
        rec = json.loads(line)
        item_id = rec["file"][:-4]
        (out / f"{item_id}.ann").write_text(to_ann(rec, text_of(item_id)), encoding="utf-8")
    tmp.unlink()
    print(f"pre-annotations → {out}")


def to_ann(rec: dict, text: str) -> str:
    lines = []
    for e in rec["entities"]:
        line = f"{e['type']} {e['name']}"
        if e.get("aliases"):
            line += " = " + "; ".join(e["aliases"])
        if e.get("titles"):
            line += " | " + "; ".join(e["titles"])
        lines.append(line)
    for v in rec.get("visits") or []:
        ev = v.get("evidence") or ""
        line = f"visit {v['role']} {v['official']} > {v['target']}"
        if v.get("date"):
            line += f" @ {v['date']}"
        lines.append(line + f" : {ev[:40]}")
    return "\n".join(lines) + "\n"


ENTITY = re.compile(r"^(\S+) ([^=|]+?)(?: = ([^|]+?))?(?: \| (.+))?$")
VISIT = re.compile(r"^visit (\S+) (.+?) > (.+?)(?: @ (.+?))? : (.+)$")


def parse_ann(path: Path, text: str) -> tuple[dict, list[str]]:
    """An .ann file as a gold record (evidence widened to its sentence) and its problems."""
    ents, visits, blocked, problems = [], [], [], []
    names = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{n}"
        if line.startswith("not "):
            blocked.append(line[4:].strip())
            if line[4:].strip() not in text:
                problems.append(f"{where}: not-phrase {line[4:].strip()!r} is not in the text")
            continue
        if line.startswith("visit "):
            m = VISIT.match(line)
            if not m:
                problems.append(f"{where}: cannot read visit line (visit ROLE OFFICIAL > TARGET [@ DATE] : EVIDENCE)")
                continue
            role, who, target, date, ev = (g.strip() if g else "" for g in m.groups())
            if role not in ROLES:
                problems.append(f"{where}: role {role!r} is not lead/accompanying")
            i = text.find(ev)
            if i < 0:
                problems.append(f"{where}: evidence {ev!r} is not in the text")
                sentence = ev
            else:
                sentence = widen(text, i, i + len(ev))
            visits.append({"official": who, "target": target, "role": role, "date": date, "evidence": sentence})
            continue
        m = ENTITY.match(line)
        if not m or m.group(1) not in TYPES:
            problems.append(f"{where}: cannot read entity line (TYPE NAME [= ALIAS; …] [| TITLE; …]), TYPE one of {TYPES}")
            continue
        typ, name, aliases, titles = m.groups()
        name = name.strip()
        aliases = [a.strip() for a in (aliases or "").split(";") if a.strip()]
        titles = [t.strip() for t in (titles or "").split(";") if t.strip()]
        ent = {"name": name, "type": typ, "aliases": aliases}
        if typ == "Official":
            ent["titles"] = titles
        elif titles:
            problems.append(f"{where}: only an Official has titles")
        for form in [name] + aliases:
            if form in names:
                problems.append(f"{where}: {form!r} is already a form of {names[form]!r}")
            names[form] = name
            if form not in text:
                problems.append(f"{where}: {form!r} is not written in the text")
        ents.append(ent)
    kinds = {}
    for e in ents:
        for f in [e["name"]] + e["aliases"]:
            kinds[f] = e["type"]
    for v in visits:
        if kinds.get(v["official"]) != "Official":
            problems.append(f"{path.name}: visit by {v['official']!r}, who is not an Official entity")
        if v["target"] not in kinds:
            problems.append(f"{path.name}: visit target {v['target']!r} is not an entity")
        else:  # the scorer matches on forms; keep the entity's name
            v["target"] = next(e["name"] for e in ents if v["target"] in [e["name"]] + e["aliases"])
            v["official"] = next((e["name"] for e in ents if v["official"] in [e["name"]] + e["aliases"]), v["official"])
    rec = {"entities": ents, "visits": visits}
    if blocked:
        rec["not"] = blocked
    return rec, problems


def widen(text: str, start: int, end: int) -> str:
    """The sentence(s) around text[start:end]."""
    spans = [(s, e) for s, e in split_sentences(text) if s < end and start < e]
    if not spans:
        return text[start:end]
    return text[spans[0][0] : spans[-1][1]]


def show(text: str, mentions) -> str:
    short = {"OFFICIAL": "官", "PERSON": "人", "ORG": "组", "PLACE": "地", "PROJECT": "项"}
    out, last = [], 0
    for s, e, label in mentions:
        out.append(text[last:s] + "[" + text[s:e] + "]" + short[label])
        last = e
    out.append(text[last:])
    return "".join(out)


def cmd_check(args):
    bad = 0
    for p in map(Path, args.files):
        item_id = p.stem
        text = text_of(item_id)
        rec, problems = parse_ann(p, text)
        for pr in problems:
            print(pr)
        bad += len(problems)
        if args.show:
            print(f"=== {item_id}")
            print(show(text, annotation.project(text, rec["entities"], rec.get("not", []))))
    print(f"{len(args.files)} files, {bad} problems", file=sys.stderr)
    return 1 if bad else 0


def annotated(batch_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(batch_dir.glob("*.ann"))}


def cmd_compile(args):
    """First annotations (adjudicated where present) → train/gold/ID.json with mentions and origin."""
    gold = TRAIN / "gold"
    gold.mkdir(parents=True, exist_ok=True)
    meta = {it["id"]: it for it in items()}
    n = problems_total = 0
    for it in meta.values():
        src = TRAIN / "adjudicated" / f"{it['id']}.ann"
        if not src.exists():
            src = TRAIN / "ann" / it["batch"] / f"{it['id']}.ann"
        if not src.exists():
            continue
        text = text_of(it["id"])
        rec, problems = parse_ann(src, text)
        for pr in problems:
            print(pr)
        problems_total += len(problems)
        out = {
            "file": f"{it['id']}.txt",
            "id": it["id"],
            "origin": it["origin"],
            "outlet": it["outlet"],
            "date": it["date"],
            "split": it["split"],
            "annotation": str(src.relative_to(TRAIN)),
            **rec,
        }
        out["mentions"] = [list(m) for m in annotation.project(text, rec["entities"], rec.get("not", []))]
        (gold / f"{it['id']}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        n += 1
    print(f"{n} gold files → {gold} ({problems_total} problems)")


def cmd_subset(args):
    """The items of some batches as GOLD/ and TEXTS/ folders of links (what `kg train` reads)."""
    out = Path(args.output)
    for sub in ("gold", "texts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    n = 0
    for it in items():
        if it["batch"] not in args.batches or not (TRAIN / "gold" / f"{it['id']}.json").exists():
            continue
        for src, sub in ((TRAIN / "gold" / f"{it['id']}.json", "gold"), (TEXTS / f"{it['id']}.txt", "texts")):
            dst = out / sub / src.name
            if not dst.exists():
                dst.symlink_to(src.resolve())
        n += 1
    print(f"{n} items of {', '.join(args.batches)} → {out}")


def cmd_agreement(args):
    """Second (blind) annotations against the first, with eval/score.py; both as JSONL."""
    its = [it for it in items() if it["second"]]
    first, second = TRAIN / "agreement" / "first", TRAIN / "agreement" / "second.jsonl"
    first.mkdir(parents=True, exist_ok=True)
    lines = []
    n = 0
    for it in its:
        a = TRAIN / "ann" / it["batch"] / f"{it['id']}.ann"
        b = TRAIN / "ann" / (it["second"] + "-second") / f"{it['id']}.ann"
        if not (a.exists() and b.exists()):
            continue
        text = text_of(it["id"])
        ra, _ = parse_ann(a, text)
        rb, _ = parse_ann(b, text)
        (first / f"{it['id']}.json").write_text(json.dumps({"file": f"{it['id']}.txt", **ra}, ensure_ascii=False), encoding="utf-8")
        lines.append(json.dumps({"file": f"{it['id']}.txt", **rb}, ensure_ascii=False))
        n += 1
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{n} items annotated twice")
    subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(first), str(second), *args.rest])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sample")
    sub.add_parser("table")
    sub.add_parser("texts")
    e = sub.add_parser("extend")
    e.add_argument("--per-group", type=int, default=50)
    e.add_argument("--batches", type=int, default=2)
    e.add_argument("--double", type=int, default=10)
    e.add_argument("--seed", type=int, default=14)
    pr = sub.add_parser("pre")
    pr.add_argument("--batch", default=None, help="only the items of this batch (first or second reading)")
    c = sub.add_parser("check")
    c.add_argument("files", nargs="+")
    c.add_argument("--show", action="store_true")
    sub.add_parser("compile")
    su = sub.add_parser("subset")
    su.add_argument("--batches", nargs="+", required=True)
    su.add_argument("-o", "--output", required=True)
    a = sub.add_parser("agreement")
    a.add_argument("rest", nargs="*")
    args = ap.parse_args()
    return {
        "sample": cmd_sample,
        "table": cmd_table,
        "texts": cmd_texts,
        "extend": cmd_extend,
        "pre": cmd_pre,
        "check": cmd_check,
        "compile": cmd_compile,
        "agreement": cmd_agreement,
        "subset": cmd_subset,
    }[args.cmd](args) or 0


if __name__ == "__main__":
    sys.exit(main())
