"""ORG: relative bodies (省委, 市政府), names with a body's head noun, and LAC's organizations."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import gazetteer, lexicon
from . import spans as sp


def relative_org(text: str, gaz) -> bool:
    """省委, 西宁市人大常委会, 青海省委: a level or a division followed by a body."""
    if text in lexicon.RELATIVE_ORGS:
        return True
    for body in lexicon.BODIES:
        if text.endswith(body) and len(text) > len(body):
            place = text[: -len(body)]
            if place in gaz and any(f.kind != "stem" or f.division.level == gazetteer.PROVINCE for f in gaz.lookup(place)):
                return True
    return False


def org_lists(doc: Doc):
    """Items of lists such as 弗迪锂电池、时代新能源、泰丰先行等一批…企业."""
    for tok in doc:
        if tok.text != "等":
            continue
        after = "".join(t.text for t in doc[tok.i + 1 : tok.i + 5])
        if not any(h in after for h in lexicon.ORG_LIST_HEADS):
            continue
        items, end, j = [], tok.i, tok.i - 1
        while j >= tok.sent.start:
            t = doc[j]
            if t.text == "、":
                if j + 1 < end:
                    items.append((j + 1, end))
                end = j
            elif t.tag_ in sp.BREAK_TAGS or t.tag_ == "v":
                break
            j -= 1
        if j + 1 < end:
            items.append((j + 1, end))
        if len(items) >= 2:
            yield from items


class OrgTagger:
    def __init__(self):
        self.gaz = gazetteer.load()

    def __call__(self, doc: Doc) -> Doc:
        out = []
        for rs, re_ in sp.noun_runs(doc):
            for i in range(rs, re_):
                text = ""
                for j in range(i, min(re_, i + 4)):
                    text += doc[j].text
                    if relative_org(text, self.gaz):
                        out.append(Span(doc, i, j + 1, label="ORG"))
        for s, e, head in sp.headed_phrases(
            doc, lexicon.ORG_SUFFIXES, weak=lexicon.WEAK_ORG_SUFFIXES, verbs=False, counted_ok=True
        ):
            out.append(Span(doc, s, e, label="ORG"))
        for org in sp.lac_spans(doc, "ORG"):
            text = org.text
            if lexicon.longest_suffix(text, lexicon.ORG_SUFFIXES + lexicon.COMPANY_HEADS) and len(text) >= 3:
                out.append(Span(doc, org.start, org.end, label="ORG"))
        for s, e in org_lists(doc):
            span = doc[s:e]
            if 2 <= len(span.text) <= 12 and not any(t.tag_ == "LOC" and t.text in self.gaz for t in span):
                out.append(Span(doc, s, e, label="ORG"))
        sp.add(doc, out)
        return doc


@Language.factory("kg_orgs", assigns=["doc.spans"], default_config={})
def make_org_tagger(nlp: Language, name: str):
    return OrgTagger()
