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
    """Items of a 、-separated list of names starting at token `start`."""
    items, s = [], start
    j = start
    while j < sent_end:
        t = doc[j]
        if t.text in ("、", " ") or t.tag_ not in ("PER", "n", "nz", "LOC", "ORG", "w") or (
            t.tag_ == "w" and t.text != "·"
        ):
            if not NAME.match(doc[s:j].text):
                break
            items.append((s, j))
            if t.text not in ("、", " "):
                break
            s = j + 1
        j += 1
    else:
        if s < sent_end and NAME.match(doc[s:sent_end].text):
            items.append((s, sent_end))
    return items


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
            titles = title_before(doc, per.start)
            before = doc[max(0, per.start - 3) : per.start].text
            if titles:
                mark(per.start, per.end, "OFFICIAL", [t.text for t in titles])
            elif per.end < len(doc) and lexicon.RANK_END.match(doc[per.end].text) and doc[per.end].text in lexicon.RANKS:
                mark(per.start, per.end, "OFFICIAL", [doc[per.end].text])
            elif _LEADER_END.search(before):
                mark(per.start, per.end, "OFFICIAL")
            else:
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
        i = sent.start
        while i < sent.end:
            tok = doc[i]
            titles = title_before(doc, i) if NAME.match(tok.text) or tok.tag_ == "PER" else []
            leader = _LEADER_END.search(doc[max(sent.start, i - 2) : i].text)
            if not (titles or leader) or (i > 0 and doc[i - 1].text == "、"):
                i += 1
                continue
            items = list_items(doc, i, sent.end)
            if len(items) >= 2 or (items and leader):
                for s, e in items:
                    mark(s, e, "OFFICIAL", [t.text for t in titles])
                i = items[-1][1]
            i += 1
        # 吴晓军、罗东川、…在主席台就座 / 吴汉忠、胡达忠…等港澳委员
        items = list_items(doc, sent.start, sent.end)
        if len(items) >= 2:
            after = doc[items[-1][1] : min(sent.end, items[-1][1] + 6)].text
            n_per = sum(1 for s, e in items if found.get((s, e), ("",))[0] or doc[s].tag_ == "PER")
            if n_per * 2 >= len(items) and (
                after.startswith(lexicon.OFFICIAL_LIST_VERBS)
                or _ETC_LEADERS.match(after)
            ):
                for s, e in items:
                    mark(s, e, "OFFICIAL")


@Language.factory("kg_officials", assigns=["doc.spans"], default_config={})
def make_official_tagger(nlp: Language, name: str):
    return OfficialTagger()
