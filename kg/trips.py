"""Trips: one lead official's (or a group's) journey as one article reports it.

A trip is what an article's visit statements add up to: the officials the
article leads with (several when a group goes together: "X、Y来到…" gives them
one trip), the officials accompanying them, the administrative units visited,
the stops in the order the text reaches them, the dates, the evidence and the
source. The visits stay the trip's parts; the accompanying officials make no
trip of their own. Counting trips instead of visits stops a long article from
weighing more than a short one: an article naming five sites is still one
journey.

    from kg import trips
    trips.from_graph(g)          # the trips of a kg networkx graph (kg.graph adds them as nodes)
    trips.from_facts(facts)      # straight from kg.relations' visit facts
    trips.of_rows(rows)          # from kg.tables.visit_rows (maps and panels)

Rules, all of them about one article:
  * leads are the officials with a `lead` visit; two leads are one group when a
    sentence states a visit of both, else each has a trip of their own;
  * every visit of a lead belongs to the lead's trip (whatever role a sentence
    gives it); a visit of anyone else goes to the trip it shares a sentence with,
    else to the trip whose visits come last before it, else to the first trip;
  * stops are the targets that are not divisions at county level or above
    (sites, projects, organizations, townships, villages), in text order:
    by sentence, then by where the sentence names them;
  * places are those divisions: the ones visited and the ones the stops lie in
    (by codes, name or text), in the order the text reaches them;
  * start and end are the earliest and latest resolved dates of the visits (a
    visit's `date_end` where it states a range); a month or year counts as its
    whole span, so an end of 2024-12 lies after 2024-12-24.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .resolve import _file, division_node_id, stable_hash

LEVELS = ("province", "prefecture", "county")  # divisions that are a trip's places, not its stops
_FAR = 1 << 30  # position of a target its sentence does not spell out


@dataclass(frozen=True)
class Visit:
    """One visit statement as trips read it, whatever it came from (graph edge, fact, table row)."""

    official: str  # node id ("Official:…")
    target: str  # node id
    role: str | None
    source: str  # file name
    article: int
    start: int | None = None  # the evidence sentence's source offsets
    end: int | None = None
    sentence: str | None = None
    pos: int = _FAR  # where the sentence names the target
    seq: int = 0  # input order: the last tie-break
    target_type: str | None = None
    iso: str | None = None
    iso_end: str | None = None  # the end of a stated range
    division: str | None = None  # node id of the county-or-higher division holding the target
    is_division: bool = False  # the target is itself such a division
    ref: object = field(default=None, compare=False)  # the edge, fact or row it was read from
    official_names: tuple[str, ...] = ()  # the official's label and aliases, to find them in the text

    def order(self) -> tuple:
        return (self.start if self.start is not None else _FAR, self.pos, self.seq)


@dataclass
class Stop:
    order: int  # from 1
    target: str
    target_type: str | None
    visits: list[Visit]


@dataclass
class Trip:
    id: str  # "Trip:<hash of file, article and leads>"
    source: str
    article: int
    leads: list[str]  # official node ids, in the order the text first names them
    accompanying: list[str]  # likewise
    stops: list[Stop]
    places: list[str]  # division node ids
    start: str | None
    end: str | None
    evidence: list[tuple[int | None, int | None, str]]  # (start, end, sentence), in text order
    visits: list[Visit]  # the parts, in text order

    @property
    def article_id(self) -> str:
        return f"{self.source}#{self.article}"


def trip_id(source: str, article: int, leads) -> str:
    """Depends on the article and the leads only, so a rebuild names a trip the same."""
    return "Trip:" + stable_hash("trip", _file(source), int(article), *sorted(leads))


def span(visits) -> tuple[str | None, str | None]:
    """(start, end) of the visits' ISO dates; a coarser date covers its whole month or year."""
    starts = [v.iso for v in visits if v.iso]
    ends = [v.iso_end or v.iso for v in visits if v.iso_end or v.iso]
    if not starts:
        return None, None
    return min(starts), max(ends, key=lambda d: d + "\uffff")  # 2024-12 ends after 2024-12-24


def _first_seen(visits, key) -> list:
    out = []
    for v in visits:
        k = key(v)
        if k is not None and k not in out:
            out.append(k)
    return out


def _article_trips(visits: list[Visit]) -> list[Trip]:
    visits = sorted(visits, key=Visit.order)
    leads = _first_seen((v for v in visits if v.role == "lead"), lambda v: v.official)
    if not leads:
        return []  # accompanying officials alone make no trip
    together = nx.Graph()  # leads joined when one sentence states a visit of both
    together.add_nodes_from(leads)
    by_sentence: dict = {}
    for v in visits:
        if v.role == "lead" and v.start is not None:
            by_sentence.setdefault((v.start, v.end), []).append(v.official)
    for officials in by_sentence.values():
        nx.add_path(together, officials)
    group_of = {o: i for i, c in enumerate(nx.connected_components(together)) for o in c}
    heads = _first_seen(leads, group_of.get)
    members: dict = {h: [] for h in heads}
    for v in visits:  # the leads' visits first: the others are placed by them
        if v.official in group_of:
            members[group_of[v.official]].append(v)
    for v in visits:
        if v.official in group_of:
            continue
        members[_host(v, heads, members)].append(v)
    return [_trip(sorted(members[h], key=Visit.order), [o for o in leads if group_of[o] == h]) for h in heads]


def _host(v: Visit, heads: list, members: dict):
    """The trip a visit of a non-lead belongs to: the one sharing its sentence, else the one before it."""
    if len(heads) == 1:
        return heads[0]
    for h in heads:
        if any(m.start == v.start and m.end == v.end for m in members[h] if m.start is not None):
            return h
    before = [(max(m.order() for m in members[h] if m.order() <= v.order()), h) for h in heads
              if any(m.order() <= v.order() for m in members[h])]
    return max(before)[1] if before else heads[0]


def _trip(visits: list[Visit], leads: list[str]) -> Trip:
    first = visits[0]
    stops: list[Stop] = []
    at: dict[str, Stop] = {}
    for v in visits:
        if v.is_division:
            continue
        if v.target not in at:
            at[v.target] = Stop(len(stops) + 1, v.target, v.target_type, [])
            stops.append(at[v.target])
        at[v.target].visits.append(v)
    places = _first_seen(visits, lambda v: v.target if v.is_division else v.division)
    evidence = _first_seen((v for v in visits if v.sentence), lambda v: (v.start, v.end, v.sentence))
    named = {}
    for v in visits:  # where the text first names each official: a sentence may state one visit for two
        named.setdefault(v.official, (*_named_at(evidence, v.official_names), v.order()))
    leads = sorted(leads, key=named.__getitem__)
    accompanying = sorted(_first_seen((v for v in visits if v.official not in leads), lambda v: v.official),
                          key=named.__getitem__)
    start, end = span(visits)
    return Trip(trip_id(first.source, first.article, leads), first.source, first.article, leads, accompanying,
                stops, places, start, end, evidence, visits)


def group(visits) -> list[Trip]:
    """The trips of any visits: per article, in source and article order."""
    by_article: dict = {}
    for v in visits:
        by_article.setdefault((v.source, v.article), []).append(v)
    out = []
    for key in sorted(by_article):
        out += _article_trips(by_article[key])
    return out


def _named_at(evidence, names) -> tuple[int, int]:
    """(index of the first evidence sentence naming one of `names`, position in it); far when none does."""
    for i, (_, _, sentence) in enumerate(evidence):
        if (pos := _position(sentence, names)) < _FAR:
            return i, pos
    return _FAR, _FAR


def _position(sentence: str | None, names) -> int:
    """Where a sentence first names a target (by any of its names), _FAR when it does not."""
    if not sentence:
        return _FAR
    found = [i for n in names if n and (i := sentence.find(n)) >= 0]
    return min(found) if found else _FAR


# ---------------------------------------------------------------- adapters

_BASIS_ORDER = {"GB/T 2260": 0, "name": 1, "text": 2}


def _up(g: "nx.MultiDiGraph", n: str) -> str | None:
    """The node containing `n`: by codes first, then by name, then as a text says."""
    ups = sorted(((_BASIS_ORDER.get(d.get("basis"), 3), v) for _, v, d in g.out_edges(n, data=True)
                  if d.get("relation") == "located_in"))
    return ups[0][1] if ups else None


def division_of(g: "nx.MultiDiGraph", n: str) -> str | None:
    """The GB/T 2260 code of the smallest division at county level or above holding node `n`."""
    seen = set()
    while n is not None and n not in seen:
        seen.add(n)
        d = g.nodes[n]
        if d.get("code") and d.get("level") in LEVELS:
            return d["code"]
        if d.get("code") and d.get("chain"):  # a township: its county
            return d["chain"][0]
        if d.get("division"):
            return d["division"]
        n = _up(g, n)
    return None





def graph_visits(g) -> list[Visit]:
    """The `visited` edges of a kg networkx graph as Visits (`ref` is the edge's (u, v, key))."""
    out = []
    seen_div: dict = {}
    for seq, (u, v, k, d) in enumerate(sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))):
        if d.get("relation") != "visited" or d.get("file") is None or d.get("article") is None:
            continue
        n = g.nodes[v]
        if v not in seen_div:
            code = division_of(g, v)
            seen_div[v] = division_node_id(code) if code else None
        names = [n.get("label")] + list(n.get("aliases") or [])
        out.append(Visit(u, v, d.get("role"), str(d["file"]), int(d["article"]), _opt_int(d.get("start")),
                         _opt_int(d.get("end")), d.get("evidence"), _position(d.get("evidence"), names), seq,
                         n.get("type"), d.get("iso_date") or None, d.get("date_end") or None, seen_div[v],
                         bool(n.get("code")) and n.get("level") in LEVELS, (u, v, k),
                         _forms(g.nodes[u])))
    return out


def from_graph(g) -> list[Trip]:
    """The trips of a kg networkx graph (its `visited` edges; divisions by `division_of`)."""
    return group(graph_visits(g))


def from_facts(facts) -> list[Trip]:
    """The trips of kg.relations' `visited` facts, before resolution: ids are "Type:name", and a
    place is a division when the national list knows its name as one (county level or above)."""
    from . import gazetteer

    gaz = gazetteer.load()
    out = []
    for seq, f in enumerate(facts):
        if f.relation != "visited" or f.evidence is None:
            continue
        typ, name = f.object
        divs = list({x.division.code: x.division for x in gaz.lookup(name)}.values()) if typ == "Place" else []
        div = divs[0] if len(divs) == 1 and divs[0].level in LEVELS else None
        ev = f.evidence
        out.append(Visit(f"{f.subject[0]}:{f.subject[1]}", f"{typ}:{name}", f.role, _file(ev.source), ev.article,
                         ev.start, ev.end, ev.sentence, _position(ev.sentence, [name]), seq, typ, f.iso_date,
                         getattr(f, "date_end", None), None, div is not None, f, (f.subject[1],)))
    return group(out)


def row_visits(rows) -> list[Visit]:
    """kg.tables.visit_rows as Visits (`ref` is the row)."""
    out = []
    for seq, r in enumerate(rows):
        if r.get("source") is None or r.get("article") is None:
            continue
        code = r.get("division_code")
        out.append(Visit(r["official_id"], r["target_id"], r.get("role"), str(r["source"]), int(r["article"]),
                         _opt_int(r.get("evidence_start")), _opt_int(r.get("evidence_end")), r.get("evidence"),
                         _position(r.get("evidence"), [r.get("target")]), seq, r.get("target_type"),
                         r.get("iso_date"), r.get("date_end"), division_node_id(code) if code else None,
                         r.get("target_id") == division_node_id(code) if code else False, r,
                         (r.get("official") or "",)))
    return out


def of_rows(rows) -> list[Trip]:
    """The trips of visit rows (kg.tables.visit_rows); the rows are the Visits' `ref`."""
    return group(row_visits(rows))


def _forms(node: dict) -> tuple[str, ...]:
    return tuple(x for x in [node.get("label")] + list(node.get("aliases") or []) if x)


def _opt_int(x) -> int | None:
    return int(x) if x not in (None, "") else None
