"""PLACE: divisions from the national list, plus LAC's places that look like places."""
from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import gazetteer, lexicon
from . import spans as sp


HOME = "kg.home_found"  # the province the text is set in, as this component found it
NAMED = "kg.provinces_named"  # the provinces whose divisions it names


def _choose(forms, home: str | None) -> gazetteer.Form:
    """One division for an ambiguous form: the paper's own province first, then the higher level."""
    return min(
        forms,
        key=lambda f: (
            home is not None and f.division.code[:2] != home,
            {"full": 0, "short": 1, "stem": 2}[f.kind],
            gazetteer.LEVEL_RANK[f.division.level],
            f.division.code,
        ),
    )


def _accept(form: gazetteer.Form, w: sp.Words, start: int, end: int, lac_locs, home, named=frozenset()) -> bool:
    if form.kind != "stem":
        return True
    d = form.division
    tagged_loc = sp.covered(lac_locs, start, end)
    if d.level == gazetteer.PROVINCE:
        return True
    if d.level == gazetteer.PREFECTURE:
        return d.code[:2] == home or (tagged_loc and _set_apart(w, start, end))
    # a county's bare stem (海淀, 江海) names it in its own province's paper, or in a text that names that province
    return tagged_loc and (d.code[:2] == home or home is None and d.code[:2] in named)


def _set_apart(w: sp.Words, start: int, end: int) -> bool:
    """A bare name of a far-away city stands between punctuation or before a name (北京、深圳);
    inside running words it is more often part of an idiom (长治久安)."""
    def apart(i):
        return i < 0 or i >= len(w) or w.tag[i] in ("w", "_SP", "LOC", "ORG", "nz", "p", "u", "c", "f")

    return apart(start - 1) and apart(end)


_STATES_BY_CHAR: dict[str, list[str]] = {}
for _state in sorted(lexicon.STATES):
    _STATES_BY_CHAR.setdefault(_state[0], []).append(_state)

TOWNSHIP_HEADS = ("乡", "镇", "街道", "苏木")


def _township(w: sp.Words, k: int) -> bool:
    return w.tag[k] in ("LOC", "ORG") and len(w.text[k]) >= 3 and w.text[k].endswith(TOWNSHIP_HEADS)


def _after_townships(w: sp.Words, s: int, e: int) -> int:
    """Past a township the gazetteer does not list, written as a name of its own before the
    settlement (某乡|某村): a division of its own (kept as a place), not the start of the village's name."""
    for k in range(s, e - 1):
        if _township(w, k):
            s = k + 1
    return s


def _after_divisions(divisions, s: int, e: int) -> int:
    """Where a settlement's own name starts: after the divisions written before it
    (某市城东区和平街道|光明社区), which are names of their own."""
    moved = True
    while moved:
        moved = False
        for d in divisions:
            if d.start == s and d.end < e:
                s, moved = d.end, True
    return s


def home_province(matches) -> str | None:
    """The province most unambiguous full or short forms point to."""
    votes = Counter()
    for forms in matches:
        provinces = {f.division.code[:2] for f in forms}
        if len(provinces) == 1 and forms[0].kind != "stem":
            votes[provinces.pop()] += 1
    return votes.most_common(1)[0][0] if votes else None


class PlaceTagger:
    def __init__(self, max_tokens: int):
        self.gaz = gazetteer.load()
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        w = sp.words(doc)
        lac_locs = sp.lac_spans(doc, "LOC")
        found = []  # (start, end, forms)
        for i, tag in enumerate(w.tag):
            if tag in sp.BREAK_TAGS or tag == "PER":
                continue
            text = ""
            for j in range(i, min(len(w), i + self.max_tokens)):
                if w.tag[j] in sp.BREAK_TAGS or w.tag[j] == "PER":
                    break
                text += w.text[j]
                if len(text) > self.gaz.max_len:
                    break
                forms = self.gaz.lookup(text)
                if forms:
                    found.append((i, j + 1, forms))
        home = doc.user_data.get("kg.home") or home_province(f for _, _, f in found)
        doc.user_data[HOME] = home  # for the recognizer's places, coded after this (kg_merge)
        named = {f.division.code[:2] for _, _, forms in found for f in forms
                 if f.kind != "stem" or f.division.level == gazetteer.PROVINCE}  # provinces the text names
        doc.user_data[NAMED] = sorted(named)  # a list: a Doc serializes its user_data with msgpack
        out = []
        for start, end, forms in found:
            ok = [f for f in forms if _accept(f, w, start, end, lac_locs, home, named)]
            if not ok:
                continue
            form = _choose(ok, home)
            span = Span(doc, start, end, label="PLACE")
            span._.code = form.division.code
            span._.canonical = form.division.name
            out.append(span)
        out += self._abbreviated(doc, w)
        taken = [(s.start, s.end) for s in out]
        for i, text in enumerate(w.text):  # a country opening a LAC organization (_state_first)
            if text in lexicon.STATES and w.tag[i] == "ORG" and not any(a <= i < b for a, b in taken):
                out.append(Span(doc, i, i + 1, label="PLACE"))
        for loc in lac_locs:
            if any(a <= loc.start and loc.end <= b for a, b in taken):
                continue
            if self._lac_place(loc.text):
                out.append(Span(doc, loc.start, loc.end, label="PLACE"))
        divisions = [d for d in out if d._.code]
        for s, e, head in sp.headed_phrases(doc, lexicon.SETTLEMENT_HEADS, verbs=False):
            s0 = _after_divisions(divisions, s, e)
            s = _after_townships(w, s0, e)
            out += [Span(doc, k, k + 1, label="PLACE") for k in range(s0, s) if _township(w, k)]
            if w.text[e - 1] != head and w.tag[e - 1] not in ("LOC", "ORG"):
                continue  # 村 in 农村 is no village
            if e - s > 1 and any(w.tag[k] in ("LOC", "ORG") for k in range(s, e - 1)):
                out.append(Span(doc, s, e, label="PLACE"))
        sp.add(doc, out)
        return doc

    def _abbreviated(self, doc: Doc, w: sp.Words) -> list[Span]:
        """A province by its one-character name, as a token of its own after a verb of arrival
        (赴|藏|调研): the name is too short to look up anywhere else (藏传佛教, 青年)."""
        out = []
        for i in range(1, len(w)):
            code = lexicon.PROVINCE_ABBREVIATIONS.get(w.text[i])
            if code and w.text[i - 1] in lexicon.ARRIVAL_VERBS and not self._abroad(w, w.text[i]):
                span = Span(doc, i, i + 1, label="PLACE")
                span._.code = code
                span._.canonical = self.gaz.by_code[code].name
                out.append(span)
        return out

    @staticmethod
    def _abroad(w: sp.Words, char: str) -> bool:
        """Whether the text names a country the character abbreviates as well (抵津 in a report on 津巴布韦)."""
        return any(state in w.full for state in _STATES_BY_CHAR.get(char, ()))

    def _lac_place(self, text: str) -> bool:
        """LAC also calls slogans and brand modifiers LOC; keep what has a place's head or is a country."""
        if text in lexicon.COUNTRIES:
            return True
        head = lexicon.longest_suffix(text, lexicon.PLACE_SUFFIXES)
        if head is None or len(text) <= len(head) or text[: -len(head)] in lexicon.GENERIC_MODIFIERS:
            return False
        return len(text) >= 3 or head in lexicon.GEO_HEADS


@Language.factory(
    "kg_places",
    assigns=["doc.spans"],
    default_config={"max_tokens": 4},
)
def make_place_tagger(nlp: Language, name: str, max_tokens: int):
    return PlaceTagger(max_tokens)
