"""The recognizer's greedy decoding, run for every sentence of a batch at once.

spaCy's ner takes one transition per token in C, and each costs about 15 µs (BLIS calls on
tiny matrices, the GIL taken at every step): two thirds of the recognizer's time, and a loop
that stalls beside the tagger's thread. Here the same model scores the same states: the
word, the open entity's first word and the word before (spaCy's three features for ner),
maxout, the output layer, the best valid move. Two things make the sentences independent:
kg_features leaves no entity preset (all missing), and no entity crosses a sentence start,
so every sentence starts closed, and step t of all of them is one set of array operations.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

BEGIN, IN, LAST, UNIT, OUT, MISSING = range(6)
_MOVES = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


def fits(ner) -> bool:
    """Whether `Decoder` reads this ner: an upper layer and the three features of state_type ner
    (`kg train` configs may choose otherwise; spaCy's own loop decodes those)."""
    model = ner.model
    return bool(model.attrs.get("has_upper")) and len(model.layers) == 3 and model.layers[1].get_dim("nF") == 3


class Decoder:
    """Entities of docs from a trained spaCy `ner` (TransitionBasedParser, state_type ner)."""

    def __init__(self, ner):
        model = ner.model
        if not fits(ner):
            raise ValueError("the batched decoder needs a ner model with an upper layer and 3 state features")
        self.tok2vec, self.lower, self.upper = model.layers[0], model.layers[1], model.layers[2]
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self.labels: list[str] = []
        move, label = [], []
        for name in names:
            kind, _, lab = name.partition("-")
            if name == "O":
                move.append(OUT)
            elif kind in _MOVES:
                move.append(_MOVES[kind])
            else:
                move.append(MISSING)
            if lab and lab not in self.labels:
                self.labels.append(lab)
            label.append(self.labels.index(lab) if lab else -1)
        self.move, self.label = np.array(move), np.array(label)
        unseen = sorted(model.attrs.get("unseen_classes") or ())
        self.unseen = np.zeros(len(names), dtype=bool)
        self.unseen[unseen] = True
        m, has = self.move, self.label >= 0
        self.masks = ((m == BEGIN) & has, m == IN, m == LAST, (m == UNIT) & has, m == OUT)

    def entities(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) token spans for each doc."""
        out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        lengths = [len(d) for d in docs]
        if not sum(lengths):
            return out
        cached, _ = self.lower(self.tok2vec.predict(docs), is_train=False)
        n_rows, n_feats, n_out, n_pieces = cached.shape
        table = np.asarray(cached).reshape(n_rows, n_feats, n_out * n_pieces)  # row 0: padding
        bias = np.asarray(self.lower.get_param("b")).reshape(-1)
        weights = np.asarray(self.upper.get_param("W"))
        out_bias = np.asarray(self.upper.get_param("b"))

        # sentences over the batch's concatenated tokens, longest first (step t: a prefix)
        starts, ends, owner, offsets, space = [], [], [], [], []
        offset = 0
        for i, doc in enumerate(docs):
            n = len(doc)
            if n:
                arr = doc.to_array([SENT_START, IS_SPACE])
                cut = np.flatnonzero(arr[:, 0] == 1)
                bounds = np.union1d(cut, [0]).tolist() + [n]
                for a, b in zip(bounds, bounds[1:]):
                    starts.append(offset + a)
                    ends.append(offset + b)
                    owner.append(i)
                space.append(arr[:, 1] != 0)
            offsets.append(offset)
            offset += n
        starts_a, ends_a = np.array(starts), np.array(ends)
        order = np.argsort(-(ends_a - starts_a), kind="stable")
        first, length, owner_a = starts_a[order], (ends_a - starts_a)[order], np.array(owner)[order]
        is_space = np.concatenate(space)

        begin_c, in_c, last_c, unit_c, out_c = self.masks
        label = self.label
        n_sent = len(first)
        is_open = np.zeros(n_sent, dtype=bool)
        open_start = np.zeros(n_sent, dtype=np.int64)
        open_label = np.full(n_sent, -2, dtype=np.int64)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        active = n_sent
        for t in range(int(length.max())):
            while active and length[active - 1] <= t:
                active -= 1
            o, s, lab = is_open[:active], open_start[:active], open_label[:active]
            g = first[:active] + t  # the word in the buffer
            u = table[g + 1, 0] + table[np.where(o, s + 1, 0), 1]
            u += table[np.where(o, g, 0), 2]
            u += bias
            hidden = u.reshape(active, n_out, n_pieces).max(axis=2)
            scores = hidden @ weights.T
            scores += out_bias
            last = t == length[:active] - 1
            sp = is_space[g]
            same = lab[:, None] == label[None, :]
            valid = (
                (begin_c[None, :] & (~o & ~last & ~sp)[:, None])
                | (in_c[None, :] & (o & ~last)[:, None] & same)
                | (last_c[None, :] & o[:, None] & same)
                | (unit_c[None, :] & (~o & ~sp)[:, None])
                | (out_c[None, :] & ~o[:, None])
            )
            if self.unseen.any():  # spaCy gives unseen moves the lowest score of the step
                scores[:, self.unseen] = scores.min()
            guess = np.where(valid, scores, -np.inf).argmax(axis=1)
            move, lab_g = self.move[guess], label[guess]
            closing = move == LAST
            unit = move == UNIT
            if closing.any():
                found.append((owner_a[:active][closing], s[closing], g[closing] + 1, lab[closing]))
            if unit.any():
                found.append((owner_a[:active][unit], g[unit], g[unit] + 1, lab_g[unit]))
            begin = move == BEGIN
            o[begin] = True
            s[begin] = g[begin]
            lab[begin] = lab_g[begin]
            o[closing] = False
        for own, a, b, lab in found:
            for i, x, y, k in zip(own.tolist(), a.tolist(), b.tolist(), lab.tolist()):
                out[i].append((x - offsets[i], y - offsets[i], self.labels[k]))
        for ents in out:
            ents.sort()
        return out

    def annotate(self, docs: list[Doc]) -> list[Doc]:
        for doc, ents in zip(docs, self.entities(docs)):
            doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in ents], default="outside")
        return docs


class Recognizer:
    """The trained `ner` of the pipeline (left disabled there), decoded by `Decoder`."""

    def __init__(self, ner):
        self.decoder = Decoder(ner)

    def __call__(self, doc: Doc) -> Doc:
        return self.decoder.annotate([doc])[0]

    def pipe(self, docs, batch_size: int = 64):
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.decoder.annotate(batch)
                batch = []
        if batch:
            yield from self.decoder.annotate(batch)


@Language.factory("kg_recognizer", assigns=["doc.ents"], default_config={"ner": "ner"})
def make_recognizer(nlp: Language, name: str, ner: str):
    return Recognizer(nlp.get_pipe(ner))
