"""PROJECT: named works, parks, bases and facilities (万吨…产业化项目, 西宁绿色智算中心)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lexicon
from . import spans as sp


def specific(span: Span) -> bool:
    """A project name needs something that singles it out: a proper noun or a figure."""
    return any(t.tag_ in ("LOC", "ORG", "nz", "PER") or (t.tag_ == "m" and not lexicon.COUNTED.match(t.text)) for t in span)


class ProjectTagger:
    def __call__(self, doc: Doc) -> Doc:
        out = []
        for s, e, head in sp.headed_phrases(doc, lexicon.PROJECT_SUFFIXES, predicates=True):
            span = Span(doc, s, e, label="PROJECT")
            if specific(span):
                out.append(span)
        sp.add(doc, out)
        return doc


@Language.factory("kg_projects", assigns=["doc.spans"], default_config={})
def make_project_tagger(nlp: Language, name: str):
    return ProjectTagger()
