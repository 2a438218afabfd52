"""Train the visit model (kg/visit_model.py) on the annotated training set.

    python scripts/train_visits.py train/gold train/texts -o kg/data/visit_model.json

Each training text is tagged by a recognizer that did not learn it (two halves, each tagged by
a recognizer trained on the other: `tag_held_out`), so the model meets the stray entities it will
meet in unseen news. Each candidate pair (official, site mention) is labelled by the item's gold:
positive when the gold lists that official's lead visit to that site (any written form of
either), left out when the gold has it only as an accompanying visit, else negative. The L2
strength and the threshold are chosen by 5-fold cross-validation over the training items, for
the visit F1 of the verb patterns and the model together, scored as eval/score.py scores; then
the model is fitted on every item. Same data, same weights.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg import relations, visit_model  # noqa: E402

os.environ[visit_model.ENV] = "0"  # what the rules find is a feature of the selection, never the model's own


def forms(gold: dict) -> dict[str, str]:
    """Every written form of a gold entity → its name."""
    out = {}
    for e in gold["entities"]:
        for f in [e["name"], *e.get("aliases", [])]:
            out.setdefault(f, e["name"])
    return out


def gold_pairs(gold: dict) -> tuple[set, set]:
    """(lead visits, the other visits) of a gold item, as pairs of entity names."""
    names = forms(gold)
    out: tuple[set, set] = (set(), set())
    for v in gold.get("visits", []):
        key = (names.get(v["official"], v["official"]), names.get(v["target"], v["target"]))
        out[v.get("role", "lead") != "lead"].add(key)
    return out[0], out[1] - out[0]


def pairs(tagged_page, gold: dict):
    """(candidate, label or None) for a page: None where the gold has an accompanying visit."""
    names = forms(gold)
    lead_pairs, other = gold_pairs(gold)
    officials = {m.text for ta in tagged_page.articles for m in ta.mentions if m.label == "OFFICIAL"}
    for ta in tagged_page.articles:
        by_sent = relations._by_sentence(ta, officials)
        lead = relations._lead(ta, by_sent, relations._candidates(ta, by_sent))
        for c in visit_model.candidates(ta, by_sent, lead):
            key = (names.get(c.official.text, c.official.text), names.get(c.target.text, c.target.text))
            yield c, (1 if key in lead_pairs else None if key in other else 0)


def rule_pairs(tagged_page, gold):
    names = forms(gold)
    return {(names.get(v["official"], v["official"]), names.get(v["target"], v["target"]))
            for v in relations.page_visits(tagged_page.articles)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("texts", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=Path("build/visits"),
                    help="folder for the fold recognizers and the tagged pages (reused when present)")
    ap.add_argument("--fold-steps", type=int, default=1500, help="training steps of each half's recognizer")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds for the threshold and l2")
    ap.add_argument("--l2", type=float, nargs="+", default=[1.0, 3.0, 10.0, 30.0])
    ap.add_argument("--tie", type=float, default=0.005,
                    help="cross-validated F1 within this of the best counts as a tie; the strongest l2 of a tie wins")
    args = ap.parse_args(argv)

    tagged = tag_held_out(args.gold, args.texts, args.work, steps=args.fold_steps)
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in args.gold.glob("*.json")}

    pages = [(tp, golds[Path(tp.page.source).stem]) for tp in tagged if Path(tp.page.source).stem in golds]
    pages.sort(key=lambda x: Path(x[0].page.source).stem)
    data = [Prepared(tp, gold) for tp, gold in pages]
    print(f"{len(data)} pages, {sum(len(d.rows) for d in data)} candidates, "
          f"{sum(y for d in data for _, y in d.rows)} positive", file=sys.stderr)
    # model selection by cross-validation over the whole training set (never the dev set)
    # per l2, its best threshold; then the strongest l2 within `--tie` of the best F1 (the
    # one-standard-error rule: between fits the folds cannot tell apart, the simpler one)
    per_l2 = {}
    for l2 in args.l2:
        scored = []
        for k in range(args.folds):
            fit = [r for i, d in enumerate(data) if i % args.folds != k for r in d.rows]
            w, b = visit_model.train(fit, l2=l2)
            scored += [(d, d.scores((w, b, 0.0))) for i, d in enumerate(data) if i % args.folds == k]
        for t, f1, counts in thresholds(scored):
            print(f"l2 {l2:g} threshold {t:.2f}: F1 {f1:.3f} {counts}", file=sys.stderr)
            if l2 not in per_l2 or f1 > per_l2[l2][0] + 1e-9:
                per_l2[l2] = (f1, l2, t)
    top = max(f for f, _, _ in per_l2.values())
    f1, l2, threshold = max((x for x in per_l2.values() if x[0] >= top - args.tie), key=lambda x: x[1])
    w, b = visit_model.train([r for d in data for r in d.rows], l2=l2)
    args.output.write_text(json.dumps({"weights": w, "bias": b, "threshold": threshold, "l2": l2,
                                       "cross_validated_f1": round(f1, 4)},
                                      ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(w)} weights, l2 {l2:g}, threshold {threshold} (cross-validated visit F1 {f1:.3f}) → {args.output}",
          file=sys.stderr)
    return 0


def tag_held_out(gold: Path, texts: Path, work: Path, halves: int = 2, steps: int = 1500) -> list:
    """Every training text tagged by a recognizer that was not trained on it.

    The shipped recognizer has learned these very texts, so on them it finds the annotated
    entities and little else; a visit model fitted to that would never see the stray entities
    of unseen news. So the items are split in halves, a recognizer is trained on each (the
    shipped config, `kg train`), and each half is tagged by the other half's recognizer.
    """
    import subprocess

    from kg import pipeline
    from kg.tag import tag_pages

    stems = sorted(p.stem for p in gold.glob("*.json") if (texts / f"{p.stem}.txt").exists())
    runs = []
    for k in range(halves):  # the recognizers train side by side, one per core
        model = work / f"ner-{k}"
        if (work / f"tagged-{k}.pickle").exists() or (model / "model").exists():
            continue
        fit = work / f"half-{k}"
        for sub in ("gold", "texts"):
            (fit / sub).mkdir(parents=True, exist_ok=True)
        for i, stem in enumerate(stems):
            if i % halves != k:  # recognizer k learns every half but k
                for src, sub, ext in ((gold, "gold", "json"), (texts, "texts", "txt")):
                    dst = fit / sub / f"{stem}.{ext}"
                    if not dst.exists():
                        dst.symlink_to((src / f"{stem}.{ext}").resolve())
        kg = Path(sys.executable).parent / "kg"
        log = open(work / f"ner-{k}.log", "w")
        runs.append(subprocess.Popen([str(kg), "train", str(fit / "gold"), str(fit / "texts"), "-o", str(model),
                                      "--training.max_steps", str(steps)], stdout=log, stderr=subprocess.STDOUT))
    for r in runs:
        if r.wait():
            raise SystemExit(f"kg train failed (see {work}/ner-*.log)")
    out = []
    for k in range(halves):
        cache = work / f"tagged-{k}.pickle"
        if cache.exists():
            out += pickle.loads(cache.read_bytes())
            continue
        pipeline.use_model(str(work / f"ner-{k}" / "model"))
        mine = [texts / f"{stem}.txt" for i, stem in enumerate(stems) if i % halves == k]
        pages = [tp for tp in tag_pages(mine, progress=True) if hasattr(tp, "articles")]
        cache.write_bytes(pickle.dumps(pages))
        out += pages
    pipeline.use_model(None)
    return out


class Prepared:
    """A page's candidates with their labels, its gold pairs and what the rules find on it."""

    def __init__(self, tp, gold):
        names = forms(gold)
        self.want, other = gold_pairs(gold)
        self.allowed = self.want | other
        self.rules = rule_pairs(tp, gold)
        cands = list(pairs(tp, gold))
        self.rows = [(c.features, y) for c, y in cands if y is not None]
        self.keys = [((names.get(c.official.text, c.official.text), names.get(c.target.text, c.target.text)), c)
                     for c, _ in cands]

    def scores(self, model) -> dict:
        out = {}
        for key, c in self.keys:
            out[key] = max(out.get(key, 0.0), visit_model.score(c, model))
        return out


def thresholds(scored):
    """(threshold, visit F1, counts) of the rules and the model together, scored as score.py does:
    a prediction matching any gold visit is right, recall is over the lead visits."""
    for k in range(30, 96, 2):
        t = k / 100
        tp_ = fp = fn = 0
        for d, scores in scored:
            got = d.rules | {p for p, s in scores.items() if s >= t}
            tp_ += len(got & d.allowed)
            fp += len(got - d.allowed)
            fn += len(d.want - got)
        yield t, 2 * tp_ / max(1, 2 * tp_ + fp + fn), (tp_, fp, fn)


if __name__ == "__main__":
    sys.exit(main())
