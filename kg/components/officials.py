"""OFFICIAL and PERSON: names, the posts written before or after them, and lists of leaders.

省委书记、省人大常委会主任张三 → OFFICIAL 张三 with both titles; 省领导李四、王五 →
OFFICIAL for every name in the list; (记者 施翔) → PERSON.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lexicon, speech
from . import spans as sp

# Tokens a post title is made of (LAC tags); 、 joins several titles.
TITLE_TAGS = {"n", "nz", "ORG", "LOC", "vn", "a", "m", "an", "s", "f"}
NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff·]{1,12})$")
_ROLE_END = re.compile("(?:%s)$" % "|".join(sorted(lexicon.PERSON_ROLES, key=len, reverse=True)))
_ETC_LEADERS = re.compile(
    "等.{0,6}?(?:%s)" % "|".join(sorted(lexicon.RANKS + lexicon.LEADER_NOUNS, key=len, reverse=True))
)
_LEADER_END = re.compile("(?:%s)$" % "|".join(lexicon.LEADER_NOUNS))
# Verbs of speech right after a name end it, whatever LAC made of it (kg.speech).
SPEECH_AFTER = speech.AFTER_NAME


def title_before(w: sp.Words, i: int, ranks: re.Pattern = lexicon.RANK_END) -> list[str]:
    """Titles written right before token i (省委副书记、省长 → two titles), nearest last; a title
    is what ends in one of `ranks`."""
    pieces, end = [], i
    j = i - 1
    while j >= 0:
        if w.text[j] == "、":
            if j + 1 < end:
                pieces.append((j + 1, end))
            end = j
        elif w.tag[j] not in TITLE_TAGS:
            break
        j -= 1
    if j + 1 < end:
        pieces.append((j + 1, end))
    titles = []
    for k, (s, e) in enumerate(pieces):  # nearest first; stop at a role or at a second piece that is no title
        text = w.span(s, e)
        if _ROLE_END.search(text):
            break
        if not ranks.search(text):
            if k == 0 and len(pieces) > 1:
                continue  # a description between the post and the name: 县委副书记、第八批援藏干部李明
            break
        titles.append(w.span(trim_title(w, s, e), e))
    return titles[::-1]


def trim_title(w: sp.Words, s: int, e: int) -> int:
    """Where the title proper starts: after the words before it (会议由省政协主席 → 省政协主席)."""
    while s < e - 1 and w.tag[s] in ("f", "m", "s", "an"):
        s += 1
    return s


def list_items(w: sp.Words, start: int, sent_end: int) -> list[tuple[int, int]]:
    """Names in a list starting at token `start`: 李四、王五、赵六、孙七参加 → four spans.

    Items between separators are taken whole (LAC cuts unknown names apart);
    the last item ends where the name ends: at a LAC name or before the verb.
    """
    items, s = [], start
    for j in range(start, sent_end):
        text = w.text[j]
        if text in ("、", " "):
            if not NAME.match(w.span(s, j)):
                return items
            items.append((s, j))
            s = j + 1
        elif w.tag[j] in ("w", "_SP") and text != "·":
            break
    else:
        j = sent_end
    last = _name_at(w, s, j)
    if last:
        items.append(last)
    return items


def plausible(w: sp.Words, items):
    """Drop list items that are not names; LAC's own names vouch for their neighbours.

    An item LAC did not tag as a name is kept only in a list where at least
    two items are LAC names, or when a verb of speech follows it (`_speaker`),
    and never when it is itself a title or a role.
    """
    lac_names = sum(1 for s, e in items if w.tag[s] == "PER")
    out = []
    for s, e in items:
        text = w.span(s, e)
        if lexicon.RANK_END.search(text) or _ROLE_END.search(text):
            continue
        if w.tag[s] == "PER" or lac_names >= 2 or _speaker(w, s, e):
            out.append((s, e))
    return out


def _bare_name(text: str) -> bool:
    """A name with nothing beside it to vouch for it: a two-character one needs a surname
    (three-character foreign names, 克林顿, have none)."""
    return len(text) != 2 or text[0] in lexicon.SURNAMES


def _looks_like_name(w: sp.Words, s: int, e: int) -> bool:
    return (w.tag[s] == "PER" or all(w.tag[k] in ("n", "nz", "PER") or w.text[k] == "·" for k in range(s, e))
            or _speaker(w, s, e))


def _speaker(w: sp.Words, s: int, e: int) -> bool:
    """Two or three characters opening with a surname, before a verb of speech: a name LAC took for words."""
    text = w.span(s, e)
    return (2 <= len(text) <= 3 and text[0] in lexicon.SURNAMES and e < len(w) and w.text[e] in SPEECH_AFTER
            and all(w.tag[k] in _WORDY_TAGS for k in range(s, e)))


_WORDY_TAGS = frozenset({"n", "nz", "v", "vn", "a", "an", "PER"})  # not 多次, 一再, 也


def _name_at(w: sp.Words, s: int, end: int):
    """The name that opens tokens s..end: a LAC name (with ·-joined parts) or a short noun run."""
    if s >= end:
        return None
    while end - 1 > s and w.text[end - 1] in SPEECH_AFTER:
        end -= 1
    if w.tag[s] != "PER" and NAME.match(w.span(s, end)):
        return s, end
    e = s
    while e < end and (w.tag[e] == "PER" or w.text[e] == "·" or (e > s and w.text[e - 1] == "·")):
        e += 1
    if e == s:
        while e < end and w.tag[e] in ("n", "nz") and len(w.span(s, e + 1)) <= 3:
            e += 1
    return (s, e) if e > s and NAME.match(w.span(s, e)) else None


class OfficialTagger:
    def __call__(self, doc: Doc) -> Doc:
        w = sp.words(doc)
        found: dict[tuple[int, int], tuple[str, list[str]]] = {}

        def mark(s, e, label, titles=()):
            old = found.get((s, e))
            if old and old[0] == "OFFICIAL" and label == "PERSON":
                return
            merged = list(old[1]) if old else []
            merged += [t for t in titles if t not in merged]
            found[(s, e)] = (label, merged)

        for per in sp.lac_spans(doc, "PER"):
            name = w.span(per.start, per.end)
            if not NAME.match(name):
                continue
            titles = title_before(w, per.start)
            before = w.span(per.start - 3, per.start)
            after = w.text[per.end] if per.end < len(w) else ""
            if titles:
                mark(per.start, per.end, "OFFICIAL", titles)
            elif after and lexicon.RANK_END.match(after) and after in lexicon.RANKS:
                mark(per.start, per.end, "OFFICIAL", [after])
            elif _LEADER_END.search(before):
                mark(per.start, per.end, "OFFICIAL")
            elif _bare_name(name) or _ROLE_END.search(before):
                mark(per.start, per.end, "PERSON")
        # Lists after a title or 省领导, and lists of leaders at an event.
        for sent in doc.sents:
            self._lists(w, sent.start, sent.end, found, mark)
        officials = {w.span(s, e) for (s, e), (label, _) in found.items() if label == "OFFICIAL"}
        out = []
        for (s, e), (label, titles) in found.items():
            if label == "PERSON" and w.span(s, e) in officials:
                label = "OFFICIAL"
            span = Span(doc, s, e, label=label)
            span._.titles = tuple(titles)
            out.append(span)
        sp.add(doc, out)
        return doc

    def _lists(self, w: sp.Words, start: int, end: int, found, mark):
        """Lists after a title or 省领导, and lists of leaders at an event (…在主席台就座)."""
        i = start
        while i < end:
            clause_start = i == start or (w.tag[i - 1] in ("w", "_SP") and w.text[i - 1] not in ("、", "·"))
            titles = title_before(w, i)
            leader = _LEADER_END.search(w.span(max(start, i - 2), i))
            if not (clause_start or titles or leader):
                i += 1
                continue
            items = plausible(w, list_items(w, i, end))
            if not items:
                i += 1
                continue
            after = w.span(items[-1][1], min(end, items[-1][1] + 6))
            people = sum(1 for s, e in items if w.tag[s] == "PER" or found.get((s, e), ("",))[0])
            if (titles or leader) and (len(items) >= 2 or _looks_like_name(w, *items[0])):
                for s, e in items:
                    mark(s, e, "OFFICIAL", titles)
            elif len(items) >= 2 and people * 2 >= len(items) and (
                after.startswith(lexicon.OFFICIAL_LIST_VERBS) or _ETC_LEADERS.match(after)
            ):
                for s, e in items:
                    mark(s, e, "OFFICIAL")
            i = max(i + 1, items[-1][1])


@Language.factory("kg_officials", assigns=["doc.spans"], default_config={})
def make_official_tagger(nlp: Language, name: str):
    return OfficialTagger()
