"""Entity-level P/R/F1 (exact span match) for PER/LOC/ORG on the MSRA NER test set or CLUENER2020 dev.

usage: python bench/msra.py [--set msra|cluener] [--data FILE] [--limit N] [--model DIR|rules]

CLUENER's labels are mapped to the three: name → PER; address, scene → LOC;
company, government, organization → ORG (book, game, movie, position left out).

Systems: (a) bare LAC, the PER/LOC/ORG words of kg.lac.Tagger; (b) the full kg
pipeline, kg.nlp(), with OFFICIAL/PERSON→PER, PLACE→LOC, ORG→ORG (PROJECT and
anything else ignored), skipped with a note when it does not load.
The data file (one ``char<TAB>BIO tag`` a line, blank line between sentences)
is for evaluation only: read it where it lies, never copy it into the repo.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared/data/ner_bench/msra_test_bio.txt"
CLUENER = ROOT.parent / "shared/data/ner_bench/cluener_dev.jsonl"
CLUENER_LABELS = {"name": "PER", "address": "LOC", "scene": "LOC", "company": "ORG", "government": "ORG",
                  "organization": "ORG"}
TYPES = ("PER", "LOC", "ORG")
KG_LABELS = {"OFFICIAL": "PER", "PERSON": "PER", "PLACE": "LOC", "ORG": "ORG"}

Spans = set[tuple[int, int, str]]  # (start, end, type), character offsets


def bio_spans(tags: list[str]) -> Spans:
    """Spans of a BIO sequence; an I- that does not continue its type starts a span."""
    spans, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        if kind and not (tag.startswith("I-") and tag[2:] == kind):
            spans.add((start, i, kind))
            kind = None
        if tag != "O" and kind is None:
            start, kind = i, tag[2:]
    return spans


def read_bio(path: Path) -> list[tuple[str, Spans]]:
    """(sentence text, gold spans) per blank-line-separated block."""
    out, chars, tags = [], [], []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            char, tag = line.split("\t")
            chars.append(char)
            tags.append(tag)
        elif chars:
            out.append(("".join(chars), bio_spans(tags)))
            chars, tags = [], []
    return out


def read_cluener(path: Path) -> list[tuple[str, Spans]]:
    import json

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        spans = set()
        for label, mentions in item["label"].items():
            if label in CLUENER_LABELS:
                for places in mentions.values():
                    spans.update((s, e + 1, CLUENER_LABELS[label]) for s, e in places)
        out.append((item["text"], spans))
    return out


def lac_system():
    """texts → spans from the PER/LOC/ORG words of bare LAC."""
    from kg.lac import get_tagger

    tagger = get_tagger()

    def run(texts: list[str]) -> list[Spans]:
        out = []
        for words in tagger.analyze(texts):
            spans, pos = set(), 0
            for word, tag in words:
                if tag in TYPES:
                    spans.add((pos, pos + len(word), tag))
                pos += len(word)
            out.append(spans)
        return out

    return run


def kg_system():
    """texts → spans from kg.nlp() entities; None when it cannot load (it is being written)."""
    try:
        import kg

        nlp = kg.nlp()
    except Exception as e:  # noqa: BLE001 - any load failure means "skip"
        print(f"\n(b) kg pipeline skipped: kg.nlp() not available ({type(e).__name__}: {e})")
        return None

    def run(texts: list[str]) -> list[Spans]:
        docs = nlp.pipe(texts) if hasattr(nlp, "pipe") else map(nlp, texts)
        return [
            {(e.start_char, e.end_char, KG_LABELS[e.label_]) for e in doc.ents if e.label_ in KG_LABELS}
            for doc in docs
        ]

    return run


def report(name: str, gold: list[Spans], pred: list[Spans], seconds: float, chars: int) -> float:
    """Print per-type and micro P/R/F1; return micro F1."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        for *_, t in g & p:
            tp[t] += 1
        for *_, t in p - g:
            fp[t] += 1
        for *_, t in g - p:
            fn[t] += 1

    def prf(a: int, b: int, c: int) -> str:
        p = a / (a + b) if a + b else 0.0
        r = a / (a + c) if a + c else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{p:6.1%} {r:6.1%} {f:6.1%} {a + c:6d} {a + b:6d}"

    print(f"\n{name}  ({chars / seconds:,.0f} chars/s)")
    print(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for t in TYPES:
        print(f"{t:6} {prf(tp[t], fp[t], fn[t])}")
    a, b, c = (sum(x.values()) for x in (tp, fp, fn))
    print(f"{'micro':6} {prf(a, b, c)}")
    return 2 * a / (2 * a + b + c) if a else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", dest="which", choices=["msra", "cluener"], default="msra")
    ap.add_argument("--data", type=Path, default=None, help=f"the set's file (default {DATA} or {CLUENER})")
    ap.add_argument("--limit", type=int, default=None, help="first N sentences only")
    ap.add_argument("--model", default=None, help="the kg pipeline's recognizer: a model folder, or rules")
    args = ap.parse_args()
    if args.model:
        from kg import pipeline

        pipeline.use_model(args.model)

    if args.which == "cluener":
        args.data = args.data or CLUENER
        data = read_cluener(args.data)[: args.limit]
    else:
        args.data = args.data or DATA
        data = read_bio(args.data)[: args.limit]
    texts, gold = [t for t, _ in data], [g for _, g in data]
    chars = sum(map(len, texts))
    print(f"{args.data}: {len(texts)} sentences, {chars} chars, "
          + ", ".join(f"{t} {sum(s[2] == t for g in gold for s in g)}" for t in TYPES))

    for name, load in (("(a) bare LAC", lac_system), ("(b) kg pipeline", kg_system)):
        system = load()
        if system is None:
            continue
        system(texts[:20])  # warm-up, so chars/s excludes one-off start-up costs
        t = time.perf_counter()
        pred = system(texts)
        report(name, gold, pred, time.perf_counter() - t, chars)

if __name__ == "__main__":
    main()
