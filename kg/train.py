"""Training the entity recognizer the way spaCy trains: a config.cfg and `spacy train`.

Annotated pages (GUIDELINE.md records with their texts, kg.annotation) are
tagged once by the pipeline's own tokenizer and rules, so the recognizer
learns on exactly the tokens and features it will see, and stored as DocBins.
The reader `kg.TaggedCorpus.v1` hands spaCy examples whose predicted side
keeps those tags and features (spaCy's own reader would re-tokenize every
epoch and drop them).
"""
from __future__ import annotations

import hashlib
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from . import annotation

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "ner" / "config.cfg"
MODEL = HERE / "ner" / "model"
VALID_SHARE = 10  # percent of pages held out for model selection when a record names no split


@dataclass
class Converted:
    train: list[Doc]
    valid: list[Doc]
    mentions: int = 0
    aligned: int = 0  # mentions that fall on token boundaries


def split_of(item: annotation.Annotated) -> str:
    split = item.record.get("split")
    if split in ("train", "valid"):
        return split
    h = int(hashlib.sha1(item.name.encode("utf-8")).hexdigest(), 16)
    return "valid" if h % 100 < VALID_SHARE else "train"


def to_doc(nlp, item: annotation.Annotated) -> tuple[Doc, int]:
    """The page tagged by `nlp` (tokens, tags, features) with the gold mentions as doc.ents.

    A mention that does not fall on token boundaries is marked missing, not
    outside: the recognizer is neither taught it nor taught against it.
    """
    doc = nlp(item.text)
    ents, missing, aligned = [], [], 0
    for s, e, label in item.mentions:
        span = doc.char_span(s, e, label=label)
        if span is not None:
            ents.append(span)
            aligned += 1
        else:
            wide = doc.char_span(s, e, alignment_mode="expand")
            if wide is not None:
                missing.append(wide)
    ents = spacy.util.filter_spans(ents)
    taken = {i for sp in ents for i in range(sp.start, sp.end)}
    missing = [m for m in missing if not any(i in taken for i in range(m.start, m.end))]
    doc.set_ents(ents, missing=spacy.util.filter_spans(missing), default="outside")
    return doc, aligned


def convert(items: Iterable[annotation.Annotated], nlp=None) -> Converted:
    from . import pipeline

    nlp = nlp or pipeline.feature_pipeline()
    out = Converted([], [])
    for item in items:
        doc, aligned = to_doc(nlp, item)
        out.mentions += len(item.mentions)
        out.aligned += aligned
        (out.valid if split_of(item) == "valid" else out.train).append(doc)
    if not out.valid and len(out.train) > 1:  # a small set still needs something to select on
        out.valid.append(out.train.pop())
    return out


def write_docbins(conv: Converted, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "train.spacy", folder / "valid.spacy"
    for docs, path in zip((conv.train, conv.valid), paths):
        DocBin(attrs=["ORTH", "TAG", "MORPH", "SENT_START", "ENT_IOB", "ENT_TYPE"], docs=docs).to_disk(path)
    return paths


@spacy.registry.readers("kg.TaggedCorpus.v1")
def tagged_corpus(path: str, limit: int = 0, shuffle_seed: int = 0):
    """Examples from a DocBin of tagged pages: predicted = the tags and features, reference = + gold ents."""

    def read(nlp):
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if shuffle_seed:
            random.Random(shuffle_seed).shuffle(docs)
        if limit:
            docs = docs[:limit]
        for ref in docs:
            pred = Doc(
                nlp.vocab,
                words=[t.text for t in ref],
                spaces=[bool(t.whitespace_) for t in ref],
                tags=[t.tag_ for t in ref],
                morphs=[str(t.morph) for t in ref],
                sent_starts=[bool(t.is_sent_start) for t in ref],
            )
            yield Example(pred, ref)

    return read


def train(
    gold_dir,
    text_dir,
    output,
    overrides: dict | None = None,
    config: Path = CONFIG,
    limit: int = 0,
    log=print,
) -> Path:
    """Train on annotated pages; the best model on the held-out split lands in `output`.

    `overrides` are spaCy's dotted config settings ({"training.max_steps": 200}).
    `limit` trains on the first `limit` training pages only (for learning curves).
    """
    from spacy.cli.train import train as spacy_train

    check_overrides(config, overrides or {})
    items = list(annotation.load(gold_dir, text_dir))
    conv = convert(items)
    log(
        f"kg train: {len(conv.train)} pages to train on, {len(conv.valid)} held out; "
        f"{conv.aligned}/{conv.mentions} mentions on token boundaries"
    )
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        train_path, valid_path = write_docbins(conv, Path(tmp))
        settings = {"paths.train": str(train_path), "paths.dev": str(valid_path)}
        if limit:
            settings["corpora.train.limit"] = limit
        settings.update(overrides or {})
        run = output / "run"
        spacy_train(config, run, overrides=settings)
        best = run / "model-best"
        if not best.exists():
            best = run / "model-last"
        final = output / "model"
        if final.exists():
            import shutil

            shutil.rmtree(final)
        best.rename(final)
    trim_strings(final)
    forget_paths(final)
    return final


def check_overrides(config: Path, overrides: dict) -> None:
    """A dotted setting the config does not have is a typo: spaCy would add it and ignore it."""
    cfg = spacy.util.load_config(config, interpolate=False)
    for key in overrides:
        node = cfg
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ValueError(f"{config}: no setting {key} (--{key})")
            node = node[part]


def forget_paths(model: Path) -> None:
    """The saved config names the run's temporary corpus files; null them so that two runs give the same bytes."""
    cfg = spacy.util.load_config(model / "config.cfg", interpolate=False)
    cfg["paths"]["train"] = None
    cfg["paths"]["dev"] = None
    cfg.to_disk(model / "config.cfg")


def trim_strings(model: Path) -> None:
    """Keep only the labels in the saved string store.

    spaCy saves every word it met in training; the embeddings hash words and
    need none of them, so the shipped model holds no text of the corpus and
    tags exactly as before (checked on the seeds and the dev set).
    """
    import json

    from .model import LABELS

    (model / "vocab" / "strings.json").write_text(json.dumps(sorted(LABELS)), encoding="utf-8")
