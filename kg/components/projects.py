"""PROJECT: named works, parks, bases and facilities (万吨…产业化项目, 西宁绿色智算中心)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lexicon
from . import spans as sp


def specific(span: Span) -> bool:
    """A project name needs something that singles it out: a proper noun or a figure,
    and no count of projects (区政府8类23项民生实事项目, 多种合作方式共建工程)."""
    if any(lexicon.COUNTED.match(t.text) for t in span):
        return False
    return any(t.tag_ in ("LOC", "ORG", "nz", "PER") or t.tag_ == "m" for t in span)


def coordinated_start(doc: Doc, s: int) -> int:
    """Where a name starts whose head is shared with the conjuncts before it:
    年产3000吨六氟磷酸锂、600吨氟化锂项目 is one project with two products."""
    start = s
    while start > 1 and doc[start - 1].text == "、":
        j = start - 1
        while j > 0 and doc[j - 1].tag_ in ("m", "nz", "n", "LOC", "ORG") and doc[j - 1].text not in lexicon.PROJECT_SUFFIXES:
            j -= 1
        conjunct = doc[j : start - 1]
        if not (len(conjunct) >= 2 and conjunct[0].tag_ == "m" and doc[s].tag_ == "m"):
            break
        if j > 0 and doc[j - 1].text in lexicon.PROJECT_OPENERS:
            j -= 1
        start = j
    return start


def quoted(doc: Doc):
    """(start, end) of a quoted name of a place's works followed by a project head: “湟水山水”工程
    (a quoted slogan without a place is a campaign: “强村”工程)."""
    for i, tok in enumerate(doc):
        if tok.text != "“":
            continue
        for j in range(i + 2, min(len(doc) - 1, i + 10)):
            if doc[j].text == "”":
                if doc[j + 1].text in lexicon.PROJECT_SUFFIXES and any(t.tag_ in ("LOC", "ORG") for t in doc[i + 1 : j]):
                    yield i, j + 2
                break
            if doc[j].tag_ in ("w", "_SP") and doc[j].text not in "、·":
                break


class ProjectTagger:
    def __call__(self, doc: Doc) -> Doc:
        out = []
        for s, e, head in sp.headed_phrases(
            doc, lexicon.PROJECT_SUFFIXES, predicates=True, openers=lexicon.PROJECT_OPENERS
        ):
            span = Span(doc, coordinated_start(doc, s), e, label="PROJECT")
            if specific(span):
                out.append(span)
        out += [Span(doc, s, e, label="PROJECT") for s, e in quoted(doc)]
        sp.add(doc, out)
        return doc


@Language.factory("kg_projects", assigns=["doc.spans"], default_config={})
def make_project_tagger(nlp: Language, name: str):
    return ProjectTagger()
