"""Settle the candidates of the other components into doc.ents.

doc.spans["kg"] keeps the nested names the guideline counts (西宁市 inside
西宁市第一职业技术学校); doc.ents gets the outermost, one label per span.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicon
from . import spans as sp


def _places_only(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens start..end are all covered by divisions (某市城东区和平街道 before 光明社区党委;
    not 希腊 before 共产党, which is that party's name)."""
    places = [p for p in sp.kg_spans(doc) if p.label_ == "PLACE" and p._.code and start <= p.start and p.end <= end]
    return all(any(p.start <= i < p.end for p in places) for i in range(start, end))

def rank(span) -> tuple:
    """When two components claim the same tokens, the lower rank wins."""
    division = span.label_ == "PLACE" and span._.code is not None
    label = "PLACE" if division else ("PLACE~" if span.label_ == "PLACE" else span.label_)
    order = ("OFFICIAL", "PERSON", "PLACE", "ORG", "PROJECT", "PLACE~")
    return (order.index(label),)


class EntitySettler:
    """`mend`: put split names together (spans._mended) when no recognizer follows; the
    recognizer reads the rules' entities as features as they were when it was trained."""

    def __init__(self, mend: bool = True):
        self.mend = mend

    def __call__(self, doc: Doc) -> Doc:
        by_tokens = {}
        for s in sp.kg_spans(doc):
            key = (s.start, s.end)
            if key not in by_tokens or rank(s) < rank(by_tokens[key]):
                by_tokens[key] = s
        spans = list(by_tokens.values())
        people = [s for s in spans if s.label_ in ("OFFICIAL", "PERSON")]
        kept = []
        for s in spans:
            inside = [o for o in spans if o is not s and o.start <= s.start and s.end <= o.end]
            if s.label_ == "PLACE" and s._.code is None and inside and not s.text.endswith(lexicon.VILLAGE_HEADS) \
                    and s.text not in lexicon.STATES:
                continue  # a place below the division list is part of the larger name (向阳路 in 向阳路居民区)
            if s.label_ == "ORG" and any(o.label_ == "ORG" and o.end == s.end and (
                    s.text in lexicon.RELATIVE_ORGS or not _places_only(doc, o.start, s.start)) for o in inside):
                continue  # the tail of a longer name (路北社区党总支 in 解放路北社区党总支, 市委 in 杭州市委)
            if s.label_ in ("OFFICIAL", "PERSON") and any(o.label_ in ("OFFICIAL", "PERSON") for o in inside):
                continue  # a piece of a longer name (乌拉孜 in 乌拉孜别克·热苏力汗)
            if s.label_ not in ("OFFICIAL", "PERSON") and any(p.start < s.end and s.start < p.end for p in people):
                continue  # names of people are not parts of other names
            if s.label_ == "PROJECT" and any(o.label_ == "PROJECT" and o.start == s.start for o in inside):
                continue  # the head of a longer project name (…服务基地 in …服务基地配套…项目)
            kept.append(s)
        sp.settle(doc, kept, kept, mend=self.mend)
        return doc


@Language.factory("kg_entities", assigns=["doc.ents", "doc.spans"], default_config={"mend": True})
def make_entity_settler(nlp: Language, name: str, mend: bool):
    return EntitySettler(mend)
