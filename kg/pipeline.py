"""The spaCy pipeline: LAC tokenizer, then the entity components in a fixed order."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from . import tokenizer  # noqa: F401  (registers the tokenizer)

COMPONENTS = ("kg_places", "kg_orgs", "kg_projects", "kg_officials", "kg_entities")


def build() -> Language:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kg.LACTokenizer.v1"}}})
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The shared pipeline (the model is loaded once per process)."""
    return build()


def parse(texts, batch_size: int = 64):
    """Docs for many texts, with the tagger batched across texts."""
    pipeline = nlp()
    return pipeline.pipe(pipeline.tokenizer.pipe(texts, batch_size=batch_size), batch_size=batch_size)


def parse_encoded(encoded, batch_size: int = 64):
    """Docs for texts whose LAC encoding is done (LACTokenizer.encode, maybe in another thread)."""
    pipeline = nlp()
    return pipeline.pipe(pipeline.tokenizer.docs(encoded), batch_size=batch_size)
