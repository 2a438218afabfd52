"""ORG: relative bodies (省委, 市政府), names with a body's head noun, and LAC's organizations."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import gazetteer, lexicon
from . import spans as sp


# The lengths of what may end a relative body: a body (委, 政府) or a level's body (县委).
_BODY_LENGTHS = tuple(sorted(set(lexicon.suffix_index(lexicon.BODIES)[0]) | {len(r) for r in lexicon.RELATIVE_ORGS},
                             reverse=True))


def relative_org(text: str, gaz) -> bool:
    """省委, 西宁市人大常委会, 青海省委: a level or a division followed by a body."""
    if text in lexicon.RELATIVE_ORGS:
        return True
    _, bodies = lexicon.suffix_index(lexicon.BODIES)
    for k in _BODY_LENGTHS:
        if len(text) > k and (text[-k:] in bodies or text[-k:] in lexicon.RELATIVE_ORGS):  # 泸县|县委
            place = text[:-k]
            if place in gaz and any(f.kind != "stem" or f.division.level == gazetteer.PROVINCE for f in gaz.lookup(place)):
                return True
    return False


def joint_bodies(text: str, gaz) -> int | None:
    """Where the second of two bodies written as one word starts (泸州市委|市政府, 省委|省政府)."""
    for i in range(2, len(text) - 1):
        if relative_org(text[:i], gaz) and relative_org(text[i:], gaz):
            return i
    return None


# A section of a body written after it (医院|口腔科, 大学|藏文系, 宣传部|文化科): part of its name.
SECTION_HEADS = ("科", "系")
# Words with those endings that name a kind of study, not a section (学科建设, 本科教育).
NOT_SECTIONS = tuple("学科 本科 专科 预科 文科 理科 工科 全科 百科 体系 关系 联系 派系 直系 水系 谱系 星系 维系".split())


def section_after(doc: Doc, end: int) -> bool:
    """Whether the token at `end`, right after a body's name, is a section of that body."""
    if end >= len(doc):
        return False
    t = doc[end]
    return 2 <= len(t.text) <= 5 and t.text.endswith(SECTION_HEADS) and not t.text.endswith(NOT_SECTIONS) \
        and t.tag_ in ("n", "nz", "ORG")


def org_lists(doc: Doc):
    """Items of lists such as 弗迪锂电池、时代新能源、泰丰先行等一批…企业."""
    w = sp.words(doc)
    for i, text in enumerate(w.text):
        if text != "等":
            continue
        after = w.span(i + 1, i + 5)
        if not any(h in after for h in lexicon.ORG_LIST_HEADS):
            continue
        items, end, j = [], i, i - 1
        sent_start = doc[i].sent.start
        while j >= sent_start:
            if w.text[j] == "、":
                if j + 1 < end:
                    items.append((j + 1, end))
                end = j
            elif w.tag[j] in sp.BREAK_TAGS or w.tag[j] == "v":
                break
            j -= 1
        if j + 1 < end:
            items.append((j + 1, end))
        if len(items) >= 2:
            yield from items


_NAME_HEADS = lexicon.ORG_SUFFIXES + lexicon.COMPANY_HEADS
_BODY_HEADS = lexicon.ORG_SUFFIXES + lexicon.BODIES


class OrgTagger:
    def __init__(self):
        self.gaz = gazetteer.load()

    def __call__(self, doc: Doc) -> Doc:
        w = sp.words(doc)
        out = []
        for rs, re_ in sp.noun_runs(doc):
            for i in range(rs, re_):
                text = ""
                for j in range(i, min(re_, i + 4)):
                    text += w.text[j]
                    if relative_org(text, self.gaz):
                        out.append(Span(doc, i, j + 1, label="ORG"))
        for s, e, head in sp.headed_phrases(
            doc, lexicon.ORG_SUFFIXES, weak=lexicon.WEAK_ORG_SUFFIXES, verbs=False, counted_ok=True
        ):
            span = Span(doc, s, e, label="ORG")
            if self._named(span):
                out.append(span)
        for org in sp.lac_spans(doc, "ORG"):
            s = self._name_start(w, org)
            text = w.span(s, org.end)
            if lexicon.longest_suffix(text, _NAME_HEADS) and len(text) >= 3:
                out.append(Span(doc, s, org.end, label="ORG"))
        out = [o for o in out if not self._compound(o.text) and not self._generic(o) and not self._part_of_title(o)]
        for s, e in org_lists(doc):
            text = w.span(s, e)
            if 2 <= len(text) <= 12 and not any(w.tag[k] == "LOC" and w.text[k] in self.gaz for k in range(s, e)):
                out.append(Span(doc, s, e, label="ORG"))
        sp.add(doc, out)
        return doc

    def _name_start(self, w: sp.Words, org: Span) -> int:
        """LAC sometimes takes a verb into an organization (出台省政协): start at the name proper."""
        for i in range(org.start, org.end):
            rest = w.span(i, org.end)
            if w.text[i] in self.gaz or relative_org(rest, self.gaz) or w.text[i] in lexicon.RELATIVE_ORGS:
                return i
        return org.start

    def _generic(self, span: Span) -> bool:
        """A body named by its kind, not by its name: 人民政协, 全国地方政协, 四级政协, 州市政协
        and 市县政协 (several levels at once), 社区党委 (any community's), 乡村学校."""
        text = span.text
        head = lexicon.longest_suffix(text, _BODY_HEADS)
        modifier = text[: -len(head)] if head else text
        if modifier in lexicon.GENERIC_MODIFIERS or modifier in lexicon.CATEGORY_MODIFIERS:
            return True
        if span[0].tag_ == "m" or any(t.text in lexicon.CATEGORY_OPENERS for t in span[:-1]):
            return True
        levels = lexicon.LEVEL_CHARS
        if text[0] in levels and text[1:2] in levels:
            return True
        before = span.doc[span.start - 1].text if span.start > 0 else ""
        return text[0] in levels and before in levels

    def _part_of_title(self, span: Span) -> bool:
        """人大 in 人大代表 and 人大常委会, 党组 in 党组书记: the word belongs to what follows."""
        after = span.doc[span.end].text if span.end < len(span.doc) else ""
        if span.text.endswith("人大"):
            return after.startswith(("代表", "常委会"))
        if span.text.endswith("党组"):
            return after in lexicon.RANKS
        return False

    def _compound(self, text: str) -> bool:
        """省委省政府, 党中央国务院: two bodies written together are two organizations."""
        return joint_bodies(text, self.gaz) is not None

    def _named(self, span: Span) -> bool:
        """A head noun names a body only after a place, a level, a name or a LAC organization
        (西宁市第一职业技术学校, 省生态环境厅), not after a category (乡村学校, 人大代表活动室)."""
        return (
            span[-1].tag_ == "ORG"
            or any(t.tag_ in ("LOC", "ORG", "nz") for t in span)
            or (span.text.startswith(lexicon.LEVELS) and not span.text[1:].startswith(lexicon.LEVELS))
        )


@Language.factory("kg_orgs", assigns=["doc.spans"], default_config={})
def make_org_tagger(nlp: Language, name: str):
    return OrgTagger()
