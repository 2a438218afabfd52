"""The questions researchers ask again and again, as SPARQL over the graph: the twins of
`kg visits`, `kg trips`, `kg officials`, `kg places` and `kg projects`.

    from kg import queries, store
    s = store.open_graph("out/")                         # or kg.endpoint.Endpoint(URL)
    queries.visits(s, place="青海", since="2024-12")     # list of dicts, stable order
    queries.trips(s, official=NAME)                      # journeys: leads, stops in order, dates
    queries.officials(s)                                 # with counts of trips and posts

Every function takes a pyoxigraph Store or a kg.endpoint.Endpoint (anything
`kg.rdf.select` takes). Names and filters from the user reach the query only
as escaped literals (kg.rdf.sparql_literal); dates are checked against a
pattern first; roles are looked up, so no input can become query text.
"""
from __future__ import annotations

import re

from .rdf import CLASSES, ROLES, select, sparql_iri, sparql_literal

VISIT_FIELDS = ("official", "target", "target_type", "date", "role", "evidence", "source",
                "date_written", "start", "end")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TYPES = ", ".join(f"<{iri}>" for iri in CLASSES.values())


def check_date(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, else ValueError."""
    m = _DATE.match(text.strip())
    if not m or (m[2] and not 1 <= int(m[2]) <= 12) or (m[3] and not 1 <= int(m[3]) <= 31):
        raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return m[0]


def _code_prefix(code: str) -> str:
    """What the codes of everything inside a division start with: 630000 → 63, 632600 → 6326."""
    if len(code) != 6:
        return code
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def _names(name: str) -> str:
    """A group matching ?w by its label or another form of its name."""
    lit = sparql_literal(name.strip(), "zh")
    return f"{{ ?w rdfs:label {lit} }} UNION {{ ?w skos:altLabel {lit} }}"


def place_codes(store, place: str) -> list[str]:
    """Division-code prefixes for a place name: from the graph's places of that name, or, when the
    graph has none, from the national division list (青海 → 63 even where no node is 青海省)."""
    rows = select(store, "SELECT DISTINCT ?w ?code WHERE { %s OPTIONAL { ?w kgv:gbCode ?code } }" % _names(place))
    if rows:
        codes = {r["code"] for r in rows if r["code"]}
    else:
        from . import gazetteer

        codes = {f.division.code for f in gazetteer.load().lookup(place.strip())}
    return sorted({_code_prefix(c) for c in codes if c.isdigit()})


def _date_test(var: str, bound: str, op: str) -> str:
    """Compare an ISO date with a bound at the coarser of the two precisions (2024-12 ≥ 2024-12-15)."""
    n = len(bound)
    k = f"IF(STRLEN({var}) < {n}, STRLEN({var}), {n})"
    return f"SUBSTR({var}, 1, {k}) {op} SUBSTR({sparql_literal(bound)}, 1, {k})"


# One row per visit, whatever the store holds twice (a graph loaded into two named graphs of a
# union default graph): MIN picks the same value every time, and no row product can outgrow a
# server's result limit.
_VISIT_DETAIL = """
SELECT ?v (MIN(?official_) AS ?official) (MIN(?target_) AS ?target) (MIN(?class_) AS ?class)
       (MIN(?iso_) AS ?iso) (MIN(?written_) AS ?written) (MIN(?r_) AS ?r) (MIN(?evidence_) AS ?evidence)
       (MIN(?source_) AS ?source) (MIN(?start_) AS ?start) (MIN(?end_) AS ?end) WHERE {
  VALUES ?v { %s }
  ?v kgv:visitor ?o ; kgv:target ?t .
  ?o rdfs:label ?official_ . ?t rdfs:label ?target_ .
  OPTIONAL { ?t a ?class_ . FILTER(?class_ IN (%s)) }
  OPTIONAL { ?v kgv:role ?r_ }
  OPTIONAL { ?v kgv:date ?iso_ }
  OPTIONAL { ?v kgv:dateWritten ?written_ }
  OPTIONAL { ?v kgv:evidence ?e . ?e kgv:text ?evidence_ .
             OPTIONAL { ?e kgv:startOffset ?start_ } OPTIONAL { ?e kgv:endOffset ?end_ } }
  OPTIONAL { ?v prov:wasDerivedFrom ?a . ?a kgv:sourceFile ?source_ }
} GROUP BY ?v"""
_BATCH = 1000  # visits per detail query: query texts of ~100 kB, fine for any server


def visit_ids(store, official: str | None = None, place: str | None = None, since: str | None = None,
              until: str | None = None, role: str | None = None, undated: bool = False) -> list[str]:
    """The IRIs of the visits that pass the filters (see `visits`).

    Oxigraph joins in the order written, so the most selective pattern comes first: an
    official's name (then each of the few visits walks up kgv:locatedIn to the place), else
    the place (everything inside it, gathered once, then the visits to those), else every visit."""
    first, then = [], []
    inside = _inside(store, place) if place is not None else None
    if official is not None:
        lit = sparql_literal(official.strip(), "zh")
        first.append(f"{{ ?o rdfs:label {lit} }} UNION {{ ?o skos:altLabel {lit} }} ?v kgv:visitor ?o .")
        if place is not None:
            then.append(f"?v kgv:target ?t . ?t kgv:locatedIn* ?w . {inside}")
    elif place is not None:
        first.append(f"{{ SELECT DISTINCT ?t WHERE {{ {{ SELECT DISTINCT ?w WHERE {{ {inside} }} }} "
                     "?t kgv:locatedIn* ?w } } ?v kgv:target ?t . ?v a kgv:Visit .")
    else:
        first.append("?v a kgv:Visit .")
    if role is not None:
        if role not in ROLES:
            raise ValueError(f"{role!r} is not a role ({' or '.join(ROLES)})")
        first.append(f"?v kgv:role <{ROLES[role]}> .")
    if since or until:
        tests = ([_date_test("?day", check_date(since), ">=")] if since else []) + (
            [_date_test("?day", check_date(until), "<=")] if until else [])
        if undated:
            first.append("OPTIONAL { ?v kgv:date ?when } BIND(STR(?when) AS ?day)")
            first.append(f"FILTER(!BOUND(?when) || ({' && '.join(tests)}))")
        else:
            first.append("?v kgv:date ?when . BIND(STR(?when) AS ?day)")
            first.append(f"FILTER({' && '.join(tests)})")
    rows = select(store, "SELECT DISTINCT ?v WHERE {\n  %s\n}" % "\n  ".join(first + then))
    return [r["v"] for r in rows]


def visits(store, official: str | None = None, place: str | None = None, since: str | None = None,
           until: str | None = None, role: str | None = None, undated: bool = False) -> list[dict]:
    """Who visited where: one dict per visit (VISIT_FIELDS), ordered by official, source and position.

    `official` and `place` match any form of a name (label or altLabel); `place` takes in
    everything inside it, by division code and by kgv:locatedIn. `since` and `until`
    (YYYY, YYYY-MM, YYYY-MM-DD) bound the visit's resolved date, leaving out visits
    without one unless `undated`. `date` is the resolved ISO date where there is one, else the
    date as written. When nothing passes, `why_empty` says which name or filter removed what.
    """
    ids = sorted(visit_ids(store, official=official, place=place, since=since, until=until, role=role,
                           undated=undated))
    found = {}
    for i in range(0, len(ids), _BATCH):
        values = " ".join(sparql_iri(v) for v in ids[i:i + _BATCH])
        for r in select(store, _VISIT_DETAIL % (values, _TYPES)):
            found[r["v"]] = r
    out = [{
        "official": r["official"],
        "target": r["target"],
        "target_type": _local(r["class"]),
        "date": r["iso"] or r["written"],
        "role": _local(r["r"]),
        "evidence": r["evidence"],
        "source": r["source"],
        "date_written": r["written"],
        "start": _int(r["start"]),
        "end": _int(r["end"]),
        "_v": r["v"],
    } for r in found.values()]
    out.sort(key=lambda r: (r["official"], r["source"] or "", r["start"] if r["start"] is not None else -1,
                            r["target"], r["_v"]))
    for r in out:
        del r["_v"]
    return out


# ---------------------------------------------------------------- trips

TRIP_FIELDS = ("lead", "accompanying", "places", "stops", "stop_types", "start", "end", "source", "article",
               "evidence", "trip")
_TRIP_OF = {"lead": "kgv:ledBy", "accompanying": "kgv:accompaniedBy", None: "kgv:ledBy|kgv:accompaniedBy"}


def trip_ids(store, official: str | None = None, place: str | None = None, since: str | None = None,
             until: str | None = None, role: str | None = None, undated: bool = False) -> list[str]:
    """The IRIs of the trips that pass the filters (see `trips`), the most selective pattern first."""
    if role not in _TRIP_OF:
        raise ValueError(f"{role!r} is not a role ({' or '.join(ROLES)})")
    if role is not None and official is None:
        raise ValueError("--role says how --official took part in a trip: give --official too")
    first, then = [], []
    where = "(kgv:stop/kgv:target)|kgv:place"  # a trip is at its stops and in its divisions
    inside = _inside(store, place) if place is not None else None
    if official is not None:
        lit = sparql_literal(official.strip(), "zh")
        first.append(f"{{ ?o rdfs:label {lit} }} UNION {{ ?o skos:altLabel {lit} }} ?trip {_TRIP_OF[role]} ?o .")
        if place is not None:
            then.append(f"?trip {where} ?t . ?t kgv:locatedIn* ?w . {inside}")
    elif place is not None:
        first.append(f"{{ SELECT DISTINCT ?t WHERE {{ {{ SELECT DISTINCT ?w WHERE {{ {inside} }} }} "
                     f"?t kgv:locatedIn* ?w }} }} ?trip {where} ?t . ?trip a kgv:Trip .")
    else:
        first.append("?trip a kgv:Trip .")
    if since or until:  # the trip's span meets the bounds: it ends on or after since, starts on or before until
        tests = ([_date_test("?last", check_date(since), ">=")] if since else []) + (
            [_date_test("?first", check_date(until), "<=")] if until else [])
        dates = "?trip kgv:startDate ?s ; kgv:endDate ?e . BIND(STR(?s) AS ?first) BIND(STR(?e) AS ?last)"
        if undated:
            first.append(f"OPTIONAL {{ {dates} }}")
            first.append(f"FILTER(!BOUND(?s) || ({' && '.join(tests)}))")
        else:
            first.append(dates)
            first.append(f"FILTER({' && '.join(tests)})")
    rows = select(store, "SELECT DISTINCT ?trip WHERE {\n  %s\n}" % "\n  ".join(first + then))
    return [r["trip"] for r in rows]


_TRIP_DETAIL = """
SELECT ?trip (MIN(?start_) AS ?start) (MIN(?end_) AS ?end) (MIN(?source_) AS ?source)
       (MIN(?index_) AS ?index) WHERE {
  VALUES ?trip { %s }
  ?trip a kgv:Trip .
  OPTIONAL { ?trip kgv:startDate ?start_ } OPTIONAL { ?trip kgv:endDate ?end_ }
  OPTIONAL { ?trip prov:wasDerivedFrom ?a . ?a kgv:sourceFile ?source_ . OPTIONAL { ?a kgv:articleIndex ?index_ } }
} GROUP BY ?trip"""
# Officials in the order the text first names them in the trip's visits.
_TRIP_OFFICIALS = """
SELECT ?trip ?o ?name ?role (MIN(?at_) AS ?at) WHERE {
  VALUES ?trip { %s }
  { ?trip kgv:ledBy ?o BIND("lead" AS ?role) } UNION { ?trip kgv:accompaniedBy ?o BIND("accompanying" AS ?role) }
  ?o rdfs:label ?name .
  OPTIONAL { ?trip kgv:part ?v . ?v kgv:visitor ?o ; kgv:evidence/kgv:startOffset ?at_ }
} GROUP BY ?trip ?o ?name ?role"""
# Divisions in the order the text first reaches them (within a sentence by where it names them, else by code).
_TRIP_PLACES = """
SELECT ?trip ?p ?name (MIN(?code_) AS ?code) (MIN(?at_) AS ?at) WHERE {
  VALUES ?trip { %s }
  ?trip kgv:place ?p . ?p rdfs:label ?name .
  OPTIONAL { ?p kgv:gbCode ?code_ }
  OPTIONAL { ?trip kgv:part ?v . ?v kgv:target/kgv:locatedIn* ?p ; kgv:evidence/kgv:startOffset ?at_ }
} GROUP BY ?trip ?p ?name"""
_TRIP_STOPS = """
SELECT DISTINCT ?trip ?n ?t ?name ?class WHERE {
  VALUES ?trip { %s }
  ?trip kgv:stop ?s . ?s kgv:order ?n ; kgv:target ?t . ?t rdfs:label ?name .
  OPTIONAL { ?t a ?class . FILTER(?class IN (%s)) }
}"""
_TRIP_EVIDENCE = """
SELECT DISTINCT ?trip ?text ?at WHERE {
  VALUES ?trip { %s }
  ?trip kgv:evidence ?e . ?e kgv:text ?text ; kgv:startOffset ?at .
}"""


def trips(store, official: str | None = None, place: str | None = None, since: str | None = None,
          until: str | None = None, role: str | None = None, undated: bool = False) -> list[dict]:
    """Trips (kg.trips, kgv:Trip): one dict per trip (TRIP_FIELDS), dated ones first by date, then
    by source and article. `lead`, `accompanying`, `places` and `evidence` are lists in text order,
    `stops` the stops' names in the trip's order (`stop_types` their classes).

    `official` takes the trips an official led or accompanied (`role` lead | accompanying: only
    those); `place` the trips with a stop or division at or inside the place (as `visits`);
    `since`/`until` the trips whose span meets the bounds, leaving out undated ones unless
    `undated`. When nothing passes, `why_empty_trips` says why."""
    ids = sorted(trip_ids(store, official=official, place=place, since=since, until=until, role=role,
                          undated=undated))
    out: dict[str, dict] = {}
    for i in range(0, len(ids), _BATCH):
        values = " ".join(sparql_iri(t) for t in ids[i:i + _BATCH])
        for r in select(store, _TRIP_DETAIL % values):
            out[r["trip"]] = {"lead": [], "accompanying": [], "places": [], "stops": [], "stop_types": [],
                              "start": r["start"], "end": r["end"], "source": r["source"],
                              "article": _int(r["index"]), "evidence": [], "trip": r["trip"]}
        texts: dict = {}
        for r in select(store, _TRIP_EVIDENCE % values):
            texts.setdefault(r["trip"], {})[int(r["at"])] = r["text"]
        for t, found in texts.items():
            out[t]["evidence"] = [found[at] for at in sorted(found)]

        def at(t, offset, name):
            """Where the text first names it: the first evidence sentence that does and the position
            in it (a sentence may state one visit for two officials), else its own first visit."""
            for o, text in sorted(texts.get(t, {}).items()):
                if (i := text.find(name)) >= 0:
                    return (0, o, i)
            offset = _int(offset)
            return (1, offset if offset is not None else 1 << 30, 0)

        people: dict = {}
        for r in select(store, _TRIP_OFFICIALS % values):
            people.setdefault((r["trip"], r["role"]), {})[r["o"]] = (at(r["trip"], r["at"], r["name"]), r["name"])
        for (t, role_), found in people.items():
            out[t]["lead" if role_ == "lead" else "accompanying"] = [n for _, n in sorted(found.values())]
        places_: dict = {}
        for r in select(store, _TRIP_PLACES % values):
            offset = _int(r["at"])  # the first visit reaching it, then where that sentence names it, then code
            i = texts.get(r["trip"], {}).get(offset, "").find(r["name"]) if offset is not None else -1
            key = (offset is None, offset or 0, i if i >= 0 else 1 << 30)
            places_.setdefault(r["trip"], {})[r["p"]] = (key, r["code"] or "", r["name"])
        for t, found in places_.items():
            out[t]["places"] = [v[-1] for v in sorted(found.values())]
        stops: dict = {}
        for r in select(store, _TRIP_STOPS % (values, _TYPES)):
            stops.setdefault(r["trip"], {})[int(r["n"])] = (r["name"], _local(r["class"]))
        for t, found in stops.items():
            out[t]["stops"] = [found[n][0] for n in sorted(found)]
            out[t]["stop_types"] = [found[n][1] for n in sorted(found)]
    rows = [out[t] for t in ids if t in out]
    rows.sort(key=lambda r: (r["start"] is None, r["start"] or "", r["source"] or "",
                             r["article"] if r["article"] is not None else -1, r["lead"], r["trip"]))
    return rows


def why_empty_trips(store, where: str, official: str | None = None, place: str | None = None,
                    since: str | None = None, until: str | None = None, role: str | None = None,
                    undated: bool = False) -> str:
    """One line on why `trips` with these filters found nothing (as `why_empty` for visits)."""
    if official is not None and (msg := missing_name(store, "Official", official, where)):
        return msg
    if place is not None and (msg := missing_name(store, "Place", place, where)):
        return msg
    base = trip_ids(store, official=official, place=place)
    who = " ".join(x for x in (official and f"with {official.strip()}", place and f"to {place.strip()}") if x)
    if not base:
        if official is not None and not trip_ids(store, official=official) and visit_ids(store, official=official):
            return (f"{official.strip()} leads no trip and accompanies none in {where}: "
                    "a trip is a lead official's (kg visits lists every visit)")
        return f"no trip {who} in {where}" if who else f"no trip in {where}"
    parts = _date_reasons(lambda **kw: trip_ids(store, official=official, place=place, **kw), "trip", base,
                          since, until, undated)
    if role is not None:
        n = len(set(base) - set(trip_ids(store, official=official, place=place, role=role)))
        if n:
            parts.append(f"{official.strip()} is not {'the lead' if role == 'lead' else 'accompanying'} "
                         f"in {n} of them")
    scope = f"{len(base)} trip{'s' if len(base) > 1 else ''} {who}".strip()
    return f"none of the {scope} in {where} pass the filters: " + "; ".join(parts) if parts else \
        f"no trip passes the filters in {where}"


def _local(iri: str | None) -> str | None:
    return iri.rpartition("#")[2] if iri else None


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _per(store, var: str, where: str, value: str) -> dict:
    """{?var: value} from one grouped query; `value` is an aggregate such as COUNT(DISTINCT ?v).

    Each count is its own plain GROUP BY, joined and sorted here: the queries stay simple
    enough for any SPARQL server, and the order is Python's, the same on every store."""
    rows = select(store, f"SELECT ?{var} ({value} AS ?x) WHERE {{ {where} }} GROUP BY ?{var}")
    return {r[var]: r["x"] for r in rows}


def _many(store, var: str, where: str, value: str) -> dict:
    """{?var: sorted distinct values of ?value} (titles, places): sorted here, so output is deterministic."""
    out: dict = {}
    for r in select(store, f"SELECT DISTINCT ?{var} ?{value} WHERE {{ {where} }}"):
        out.setdefault(r[var], set()).add(r[value])
    return {k: "、".join(sorted(v)) for k, v in out.items()}


def _listing(rows: list[dict], key: str, counts: dict, order: tuple[str, ...], label: str,
             limit: int | None) -> list[dict]:
    for r in rows:
        for name, per in counts.items():
            r[name] = _int(per.get(r[key])) or 0
    rows.sort(key=lambda r: (*(-r[o] for o in order), r[label], r[key]))
    rows = rows[:limit] if limit is not None else rows
    for r in rows:
        del r[key]
    return rows


def officials(store, limit: int | None = None) -> list[dict]:
    """Officials with their titles, the trips (kgv:Trip) they took part in and how many they led,
    their posts and the articles naming them; most trips first. Trips, not visit statements: an
    article naming five sites of one journey counts once."""
    rows = select(store, "SELECT DISTINCT ?o ?official WHERE { ?o a kgv:Official ; rdfs:label ?official }")
    titles = _many(store, "o", "?o a kgv:Official ; kgv:title ?title", "title")
    for r in rows:
        r["titles"] = titles.get(r["o"], "")
    counts = {
        "trips": _per(store, "o", "?t kgv:ledBy|kgv:accompaniedBy ?o", "COUNT(DISTINCT ?t)"),
        "led": _per(store, "o", "?t kgv:ledBy ?o", "COUNT(DISTINCT ?t)"),
        "posts": _per(store, "o", "?o a kgv:Official ; org:holds ?p", "COUNT(DISTINCT ?p)"),
        "articles": _per(store, "o", "?o a kgv:Official ; kgv:mentionedIn ?a", "COUNT(DISTINCT ?a)"),
    }
    return _listing(rows, "o", counts, ("trips", "led", "articles"), "official", limit)


def places(store, limit: int | None = None) -> list[dict]:
    """Places with the trips that went there (a stop or a division of the trip), directly and
    counting everything inside them (by kgv:locatedIn), and the articles naming them; most trips first."""
    rows = select(store, """SELECT DISTINCT ?p ?place ?code ?level WHERE { ?p a kgv:Place ; rdfs:label ?place .
        OPTIONAL { ?p kgv:gbCode ?code } OPTIONAL { ?p kgv:divisionLevel ?level } }""")
    counts = {
        "trips": _per(store, "p", "?t a kgv:Trip ; (kgv:stop/kgv:target)|kgv:place ?p", "COUNT(DISTINCT ?t)"),
        "within": _per(store, "p", "?t a kgv:Trip ; (kgv:stop/kgv:target)|kgv:place ?x . ?x kgv:locatedIn* ?p",
                       "COUNT(DISTINCT ?t)"),
        "articles": _per(store, "p", "?p a kgv:Place ; kgv:mentionedIn ?a", "COUNT(DISTINCT ?a)"),
    }
    return _listing(rows, "p", counts, ("within", "trips", "articles"), "place", limit)


def projects(store, limit: int | None = None) -> list[dict]:
    """Projects with where they are, the visits they received and the articles naming them."""
    rows = select(store, "SELECT DISTINCT ?j ?project WHERE { ?j a kgv:Project ; rdfs:label ?project }")
    where = _many(store, "j", "?j a kgv:Project ; kgv:locatedIn/rdfs:label ?place", "place")
    for r in rows:
        r["place"] = where.get(r["j"], "")
    counts = {
        "visits": _per(store, "j", "?v a kgv:Visit ; kgv:target ?j", "COUNT(DISTINCT ?v)"),
        "articles": _per(store, "j", "?j a kgv:Project ; kgv:mentionedIn ?a", "COUNT(DISTINCT ?a)"),
    }
    return _listing(rows, "j", counts, ("visits", "articles"), "project", limit)


# ---------------------------------------------------------------- why an answer is empty


def names_of(store, kind: str) -> list[str]:
    """Every form (label and altLabel) of the nodes of a class (Official, Place …), sorted."""
    rows = select(store, "SELECT DISTINCT ?n WHERE { ?w a <%s> . { ?w rdfs:label ?n } UNION "
                  "{ ?w skos:altLabel ?n } }" % CLASSES[kind])
    return sorted({r["n"] for r in rows})


def closest(name: str, names: list[str], n: int = 3) -> list[str]:
    """The forms nearest to a name, for "did you mean": close spellings first, else names sharing a character."""
    import difflib

    near = difflib.get_close_matches(name, names, n=n, cutoff=0.4)
    if not near:
        near = sorted((x for x in names if set(x) & set(name)), key=lambda x: (-len(set(x) & set(name)), x))[:n]
    return near


def _holds(store, kind: str, name: str) -> bool:
    lit = sparql_literal(name.strip(), "zh")
    rows = select(store, "ASK { ?w a <%s> . { ?w rdfs:label %s } UNION { ?w skos:altLabel %s } }"
                  % (CLASSES[kind], lit, lit))
    return rows[0]["result"] == "true"


def missing_name(store, kind: str, name: str, where: str) -> str | None:
    """'no official named X in WHERE (closest: …)' when the graph has no such node, else None.
    A place the graph has no node for still counts when the division list knows it (青海)."""
    if _holds(store, kind, name) or kind == "Place" and place_codes(store, name):
        return None
    near = closest(name.strip(), names_of(store, kind))
    hint = f" (closest: {'、'.join(near)})" if near else ""
    return f"no {kind.lower()} named {name.strip()} in {where}{hint}"


def why_empty(store, where: str, official: str | None = None, place: str | None = None,
              since: str | None = None, until: str | None = None, role: str | None = None,
              undated: bool = False) -> str:
    """One line on why `visits` with these filters found nothing: a name the graph lacks, or
    what each filter removed ("23 visits have no resolved date; --undated keeps them")."""
    if official is not None and (msg := missing_name(store, "Official", official, where)):
        return msg
    if place is not None and (msg := missing_name(store, "Place", place, where)):
        return msg
    base = visit_ids(store, official=official, place=place)
    who = " ".join(x for x in (official and f"by {official.strip()}", place and f"to {place.strip()}") if x)
    if not base:
        return f"no visit {who} in {where}".replace("  ", " ") if who else f"no visit in {where}"
    parts = _date_reasons(lambda **kw: visit_ids(store, official=official, place=place, **kw), "visit", base,
                          since, until, undated)
    if role is not None:
        n = len(set(base) - set(visit_ids(store, official=official, place=place, role=role)))
        if n:
            parts.append(f"{n} visit{'s are' if n > 1 else ' is'} not in the role {role}")
    scope = f"{len(base)} visit{'s' if len(base) > 1 else ''} {who}".strip()
    return f"none of the {scope} in {where} pass the filters: " + "; ".join(parts) if parts else \
        f"no visit passes the filters in {where}"


def _date_reasons(ids, noun: str, base, since, until, undated: bool) -> list[str]:
    """Why --since/--until left none of `base` (trip or visit ids; `ids(since=…, until=…)` queries
    them): how many have no resolved date, how many dated ones fall outside."""
    if not (since or until):
        return []
    parts = []
    dated = set(ids(since="0000"))
    undated_n = len(set(base) - dated)
    inside = set(ids(since=since, until=until))
    if undated_n and not undated:
        parts.append(f"{undated_n} {noun}{'s have' if undated_n > 1 else ' has'} no resolved date; --undated keeps them")
    if n := len(dated - inside):
        parts.append(f"{n} dated {noun}{'s fall' if n > 1 else ' falls'} outside "
                     + " and ".join(x for x in (since and f"--since {since}", until and f"--until {until}") if x))
    return parts


def _inside(store, place: str) -> str:
    """A SPARQL pattern binding ?w to the place named and, by their codes, the divisions inside it."""
    inside = _names(place)
    prefixes = place_codes(store, place)
    if prefixes:
        tests = " || ".join(f"STRSTARTS(?code, {sparql_literal(p)})" for p in prefixes)
        inside += f" UNION {{ ?w kgv:gbCode ?code . FILTER({tests}) }}"
    return inside
