"""Visits learned from annotated news: every (official, site) pair a sentence offers, scored.

The verb patterns of `kg.relations` state a visit where a sentence has a shape they know
(X来到Y, 在Y调研). News has many more (他趟着泥水走进Y…家中, Y红火热闹。X向商户…, 在Y考察时强调),
and growing the table one shape at a time does not carry to the next paper. So each site mention
is paired with the officials who could be its visitor (the nearest before it in its sentence,
the first after it, the article's lead) and a logistic model scores the pair from its context, written
with the names masked: the words before and after the site, who opens the clause, the site's kind
and level, where the sentence stands. The weights are learned from the visits of the annotated
training set (`train/gold`, `make train` → `scripts/train_visits.py`) and ship as
`kg/data/visit_model.json`; nothing here names a person or a place.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import gazetteer, lexicon, speech
from .model import Mention, TaggedArticle

ENV = "KG_VISIT_MODEL"
WEIGHTS_ENV = "KG_VISIT_WEIGHTS"
SITES = ("PLACE", "PROJECT", "ORG")
# A mention, masked to its kind, so that the context reads the same whatever the names are.
MASK = {"OFFICIAL": "甲", "PERSON": "乙", "PLACE": "丙", "ORG": "丁", "PROJECT": "戊"}
CLAUSE = re.compile(r"[，,。；;！!？?：:\n]")
PRONOUN = re.compile(r"(?:他们|他|她|一行|随后|接着|之后|然后|先后|又|还)")
# Who opens the clause after "在丙，": the official (甲), someone else (乙, 记者, 村民 …), or no one named.
OTHER_PEOPLE = re.compile("乙|" + "|".join(sorted(lexicon.PERSON_ROLES, key=len, reverse=True)))
# A site in a list (走进丙、丁和丁): what comes before the list is what says where they went.
LISTED = re.compile(r"(?:[丙丁戊](?:[、和及与]|以及))+$")
# A group travelling with its head (指导组, 调研组, 代表团, 一行): the head is the visitor.
GROUP = re.compile(r"组|团|队|一行")
# After a place, what makes it the scene of a speech or a time, not of this visit (考察丙重要讲话, 视察丙时):
# such a pair is no candidate at all, as the verb patterns take no visit there either.
NOT_THIS_VISIT = re.compile(r"时|期间|以来|重要讲话|讲话|指示|精神|重要论述")
# A place that gives aid is no stop of the trip it is named in (丙援建项目, 丙对口援建丙).
AID = re.compile("(?:对口|新一轮)*(?:" + "|".join(lexicon.AID_VERBS) + ")")
# 在丙—丙对口帮扶工作座谈会上: the place names the meeting; a meeting is no visit (by the guideline).
MEETING = re.compile(r"[^甲乙]*?(?:会|会议|仪式|典礼|论坛)上")
WINDOW = 8  # characters of masked context on each side


@dataclass(frozen=True)
class Candidate:
    official: Mention
    target: Mention
    sentence: int
    features: tuple[str, ...]


def _masked(text: str, lo: int, hi: int, ms: list[Mention]) -> tuple[str, list[int]]:
    """text[lo:hi] with each mention replaced by one character of its kind, and where each original
    offset lands in the masked string (so that the context of a mention can be cut from it)."""
    out, where, pos = [], [], lo
    for m in sorted((m for m in ms if lo <= m.start and m.end <= hi), key=lambda m: (m.start, -m.end)):
        if m.start < pos:
            continue
        for c in text[pos : m.start]:
            where.append(len(out))
            out.append(c)
        where += [len(out)] * (m.end - m.start)
        out.append(MASK.get(m.label, "丁"))
        pos = m.end
    for c in text[pos:hi]:
        where.append(len(out))
        out.append(c)
    where.append(len(out))
    return "".join(out), where


def _ngrams(prefix: str, s: str, n: int = 2) -> list[str]:
    return [f"{prefix}{s[i:i + n]}" for i in range(len(s) - n + 1)]


def _level(m: Mention) -> str:
    d = gazetteer.load().by_code.get(m.code) if m.code else None
    return d.level if d else "none"


def candidates(ta: TaggedArticle, by_sent: dict[int, list[Mention]], lead: Mention | None) -> list[Candidate]:
    """The pairs an article offers, each with its features (see the module's docstring)."""
    text = ta.article.text
    head = len(ta.article.headline)
    first = next((m for i in sorted(by_sent) for m in sorted(by_sent[i], key=lambda m: m.start)
                  if m.label == "OFFICIAL" and m.start >= 0), None)
    titles: dict[str, set[str]] = {}
    for m in ta.mentions:
        if m.label == "OFFICIAL":
            titles.setdefault(m.text, set()).update(m.titles)
    quoted = speech.quoted(text)
    codes = Counter(m.code[:2] for m in ta.mentions if m.code)
    home = codes.most_common(1)[0][0] if codes else None  # the province the article is set in
    # Where each official's post is: an official from another province is the one who travelled.
    posted = {name: _post_province(ts) for name, ts in titles.items()}
    out = []
    for i, s in enumerate(ta.sentences):
        ms = by_sent.get(i, [])
        sites = [m for m in ms if m.label in SITES and len(m.text) > 1]
        if not sites:
            continue
        masked, where = _masked(text, s.start, s.end, ms)
        officials = [m for m in ms if m.label == "OFFICIAL"]
        sent_feats = [f"pos={min(i, 4)}", f"head={s.end <= head}", f"nofficials={min(len(officials), 3)}"]
        for t in sites:
            if quoted[t.start]:
                continue  # a quotation reports what someone said, not the event (as for the verb patterns)
            a, b = where[t.start - s.start], where[t.end - s.start]
            clause_lo = max((c.end() for c in CLAUSE.finditer(masked, 0, a)), default=0)
            clause_hi = next((c.start() for c in CLAUSE.finditer(masked, b)), len(masked))
            left, right = masked[max(clause_lo, a - WINDOW) : a], masked[b : min(clause_hi, b + WINDOW)]
            if NOT_THIS_VISIT.match(right) or speech.SPEECH.search(masked, 0, a) or AID.match(masked, b):
                continue  # the guideline's "not a visit": the scene of a speech or a time, reported speech, a donor
            clause_left = masked[clause_lo:a]
            if clause_left.endswith("在") and MEETING.fullmatch(masked, b, clause_hi):
                continue
            next_clause = masked[clause_hi + 1 : clause_hi + 7] if clause_hi < len(masked) and masked[clause_hi] in "，," else ""
            if clause_left.endswith("在") and not right and _actor(next_clause) == "other":
                continue  # 在丙，记者看到…: someone else is there (the verb patterns' rule too)
            in_home = t.code[:2] == home if t.code else "none"
            listed = LISTED.search(clause_left)
            core = clause_left[: listed.start()] if listed else clause_left  # the words before a list it is in
            base = sent_feats + [
                f"label={t.label}", f"level={_level(t)}",
                f"home={_level(t)}:{in_home}",  # the article's own province, or a unit of it
                *(f"L{k}={left[-k:]}" for k in (1, 2, 3) if len(left) >= k),
                *(f"R{k}={right[:k]}" for k in (1, 2, 3) if len(right) >= k),
                *_ngrams("LW=", left), *_ngrams("RW=", right),
                f"next_actor={_actor(next_clause)}",
                f"listed={bool(listed)}", *(f"C{k}={core[-k:]}" for k in (1, 2, 3) if len(core) >= k),
                *_ngrams("CL=", clause_left), f"group={bool(GROUP.search(clause_left))}",
                f"opens={bool(PRONOUN.match(clause_left))}", f"opener={clause_left[:2]}",
                f"first_in_clause={not any(c in MASK.values() for c in clause_left)}",
                f"clause_after={'end' if clause_hi == len(masked) else masked[clause_hi]}",
            ]
            before = [o for o in officials if o.end <= t.start]
            after = [o for o in officials if o.start >= t.end]
            pairs = []
            if before:
                pairs.append((max(before, key=lambda o: o.end), "near"))
            if after:
                pairs.append((min(after, key=lambda o: o.start), "after"))
            if lead is not None:
                pairs.append((lead, "lead"))
            elif first is not None:
                pairs.append((first, "first"))
            near = max(before, key=lambda o: o.end) if before else None
            near_in_clause = near is not None and not CLAUSE.search(masked, where[near.end - s.start], a)
            seen = set()
            for o, how in pairs:
                if o.text in seen:
                    continue
                seen.add(o.text)
                feats = [f"who={how}", f"is_lead={lead is not None and o.text == lead.text}",
                         f"is_first={first is not None and o.text == first.text}",
                         f"other_subject={near_in_clause and near.text != o.text}",
                         f"own_unit={_level(t)}:{_own(titles.get(o.text, ()), t)}",
                         f"visitor={_visitor(posted.get(o.text), home)}:{in_home}"]
                if o.sentence == i and o.start >= 0 and o.end <= t.start:
                    between = masked[where[o.end - s.start]:a]
                    feats += [f"same_clause={not CLAUSE.search(between)}", f"gap={_bucket(len(between))}",
                              *_ngrams("B=", between[:6]), *_ngrams("Bend=", between[-4:])]
                elif o.sentence == i and o.start >= t.end:
                    between = masked[b:where[o.start - s.start]]
                    feats += [f"after_clause={not CLAUSE.search(between)}", f"after_gap={_bucket(len(between))}",
                              *_ngrams("A=", between[:6]), *_ngrams("Aend=", between[-4:])]
                else:
                    feats += ["same_clause=absent"]
                out.append(Candidate(o, t, i, tuple(base + feats)))
    return out


# How a post names the unit it serves without naming it (省委书记 in a provincial paper).
RELATIVE = {"province": ("省", "自治区"), "prefecture": ("市", "州", "盟", "地区"), "county": ("县", "区", "旗")}


def _actor(clause: str) -> str:
    if clause.startswith("甲"):
        return "official"
    return "other" if OTHER_PEOPLE.match(clause) else "none"


def _own(titles, t: Mention) -> bool:
    """Whether an official's post is in the unit visited: a governor touring his own province
    makes no visit to it (a national leader touring it does)."""
    rel = RELATIVE.get(_level(t), ())
    return any(x.startswith(rel) or t.text in x or (t.canonical and t.canonical in x) for x in titles)


def _post_province(titles) -> str | None:
    """The province of the division a post opens with (北京市东城区委… → 11), if any says one."""
    g = gazetteer.load()
    for x in sorted(titles):
        for k in range(min(len(x), g.max_len), 1, -1):
            provinces = {f.division.code[:2] for f in g.lookup(x[:k])}
            if provinces:
                if len(provinces) == 1:
                    return provinces.pop()
                break
    return None


def _visitor(province: str | None, home: str | None) -> str:
    """An official posted in another province than the article's is a visitor to it."""
    if province is None or home is None:
        return "unknown"
    return "home" if province == home else "away"


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1-2" if n <= 2 else "3-6" if n <= 6 else "7-15" if n <= 15 else "16+"


@lru_cache(maxsize=None)
def weights() -> tuple[dict[str, float], float, float]:
    """(feature weights, bias, threshold) as trained (KG_VISIT_WEIGHTS: a file of your own, as
    scripts/train_visits.py writes it); empty weights when none ship."""
    try:
        own = os.environ.get(WEIGHTS_ENV)
        text = Path(own).read_text("utf-8") if own else resources.files("kg").joinpath(
            "data/visit_model.json").read_text("utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        return {}, 0.0, 1.0
    return data["weights"], data["bias"], data["threshold"]


def score(c: Candidate, model: tuple[dict[str, float], float, float] | None = None) -> float:
    w, bias, _ = model or weights()
    z = bias + sum(w.get(f, 0.0) for f in c.features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def visits(ta: TaggedArticle, by_sent: dict[int, list[Mention]], lead: Mention | None) -> list[Candidate]:
    """The candidates the model takes for visits (score at or above its threshold); none when
    KG_VISIT_MODEL=0 (the verb patterns alone, for an ablation)."""
    model = weights()
    if not model[0] or os.environ.get(ENV) == "0":
        return []
    return [c for c in candidates(ta, by_sent, lead) if score(c, model) >= model[2]]


def train(examples: list[tuple[tuple[str, ...], int]], *, l2: float = 1.0, steps: int = 400,
          min_count: int = 2) -> tuple[dict[str, float], float]:
    """Logistic regression by full-batch gradient descent with Adam steps: deterministic, numpy only.

    `examples` are (features, label); features seen fewer than `min_count` times are dropped.
    """
    import numpy as np

    counts = Counter(f for feats, _ in examples for f in set(feats))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows = [[vocab[f] for f in set(feats) if f in vocab] for feats, _ in examples]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([j for r in rows for j in sorted(r)], dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), np.diff(indptr))
    y = np.array([lab for _, lab in examples], dtype=np.float64)
    n, d = len(rows), len(vocab)
    w, b = np.zeros(d), 0.0
    m, v, mb, vb = np.zeros(d), np.zeros(d), 0.0, 0.0
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = np.bincount(owner, weights=w[indices], minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        err = (p - y) / n
        g = np.bincount(indices, weights=err[owner], minlength=d) + l2 * w / n
        gb = err.sum()
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        mb, vb = beta1 * mb + (1 - beta1) * gb, beta2 * vb + (1 - beta2) * gb * gb
        corr = math.sqrt(1 - beta2**t) / (1 - beta1**t)
        w -= lr * corr * m / (np.sqrt(v) + eps)
        b -= lr * corr * mb / (math.sqrt(vb) + eps)
    names = sorted(vocab, key=vocab.get)
    return {f: round(float(w[vocab[f]]), 4) for f in names if abs(w[vocab[f]]) >= 1e-3}, round(float(b), 4)
