"""Baidu LAC as a spaCy tokenizer: words, LAC tags and LAC's own entities.

LAC folds names into titles (省委书记) and places into long spans
(湟中区海子沟乡人大代表联络室); spaCy spans must sit on token boundaries, so
LAC's words are re-cut at the places, bodies and ranks of our lexicon.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy import attrs
from spacy.tokens import Doc, Span

from . import gazetteer, lac, lexicon
from .components import orgs
from .components.spans import WORDS, Words

# LAC's entity tags and the span labels they get in doc.spans["lac"].
LAC_ENTITY_TAGS = ("PER", "LOC", "ORG", "TIME")
_SENT_END = re.compile(r"[。！？；!?;]+[”’」』\"]*|\n+")
MAX_SENTENCE = 510  # long runs without punctuation are cut for the tagger
# Tags of words that do not open a name. LAC, in context, sometimes folds such a
# word into an entity (出台/ORG 省政协, 依托州蒙藏医/ORG 医院); tagged on its own
# the word shows what it is.
FUNCTION_TAGS = frozenset({"v", "vd", "vn", "p", "c", "d", "u", "r", "ad"})


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans that together cover `text`: sentences, each with its final punctuation."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group().startswith("\n"):
            if m.start() > start:
                spans.append((start, m.start()))
            spans.append((m.start(), end))
        else:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while e - s > MAX_SENTENCE:
            out.append((s, s + MAX_SENTENCE))
            s += MAX_SENTENCE
        out.append((s, e))
    return out


@lru_cache(maxsize=1)
def split_lexicon() -> frozenset[str]:
    """Strings at whose edges a LAC word is cut: divisions, relative bodies, ranks, heads."""
    words = set(gazetteer.load().forms)
    words.update(lexicon.RELATIVE_ORGS)
    words.update(lexicon.RANKS)
    words.update(s for s in lexicon.ORG_SUFFIXES if len(s) >= 2)
    words.update(s for s in lexicon.PROJECT_SUFFIXES if len(s) >= 2)
    words.update(s for s in lexicon.PLACE_SUFFIXES if len(s) >= 2)
    return frozenset(words)


def cut_word(word: str, tag: str, words: frozenset[str], max_len: int) -> list[str]:
    """Cut a LAC word at lexicon entries inside it, by forward maximum matching.

    A word is left whole when it is itself an entry, when it is a person's
    name, or when a cut would leave a single stray character (青海湖 stays whole).
    """
    if len(word) < 4 or tag in ("PER", "TIME", "m", "w") or word in words:
        return [word]
    pieces: list[str] = []
    rest = ""
    i = 0
    while i < len(word):
        for j in range(min(len(word), i + max_len), i + 1, -1):
            if word[i:j] in words:
                if rest:
                    pieces.append(rest)
                    rest = ""
                pieces.append(word[i:j])
                i = j
                break
        else:
            rest += word[i]
            i += 1
    if rest:
        pieces.append(rest)
    if len(pieces) == 1 or any(len(p) == 1 for p in pieces):
        return [word]
    return pieces


def _join_names(analysis: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A name LAC cut short joined with the one or two words that finish it (白玛旺|堆 → 白玛旺堆)."""
    out, i = [], 0
    while i < len(analysis):
        word, tag = analysis[i]
        if tag == "PER" and len(word) <= 3:
            for j in (2, 1):
                joined = "".join(w for w, _ in analysis[i : i + j + 1])
                if i + j < len(analysis) and lexicon.tibetan_name(joined) and not lexicon.tibetan_name(word) \
                        and all(t not in ("w", "_SP") for _, t in analysis[i + 1 : i + j + 1]):
                    out.append((joined, "PER"))
                    i += j + 1
                    break
            else:
                out.append((word, tag))
                i += 1
            continue
        out.append((word, tag))
        i += 1
    return out


def _named(gaz, text: str) -> bool:
    return any(f.kind != "stem" for f in gaz.lookup(text))


def _recut_divisions(analysis: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Two divisions LAC cut at the wrong character, cut again (甘孜州乡|城县 → 甘孜州|乡城县):
    two words that together are two names of the list, and neither is one as LAC cut them."""
    gaz = gazetteer.load()
    out = list(analysis)
    for i in range(len(out) - 1):
        (a, ta), (b, tb) = out[i], out[i + 1]
        if ta not in ("LOC", "ORG") or tb in ("w", "_SP", "PER") or a in gaz or b in gaz:
            continue
        both = a + b
        for k in (-2, -1, 1, 2):
            cut = len(a) + k
            if 2 <= cut <= len(both) - 2 and _named(gaz, both[:cut]) and _named(gaz, both[cut:]):
                out[i], out[i + 1] = (both[:cut], "LOC"), (both[cut:], "LOC")
                break
    return out


def _state_first(word: str, tag: str) -> list[str] | None:
    """An organization opening with a country's name, cut after it (希腊共产党 → 希腊 | 共产党):
    the country is a place the guideline counts inside the name."""
    if tag != "ORG" or len(word) < 4:
        return None
    gaz = gazetteer.load()
    for k in range(min(len(word) - 2, 9), 1, -1):
        if word[:k] in lexicon.STATES:
            rest = word[k:]
            if any(rest[:j] in gaz for j in range(2, min(len(rest), 6) + 1)):
                return None  # 马里|兰州…: the name runs on (马里兰州立大学)
            return [word[:k], rest]
    return None


def _joint(word: str, tag: str) -> list[str] | None:
    """Two bodies LAC reads as one organization, cut apart (泸州市委市政府 → 泸州市委 | 市政府)."""
    if tag != "ORG" or len(word) < 4:
        return None
    i = orgs.joint_bodies(word, gazetteer.load())
    return [word[:i], word[i:]] if i else None


_ISOLATED: dict[str, tuple[tuple[str, str], ...]] = {}


def isolated(words) -> dict[str, tuple[tuple[str, str], ...]]:
    """LAC's analysis of each word on its own, without the sentence around it (cached, batched)."""
    todo = sorted({w for w in words if w not in _ISOLATED})
    if todo:
        if len(_ISOLATED) > 500_000:
            _ISOLATED.clear()
        for w, a in zip(todo, lac.get_tagger().analyze(todo)):
            _ISOLATED[w] = tuple(a)
    return {w: _ISOLATED[w] for w in words}


class Encoded(NamedTuple):
    texts: list[str]
    plans: list[list[tuple[int, int]]]  # split_sentences of each text
    sentences: lac.Encoded


class LACTokenizer:
    """Text → Doc with LAC words, `tag_` = LAC tag, sentence starts and doc.spans["lac"]."""

    def __init__(self, vocab, batch_size: int = 1000):
        self.vocab = vocab
        self.batch_size = batch_size
        self._words = split_lexicon()
        self._max_len = max(len(w) for w in self._words)

    def __call__(self, text: str) -> Doc:
        return next(iter(self.pipe([text])))

    def pipe(self, texts, batch_size: int | None = None):
        """Tag many texts with their sentences batched together (much faster)."""
        batch: list[str] = []
        size = batch_size or self.batch_size
        for text in texts:
            batch.append(text)
            if len(batch) >= size:
                yield from self._tag_batch(batch)
                batch = []
        if batch:
            yield from self._tag_batch(batch)

    def _tag_batch(self, texts: list[str]):
        yield from self.docs(self.encode(texts))

    def encode(self, texts: list[str]) -> "Encoded":
        """The texts cut into sentences and run through LAC's encoder: the costly part of
        tagging, which holds the GIL so little that it can run ahead in a thread."""
        plans = [split_sentences(t) for t in texts]
        to_tag = [t[s:e] for t, plan in zip(texts, plans) for s, e in plan if not t[s:e].isspace()]
        return Encoded(texts, plans, lac.get_tagger().encode(to_tag))

    def docs(self, encoded: "Encoded"):
        """One Doc per text of `encode`: decoded, repaired and cut at the lexicon."""
        raw = lac.get_tagger().decode(encoded.sentences)
        alone = isolated({c for a in raw for w, t in a for c in self._openings(w, t)})
        analyses = iter([self._repair(a, alone) for a in raw])
        for text, plan in zip(encoded.texts, encoded.plans):
            sents = []
            for s, e in plan:
                chunk = text[s:e]
                sents.append([(chunk, "_SP")] if chunk.isspace() else next(analyses))
            yield self._make_doc(sents)

    def _openings(self, word: str, tag: str) -> list[str]:
        """The strings whose own analysis tells whether an entity word opens with a function word."""
        if tag not in ("ORG", "LOC") or word in self._words:
            return []
        pieces = cut_word(word, tag, self._words, self._max_len)
        return [word, pieces[0]] if len(pieces) > 1 else [word]

    def _opens_name(self, text: str) -> bool:
        """Whether `text` starts with a relative body or a division (市残联, 省政协, 西宁市…)."""
        return any(text.startswith(w) for w in lexicon.RELATIVE_ORGS) or any(
            text[:k] in gazetteer.load() for k in range(2, min(len(text), 12) + 1)
        )

    def _repair(self, analysis: list[tuple[str, str]], alone: dict) -> list[tuple[str, str]]:
        """Take leading verbs, prepositions and the like back out of LAC's organizations and places."""
        out = []
        for word, tag in analysis:
            openings = self._openings(word, tag)
            if openings:
                whole = alone[word]
                head, head_tag = whole[0]
                if len(openings) > 1 and len(alone[openings[1]]) == 1 and self._opens_name(word[len(openings[1]):]):
                    head, head_tag = alone[openings[1]][0]
                if len(whole) == 1 and len(openings) == 1:
                    if head_tag in FUNCTION_TAGS or (head_tag == "a" and len(word) == 1):
                        out.append((word, head_tag))
                        continue
                elif head_tag in FUNCTION_TAGS and len(word) - len(head) >= 2:
                    out += [(head, head_tag), (word[len(head):], tag)]
                    continue
            out.append((word, tag))
        return out

    def _make_doc(self, sents) -> Doc:
        words, tags, starts, ents = [], [], [], []
        for analysis in sents:
            analysis = _recut_divisions(_join_names(analysis))
            first = True
            for word, tag in analysis:
                joint = _joint(word, tag)
                pieces = joint or _state_first(word, tag) or cut_word(word, tag, self._words, self._max_len)
                if joint:  # two bodies, two organizations
                    ents += [(len(words), len(words) + 1, tag), (len(words) + 1, len(words) + 2, tag)]
                elif tag in LAC_ENTITY_TAGS:
                    ents.append((len(words), len(words) + len(pieces), tag))
                for p in pieces:
                    words.append(p)
                    tags.append("_SP" if p.isspace() else tag)
                    starts.append(first)
                    first = False
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words), tags=tags, sent_starts=starts)
        doc.spans["lac"] = [Span(doc, s, e, label=t) for s, e, t in ents]
        doc.user_data[WORDS] = Words(words, tags)
        return doc

    # spaCy serialises tokenizers with the pipeline; this one has no state of its own.
    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self

    def to_disk(self, path, **kwargs):
        pass

    def from_disk(self, path, **kwargs):
        return self


@spacy.registry.tokenizers("kg.LACTokenizer.v1")
def create_lac_tokenizer():
    def make(nlp):
        # A Chinese word's first and last characters carry what spaCy's default
        # prefix (1 char) and suffix (3 chars, most of a word) would blur: the
        # surname, and the head (局 县 厂 项目's 目) that the recognizer reads.
        nlp.vocab.lex_attr_getters[attrs.PREFIX] = lambda s: s[:1]
        nlp.vocab.lex_attr_getters[attrs.SUFFIX] = lambda s: s[-1:]
        return LACTokenizer(nlp.vocab)

    return make
