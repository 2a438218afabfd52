"""The trained recognizer beside the rules: the rules' entities as its features, its entities merged back.

`kg_features` runs after the rules have settled: it writes each token's
place in a rule entity into `token.morph` (Kg=B_PLACE), a feature the
recognizer's embedding reads, then clears doc.ents so the recognizer is not
bound by them (spaCy's ner keeps preset entities). `kg_merge` runs after the
recognizer: its entities become doc.ents, and the rules give them what the
model does not learn: titles, division codes, canonical names, and the
nested divisions and parent bodies of doc.spans["kg"].
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import gazetteer, lexicon
from . import orgs, projects
from . import spans as sp
from ..model import LABELS
from .officials import title_before
from .places import HOME, NAMED

RULES = "kg.rules"  # doc.user_data: the rules' flat entities, (start, end, label)


class Features:
    """`keep_words`: leave the rules' Words on the doc for kg_merge (the recognizer between them
    changes no token); without a merge to come they are dropped, so the doc serializes."""

    def __init__(self, keep_words: bool = False):
        self.keep_words = keep_words

    def __call__(self, doc: Doc) -> Doc:
        ents = [(e.start, e.end, e.label_) for e in doc.ents]
        morphs = ["Kg=O"] * len(doc)  # every token set: an unset morph hashes apart from an empty one
        for s, e, label in ents:
            morphs[s] = f"Kg=B_{label}"
            for i in range(s + 1, e):
                morphs[i] = f"Kg=I_{label}"
        for tok, m in zip(doc, morphs):
            tok.set_morph(m)
        doc.user_data[RULES] = ents
        doc.set_ents([], default="missing")  # unset, as in training: spaCy's ner treats a preset O as given
        if not self.keep_words:
            sp.forget_words(doc)
        return doc


@Language.factory("kg_features", assigns=["token.morph", "doc.ents"], default_config={"keep_words": False})
def make_features(nlp: Language, name: str, keep_words: bool):
    return Features(keep_words)


def _headless(doc: Doc, s: int, e: int, label: str, inside: list[Span]) -> bool:
    """A settlement the recognizer found without its head word (久美 of 久美|家园)."""
    return label == "PLACE" and len(inside) == 1 and inside[0].start == s and inside[0].end == e - 1 \
        and doc[e - 1].text in lexicon.SETTLEMENT_HEADS


class Merge:
    """doc.ents from the recognizer; `fill` adds rule entities of its labels ("PROJECT", "ALL")
    where the recognizer found nothing.

    `prefer` names labels ("PROJECT+OFFICIAL") whose rule entities replace the
    recognizer's entities inside them: long names built by grammar (…产业园项目,
    a title before a name) that the recognizer tends to cut in pieces.
    """

    def __init__(self, fill: str, nested: bool, prefer: str = ""):
        self.fill = _labels(fill)
        self.nested = nested
        self.prefer = _labels(prefer)
        self.gaz = gazetteer.load()

    def _preferred(self, doc: Doc, by_tokens: dict) -> list[Span]:
        """The recognizer's entities, with preferred rule entities in place of those they contain
        or of those with the same words and another label."""
        # one character is an abbreviation inside a compound (中俄, 在京), never a name the guideline counts
        w = sp.words(doc)
        ents = [x if at == x.start else Span(doc, at, x.end, label=x.label_)
                for x in doc.ents if len(x.text) > 1 and (at := _name_start(w, x.start, x.end, x.label_)) is not None]
        if not self.prefer:
            return self._apart(doc, ents)
        for s, e, label in doc.user_data.get(RULES, ()):
            inside = [x for x in ents if x.start < e and s < x.end]
            if label not in self.prefer and not _headless(doc, s, e, label, inside):
                continue
            same = [x for x in inside if (x.start, x.end) == (s, e)]
            if same:  # the grammar's reading of the same words wins
                gone = same if label in self.prefer and same[0].label_ != label else []
            else:
                gone = inside if all(s <= x.start and x.end <= e for x in inside) else []
            if gone:
                ents = [x for x in ents if x not in gone]
                ents.append(by_tokens.get((s, e)) or Span(doc, s, e, label=label))
        for s, e in projects.numbered_roads(doc):
            ents = [x for x in ents if not (x.start < e and s < x.end)]
            ents.append(Span(doc, s, e, label="PROJECT"))
        return sorted(self._apart(doc, ents), key=lambda x: x.start)

    def _apart(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Two bodies the recognizer read as one organization, cut where the tokenizer cut them (市委|市政府)."""
        out = []
        for x in ents:
            cut = orgs.joint_bodies(x.text, self.gaz) if x.label_ == "ORG" else None
            at = next((k for k in range(x.start + 1, x.end) if doc[k].idx - doc[x.start].idx == cut), None)
            out += [Span(doc, x.start, at, label="ORG"), Span(doc, at, x.end, label="ORG")] if at else [x]
        return out

    def __call__(self, doc: Doc) -> Doc:
        w = sp.words(doc)
        rules = [x if at == x.start else Span(doc, at, x.end, label=x.label_)
                 for x in sp.kg_spans(doc) if (at := _name_start(w, x.start, x.end, x.label_)) is not None]
        doc.user_data[RULES] = [(at, e, label) for s, e, label in doc.user_data.get(RULES, ())
                                if (at := _name_start(w, s, e, label)) is not None]
        by_tokens = {(s.start, s.end): s for s in rules}
        kept: list[Span] = []
        for ent in self._preferred(doc, by_tokens):
            ent = self._dress(doc, ent, by_tokens.get((ent.start, ent.end)))
            if ent.label_ == "ORG" and orgs.section_after(doc, ent.end):
                ent = Span(doc, ent.start, ent.end + 1, label="ORG")  # 医院|口腔科: the section is the body named
            kept.append(ent)
        flat = list(kept)
        if self.fill:
            settled = {(s, e) for s, e, _ in doc.user_data.get(RULES, ())}
            taken = bytearray(len(doc))
            for ent in kept:
                taken[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
            for s in rules:
                abbreviated = s.label_ == "PLACE" and len(s.text) == 1 and s._.code is not None  # 赴|藏 (places._abbreviated)
                if (s.label_ in self.fill or abbreviated) and (s.start, s.end) in settled and not any(taken[s.start : s.end]):
                    flat.append(s)
                    kept.append(s)
        if self.nested:
            for s in rules:
                if s.label_ == "ORG" and doc[s.end - 1].tag_ == "f":
                    continue  # 部 of 东西部 inside 某县东西部协作…示范园 heads no body
                if s.label_ in ("PLACE", "ORG") and any(
                    o.start <= s.start and s.end <= o.end and (o.start, o.end) != (s.start, s.end) for o in flat
                ):
                    kept.append(s)
        doc.user_data.pop(RULES, None)
        flat, kept = _listed_names(doc, flat, kept)
        _officials_by_company(doc, flat)
        sp.settle(doc, kept, flat, mend=True)
        return doc

    def _dress(self, doc: Doc, ent: Span, rule: Span | None) -> Span:
        start, end, label = ent.start, ent.end, ent.label_
        if label in ("OFFICIAL", "PERSON") and end - start > 1 and doc[end - 1].text in lexicon.RANKS:
            end -= 1  # 委员长 after a name is its title, not part of it
            rule = None
        if label in ("OFFICIAL", "PERSON") and (whole := sp.dashed_name(sp.words(doc), start, end)) != (start, end):
            (start, end), rule = whole, None  # 总统让-皮埃尔: the title is read before the whole name
        if label == "PERSON" and rule is not None and rule.label_ == "OFFICIAL":
            label = "OFFICIAL"  # the rules saw a post or a list of leaders (省领导A、B) the model did not
        span = Span(doc, start, end, label=label)
        if rule is not None and rule.label_ == ent.label_ or (
            rule is not None and {rule.label_, ent.label_} <= {"OFFICIAL", "PERSON"}
        ):
            span._.titles = rule._.titles
            span._.code = rule._.code
            span._.canonical = rule._.canonical
        if span.label_ in ("OFFICIAL", "PERSON") and not span._.titles:
            span._.titles = tuple(title_before(sp.words(doc), span.start, lexicon.RANK_OR_CADRE_END))
            if end < ent.end:
                span._.titles += (doc[end].text,)
            if span._.titles and span.label_ == "PERSON":
                span.label_ = "OFFICIAL"  # a post written next to the name makes an official
        if span.label_ == "PLACE" and span._.code is None:
            forms = self.gaz.lookup(span.text)
            if forms and len({f.division.code for f in forms}) == 1 and _may_code(
                    forms[0], doc.user_data.get(HOME), doc.user_data.get(NAMED, ())):
                span._.code = forms[0].division.code
                span._.canonical = forms[0].division.name
        return span


def _name_start(w: sp.Words, s: int, e: int, label: str) -> int | None:
    """Where an entity's name starts: a project that runs through a clause verb is cut to the
    name after it, or dropped (None) (projects.clause_start); the rules read them so, and the
    recognizer learnt them from the rules."""
    return projects.clause_start(w, s, e) if label == "PROJECT" else s


ACCOMPANIES = ("陪同", "一同", "随同")
# Between two names of a list: a name the recognizer left out (、尤权、), or the last character of
# a name it cut short (许其|亮、).
LEFT_OUT = re.compile(r"(?:、[\u4e00-\u9fff]{2,3})+、")
CUT_SHORT = re.compile(r"([\u4e00-\u9fff])、")
NOT_NAME_END = frozenset("等和及与的们")


def _listed_names(doc: Doc, flat: list[Span], kept: list[Span]) -> tuple[list[Span], list[Span]]:
    """A list of people is written alike throughout (A、B、C): what stands between two of its
    names in the same form is a name too, so that `_officials_by_company` sees the whole list."""
    people = sorted((x for x in flat if x.label_ in ("OFFICIAL", "PERSON")), key=lambda x: x.start)
    text = doc.text
    taken = {k for x in flat for k in range(x.start, x.end)}
    added, longer = [], {}
    for a, b in zip(people, people[1:]):
        gap = text[a.end_char : b.start_char]
        if LEFT_OUT.fullmatch(gap):
            at = a.end_char + 1
            names = []
            for piece in gap[1:-1].split("、"):
                names.append(doc.char_span(at, at + len(piece)) if piece[0] in lexicon.SURNAMES else None)
                at += len(piece) + 1
            if all(x is not None and not taken.intersection(range(x.start, x.end)) for x in names):
                added += [Span(doc, x.start, x.end, label=b.label_) for x in names]
        elif ((m := CUT_SHORT.fullmatch(gap)) and m.group(1) not in NOT_NAME_END and len(a.text) == 2
              and a.text[0] in lexicon.SURNAMES and text[a.start_char - 1 : a.start_char] == "、"):
            whole = doc.char_span(a.start_char, a.end_char + 1)
            if whole is not None and not taken.intersection(range(a.end, whole.end)):
                longer[id(a)] = Span(doc, whole.start, whole.end, label=a.label_)
    if not added and not longer:
        return flat, kept
    flat = [longer.get(id(x), x) for x in flat] + added
    kept = [longer.get(id(x), x) for x in kept] + added
    return flat, kept


def _officials_by_company(doc: Doc, flat: list[Span]) -> None:
    """People the guideline makes officials by the company they keep: a name before 陪同 (X陪同考察),
    and every name of a list of three or more (A、B、C) at least half of which are officials,
    unless a role opens the list (记者A、B、C)."""
    people = sorted((x for x in flat if x.label_ in ("OFFICIAL", "PERSON")), key=lambda x: x.start)
    if not people:
        return
    text = sp.words(doc).full
    runs, run = [], []
    for x in people:
        if run and text[run[-1].end_char : x.start_char] == "、":
            run.append(x)
        else:
            run = [x]
            runs.append(run)
    promote = set()
    for run in runs:
        if sp.ROLE_BEFORE.search(text, max(0, run[0].start_char - 6), run[0].start_char):
            continue  # 记者A、B、C: a byline's reporters
        if len(run) >= 3 and 2 * sum(x.label_ == "OFFICIAL" for x in run) >= len(run):
            promote.update(id(x) for x in run)
        if text.startswith(ACCOMPANIES, run[-1].end_char):
            promote.update(id(x) for x in run)
    for x in flat:
        if id(x) in promote and x.label_ == "PERSON":
            x.label_ = "OFFICIAL"


@Language.factory(
    "kg_merge",
    assigns=["doc.ents", "doc.spans"],
    default_config={"fill": "PROJECT+OFFICIAL+ORG", "nested": True, "prefer": "PROJECT+OFFICIAL"},
)
def make_merge(nlp: Language, name: str, fill: str, nested: bool, prefer: str):
    return Merge(fill, nested, prefer)


def _may_code(form: gazetteer.Form, home: str | None, named) -> bool:
    """A bare stem of a county or township (江海 of 江海区, 三江 of 三江侗族自治县) names that unit only
    in the province the text is set in, or, when that is unknown, in one the text names; elsewhere
    it is a word or another place of the same name."""
    if form.kind != "stem" or form.division.level in (gazetteer.PROVINCE, gazetteer.PREFECTURE):
        return True
    return form.division.code[:2] == home or home is None and form.division.code[:2] in named


def _labels(spec: str) -> frozenset[str]:
    """"PROJECT+OFFICIAL" → those labels; "ALL" → every label; "" → none."""
    labels = frozenset(filter(None, spec.upper().split("+")))
    return frozenset(LABELS) if "ALL" in labels else labels


class LACEntities:
    """LAC's own PER/LOC/ORG words as the entities: the bare tagger, the baseline of the ablations."""

    LABELS = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s.start, s.end, label=self.LABELS[s.label_]) for s in sp.lac_spans(doc) if s.label_ in self.LABELS]
        sp.settle(doc, spans, spans)
        sp.forget_words(doc)
        return doc


@Language.factory("kg_lac_entities", assigns=["doc.ents", "doc.spans"], default_config={})
def make_lac_entities(nlp: Language, name: str):
    return LACEntities()
