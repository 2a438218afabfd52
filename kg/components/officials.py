"""OFFICIAL and PERSON: names, the posts written before or after them, and lists of leaders.

省委书记、省人大常委会主任陈刚 → OFFICIAL 陈刚 with both titles; 省领导刘奇凡、班果 →
OFFICIAL for every name in the list; (记者 施翔) → PERSON.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lexicon
from . import spans as sp

# Tokens a post title is made of (LAC tags); 、 joins several titles.
TITLE_TAGS = {"n", "nz", "ORG", "LOC", "vn", "a", "m", "an", "s", "f"}
NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff·]{1,12})$")
_ROLE_END = re.compile("(?:%s)$" % "|".join(sorted(lexicon.PERSON_ROLES, key=len, reverse=True)))
_ETC_LEADERS = re.compile(
    "等.{0,6}?(?:%s)" % "|".join(sorted(lexicon.RANKS + lexicon.LEADER_NOUNS, key=len, reverse=True))
)
_LEADER_END = re.compile("(?:%s)$" % "|".join(lexicon.LEADER_NOUNS))


def title_before(doc: Doc, i: int) -> list[Span]:
    """Titles written right before token i (省委副书记、省长 → two spans), nearest last."""
    pieces, end = [], i
    j = i - 1
    while j >= 0:
        t = doc[j]
        if t.text == "、":
            if j + 1 < end:
                pieces.append(doc[j + 1 : end])
            end = j
        elif t.tag_ not in TITLE_TAGS:
            break
        j -= 1
    if j + 1 < end:
        pieces.append(doc[j + 1 : end])
    titles = []
    for piece in pieces:  # nearest first; stop at the first piece that is not a title
        if not lexicon.RANK_END.search(piece.text) or _ROLE_END.search(piece.text):
            break
        titles.append(trim_title(piece))
    return titles[::-1]


def trim_title(piece: Span) -> Span:
    """Drop words before the title proper (会议由省政协主席 → 省政协主席)."""
    s = piece.start
    while s < piece.end - 1 and piece.doc[s].tag_ in ("f", "m", "s", "an"):
        s += 1
    return piece.doc[s : piece.end]


def list_items(doc: Doc, start: int, sent_end: int) -> list[tuple[int, int]]:
    """Names in a list starting at token `start`: 刘奇凡、班果、朱向峰、何立春参加 → four spans.

    Items between separators are taken whole (LAC cuts unknown names apart);
    the last item ends where the name ends: at a LAC name or before the verb.
    """
    items, s = [], start
    for j in range(start, sent_end):
        t = doc[j]
        if t.text in ("、", " "):
            if not NAME.match(doc[s:j].text):
                return items
            items.append((s, j))
            s = j + 1
        elif t.tag_ in ("w", "_SP") and t.text != "·":
            break
    else:
        j = sent_end
    last = _name_at(doc, s, j)
    if last:
        items.append(last)
    return items


def plausible(doc: Doc, items):
    """Drop list items that are not names; LAC's own names vouch for their neighbours.

    An item LAC did not tag as a name is kept only in a list where at least
    two items are LAC names, and never when it is itself a title or a role.
    """
    lac_names = sum(1 for s, e in items if doc[s].tag_ == "PER")
    out = []
    for s, e in items:
        text = doc[s:e].text
        if lexicon.RANK_END.search(text) or _ROLE_END.search(text):
            continue
        if doc[s].tag_ == "PER" or lac_names >= 2:
            out.append((s, e))
    return out


def _bare_name(span: Span) -> bool:
    """A name with nothing beside it to vouch for it: a two-character one needs a surname
    (three-character foreign names, 克林顿, have none)."""
    text = span.text
    return len(text) != 2 or text[0] in lexicon.SURNAMES


def _looks_like_name(span: Span) -> bool:
    return span[0].tag_ == "PER" or all(t.tag_ in ("n", "nz", "PER") or t.text == "·" for t in span)


def _name_at(doc: Doc, s: int, end: int):
    """The name that opens tokens s..end: a LAC name (with ·-joined parts) or a short noun run."""
    if s >= end:
        return None
    if doc[s].tag_ != "PER" and NAME.match(doc[s:end].text):
        return s, end
    e = s
    while e < end and (doc[e].tag_ == "PER" or doc[e].text == "·" or (e > s and doc[e - 1].text == "·")):
        e += 1
    if e == s:
        while e < end and doc[e].tag_ in ("n", "nz") and len(doc[s : e + 1].text) <= 3:
            e += 1
    return (s, e) if e > s and NAME.match(doc[s:e].text) else None


class OfficialTagger:
    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple[int, int], tuple[str, list[str]]] = {}

        def mark(s, e, label, titles=()):
            old = found.get((s, e))
            if old and old[0] == "OFFICIAL" and label == "PERSON":
                return
            merged = list(old[1]) if old else []
            merged += [t for t in titles if t not in merged]
            found[(s, e)] = (label, merged)

        pers = sp.lac_spans(doc, "PER")
        for per in pers:
            if not NAME.match(per.text):
                continue
            titles = title_before(doc, per.start)
            before = doc[max(0, per.start - 3) : per.start].text
            if titles:
                mark(per.start, per.end, "OFFICIAL", [t.text for t in titles])
            elif per.end < len(doc) and lexicon.RANK_END.match(doc[per.end].text) and doc[per.end].text in lexicon.RANKS:
                mark(per.start, per.end, "OFFICIAL", [doc[per.end].text])
            elif _LEADER_END.search(before):
                mark(per.start, per.end, "OFFICIAL")
            elif _bare_name(per) or _ROLE_END.search(before):
                mark(per.start, per.end, "PERSON")
        # Lists after a title or 省领导, and lists of leaders at an event.
        for sent in doc.sents:
            self._lists(doc, sent, found, mark)
        officials = {doc[s:e].text for (s, e), (label, _) in found.items() if label == "OFFICIAL"}
        out = []
        for (s, e), (label, titles) in found.items():
            if label == "PERSON" and doc[s:e].text in officials:
                label = "OFFICIAL"
            span = Span(doc, s, e, label=label)
            span._.titles = tuple(titles)
            out.append(span)
        sp.add(doc, out)
        return doc

    def _lists(self, doc, sent, found, mark):
        """Lists after a title or 省领导, and lists of leaders at an event (…在主席台就座)."""
        i = sent.start
        while i < sent.end:
            prev = doc[i - 1] if i > sent.start else None
            clause_start = prev is None or (prev.tag_ in ("w", "_SP") and prev.text not in ("、", "·"))
            titles = title_before(doc, i)
            leader = _LEADER_END.search(doc[max(sent.start, i - 2) : i].text)
            if not (clause_start or titles or leader):
                i += 1
                continue
            items = plausible(doc, list_items(doc, i, sent.end))
            if not items:
                i += 1
                continue
            after = doc[items[-1][1] : min(sent.end, items[-1][1] + 6)].text
            people = sum(1 for s, e in items if doc[s].tag_ == "PER" or found.get((s, e), ("",))[0])
            if (titles or leader) and (len(items) >= 2 or _looks_like_name(doc[items[0][0] : items[0][1]])):
                for s, e in items:
                    mark(s, e, "OFFICIAL", [t.text for t in titles])
            elif len(items) >= 2 and people * 2 >= len(items) and (
                after.startswith(lexicon.OFFICIAL_LIST_VERBS) or _ETC_LEADERS.match(after)
            ):
                for s, e in items:
                    mark(s, e, "OFFICIAL")
            i = max(i + 1, items[-1][1])


@Language.factory("kg_officials", assigns=["doc.spans"], default_config={})
def make_official_tagger(nlp: Language, name: str):
    return OfficialTagger()
