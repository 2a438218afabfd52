"""Annotated pages (GUIDELINE.md format) as span-level training data.

A gold file lists each entity once, with its forms; a recognizer learns
mentions. Where a file carries no `mentions`, every written occurrence of a
form is one, longest first, except inside the strings of `not` (fixed phrases
such as 中国特色 that hold a form without naming the thing).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import InputError
from .model import TYPES

LABEL_OF = {v: k for k, v in TYPES.items()}  # "Official" → "OFFICIAL"


@dataclass
class Annotated:
    """One annotated page: its text, its gold record, and mentions as (start, end, LABEL)."""

    name: str
    text: str
    record: dict
    mentions: list[tuple[int, int, str]]


def occurrences(text: str, needle: str) -> Iterator[int]:
    i = text.find(needle)
    while needle and i >= 0:
        yield i
        i = text.find(needle, i + 1)


def project(text: str, entities: list[dict], blocked: list[str] = ()) -> list[tuple[int, int, str]]:
    """Mentions of the entities' forms in `text`: non-overlapping, longest first, then leftmost."""
    forms: dict[str, str] = {}
    for ent in entities:
        label = LABEL_OF.get(ent.get("type"))
        if label is None:
            continue
        for form in [ent.get("name", "")] + list(ent.get("aliases") or []):
            if form and form not in forms:
                forms[form] = label
    fenced = [(i, i + len(b)) for b in blocked for i in occurrences(text, b)]
    taken = bytearray(len(text))
    out = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        for i in occurrences(text, form):
            j = i + len(form)
            if any(taken[i:j]):
                continue
            if any(a <= i and j <= b and (a, b) != (i, j) for a, b in fenced):
                continue
            taken[i:j] = b"\x01" * (j - i)
            out.append((i, j, forms[form]))
    return sorted(out)


def load(gold_dir, text_dir=None) -> Iterator[Annotated]:
    """The annotated pages of a folder: each GOLD.json with its text NAME.txt (beside it, or in text_dir)."""
    gold_dir = Path(gold_dir)
    text_dir = Path(text_dir) if text_dir else gold_dir
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise InputError(str(gold_dir), "no gold files (*.json) in this folder")
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputError(str(path), f"not a gold file: {e}") from None
        name = record.get("file") or path.with_suffix(".txt").name
        text_path = text_dir / name
        try:
            text = text_path.read_text(encoding="utf-8-sig")
        except OSError:
            raise InputError(str(text_path), f"the text of {path.name} is missing") from None
        if "mentions" in record:
            mentions = [(int(s), int(e), str(label)) for s, e, label in record["mentions"]]
            bad = [m for m in mentions if not (0 <= m[0] < m[1] <= len(text)) or m[2] not in TYPES]
            if bad:
                raise InputError(str(path), f"mention {bad[0]} is outside the text or has an unknown label")
        else:
            mentions = project(text, record.get("entities") or [], record.get("not") or [])
        yield Annotated(name, text, record, mentions)
