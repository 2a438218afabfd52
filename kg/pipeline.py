"""The spaCy pipeline: LAC tokenizer, the rule components, and the trained recognizer where there is one.

    tokenizer → kg_places → kg_orgs → kg_projects → kg_officials → kg_entities   (rules)
              → kg_features → kg_recognizer → kg_merge                          (with a model)

kg_recognizer decodes the trained `ner` (loaded, disabled) for all sentences at once
(kg.components.decode).

The shipped model lives in kg/ner/model (made by `make train`); `use_model`
selects another (`kg … --model DIR`) or none ("rules").
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from .components import decode
from . import tokenizer  # noqa: F401  (registers the tokenizer)

RULES = ("kg_places", "kg_orgs", "kg_projects", "kg_officials", "kg_entities")
SHIPPED = Path(__file__).resolve().parent / "ner" / "model"
ENV = "KG_MODEL"  # worker processes inherit the choice through the environment
MERGE_ENV = "KG_MERGE"  # "fill=ALL,nested=1,prefer=PROJECT": kg_merge's settings, for ablations


class ModelError(Exception):
    """A --model folder that does not hold a trained kg recognizer."""


def model_path() -> Path | str | None:
    """The recognizer in use: $KG_MODEL ("rules" for none, "lac" for LAC's own entities),
    else the shipped one if present."""
    chosen = os.environ.get(ENV)
    if chosen == "rules":
        return None
    if chosen == "lac":
        return "lac"
    if chosen:
        return Path(chosen)
    return SHIPPED if (SHIPPED / "meta.json").exists() else None


def use_model(path) -> None:
    """Select the recognizer for this process and its workers: a model folder, "rules"
    (the rules alone) or "lac" (LAC's entities alone, for comparison)."""
    if path is not None and str(path) not in ("rules", "lac"):
        p = Path(path)
        if not (p / "ner").is_dir() and (p / "model" / "ner").is_dir():
            p = p / "model"  # the folder `kg train -o` wrote
        if not (p / "ner").is_dir() or not (p / "meta.json").exists():
            raise ModelError(f"{path}: not a trained model (no ner/ and meta.json inside)")
        path = str(p.resolve())
    if path is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = str(path)
    nlp.cache_clear()
    feature_pipeline.cache_clear()


def _tokenized() -> Language:
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kg.LACTokenizer.v1"}}})


def _with_features(merge_follows: bool = False) -> Language:
    """Tokenizer, rules, and the rules' entities as the recognizer's features."""
    nlp = _tokenized()
    for name in RULES:
        nlp.add_pipe(name, config={"mend": False} if name == "kg_entities" else {})
    nlp.add_pipe("kg_features", config={"keep_words": merge_follows})
    return nlp


_SWITCH = {"1": "ALL", "true": "ALL", "0": "", "false": ""}


def _merge_options() -> dict:
    out = {}
    for part in filter(None, os.environ.get(MERGE_ENV, "").split(",")):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if key in ("prefer", "fill"):  # labels joined by + (PROJECT+OFFICIAL); 1: every label, 0: none
            out[key] = _SWITCH.get(value.lower(), value)
        else:
            out[key] = value.lower() not in ("0", "false", "")
    return out


def build(model: Path | None | str = "default") -> Language:
    """The pipeline with `model` (a folder; None: rules only; "lac": LAC's entities; "default": `model_path()`)."""
    if model == "default":
        model = model_path()
    if model == "lac":
        nlp = _tokenized()
        nlp.add_pipe("kg_lac_entities")
        return nlp
    if model is None:
        nlp = _tokenized()
        for name in RULES:
            nlp.add_pipe(name)
        return nlp
    nlp = _with_features(merge_follows=True)
    trained = spacy.load(model)
    ner = nlp.add_pipe("ner", source=trained)
    _numpy_matmul(ner.model)
    if decode.fits(ner):  # the same entities as ner's own loop, sooner
        nlp.add_pipe("kg_recognizer", after="ner")
        nlp.disable_pipe("ner")
    nlp.add_pipe("kg_merge", config=_merge_options())
    return nlp


def _numpy_matmul(model) -> None:
    """Run the recognizer's matrix products on numpy's BLAS rather than thinc's bundled BLIS: the
    same entities (tests/test_train.py), and its embedding and encoder take half the time, since
    OpenBLAS is several times faster than BLIS on these shapes. Inference only; training keeps
    thinc's defaults, so `make train` is unchanged."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for node in model.walk():
        node.ops = ops


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The shared pipeline (the model is loaded once per process)."""
    return build()


@lru_cache(maxsize=1)
def feature_pipeline() -> Language:
    """What the recognizer reads: tokens, LAC tags and the rules' entities as features (for training)."""
    return _with_features()


def parse(texts, batch_size: int = 64):
    """Docs for many texts, with the tagger batched across texts."""
    pipeline = nlp()
    return pipeline.pipe(pipeline.tokenizer.pipe(texts, batch_size=batch_size), batch_size=batch_size)


def parse_encoded(encoded, batch_size: int = 64):
    """Docs for texts whose LAC encoding is done (LACTokenizer.encode, maybe in another thread)."""
    pipeline = nlp()
    return pipeline.pipe(pipeline.tokenizer.docs(encoded), batch_size=batch_size)
