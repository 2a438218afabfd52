"""The `kg` command: parses arguments, calls the library, prints."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from .atomic import atomic_write


def _show(rec: dict) -> None:
    click.echo(f"== {rec['file']}")
    for e in rec["entities"]:
        if e["type"] == "Official":
            click.echo(f"  官员 {e['name']}  {'、'.join(e['titles'])}")
    places = [e["name"] for e in rec["entities"] if e["type"] == "Place"]
    click.echo(f"  地点 {'、'.join(places)}")


def _use_model(ctx, param, value):
    """--model DIR: the recognizer for this run and its workers ("rules": the rules alone)."""
    if value is not None:
        from . import pipeline

        try:
            pipeline.use_model(value)
        except pipeline.ModelError as e:
            raise click.BadParameter(str(e))
    return value


def _published(ctx, param, value):
    from .dates import check_published

    try:
        return check_published(value)
    except ValueError as e:
        raise click.BadParameter(str(e))


_PUBLISHED = click.option("--published", default=None, metavar="YYYY-MM-DD", callback=_published,
                          help="publication date of every input page, which visit dates resolve against "
                               "[default: from the file name, the JSONL record or the masthead]")

_MODEL = click.option("--model", default=None, metavar="DIR", callback=_use_model, expose_value=False,
                      help="a model made by `kg train` (default: the shipped one; \"rules\": rules only)")


NOTHING, USAGE = 1, 2  # exit codes besides 0 (see `kg --help`)


class Fail(click.ClickException):
    """One line on stderr, `kg: …`, and the exit code of its kind (see `kg --help`)."""

    def __init__(self, message: str, code: int = USAGE):
        super().__init__(" ".join(str(message).split()))
        self.exit_code = code

    def show(self, file=None):
        click.echo(f"kg: {self.format_message()}", err=True)


def _stdout(path) -> bool:
    """`-o -`: standard output."""
    return str(path) == "-"


@click.group(epilog="""\b
Exit codes:
  0  found: the query answered, every input page was read
  1  nothing found: no row answers the query (stderr says why), or some
     input pages failed (the others' results are written)
  2  usage or input error: bad option, unreadable graph or store, bad
     SPARQL, no input page readable (no output is replaced)
`-o -` writes to standard output.""")
@click.version_option(package_name="kg")
def main():
    """Knowledge graphs from Chinese provincial newspaper pages."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="JSONL file to write (-: stdout)")
@click.option("--show", is_flag=True, help="also print the officials with their titles and the places")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=0), help="tagging processes (0: one per core)")
@click.option("--progress/--no-progress", default=True, help="progress bar on stderr when it is a terminal")
@_PUBLISHED
@_MODEL
def extract(paths, output, show, jobs, progress, published):
    """Entities (and visits) per input file or JSONL record (.jsonl, .jsonl.gz), one JSON line each."""
    # imported here, not at the top: spaCy takes seconds to import, and the query commands need none of it
    from . import extraction as ex

    from .errors import NothingRead

    failures, n = [], 0
    try:
        with _output(output) as fh:
            for rec in ex.iter_records(paths, jobs=jobs, progress=progress, published=published):
                if isinstance(rec, ex.Failure):
                    failures.append(rec)
                    if n:  # until a page is read, a failure may be all there is: one line then
                        click.echo(f"kg: {rec}", err=True)
                    continue
                if n == 0:
                    for f in failures:
                        click.echo(f"kg: {f}", err=True)
                fh.write(ex.dumps(rec) + "\n")
                n += 1
                if show:
                    _show(rec)
            if n == 0:  # leaves the previous output file as it was
                raise NothingRead(paths, failures)
    except NothingRead as e:
        raise Fail(f"{e}; {'nothing written' if _stdout(output) else output + ' left as it was'}")
    except OSError as e:
        raise Fail(f"{e.filename}: {e.strerror}" if e.filename else str(e))
    click.echo(f"kg: {n} files extracted, {len(failures)} failed", err=True)
    sys.exit(NOTHING if failures else 0)


@contextmanager
def _output(path):
    """A text file written atomically, or standard output for `-`."""
    if _stdout(path):
        yield click.get_text_stream("stdout")
    else:
        with atomic_write(path) as fh:
            yield fh


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="folder to write (-: the graph as Turtle on stdout, nothing else)")
@click.option("--region", default=None, help="home region of the paper (name or code); read from the text if omitted")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=0), help="tagging processes (0: one per core)")
@click.option("--dask", "dask", default=None, metavar="tcp://HOST:PORT", help="tag on the workers of this Dask scheduler")
@click.option("--cache", "cache_dir", default=None, type=click.Path(file_okay=False), help="tagged-page cache [default: OUT/.cache]")
@click.option("--no-cache", is_flag=True, help="tag every page afresh and keep nothing")
@click.option("--progress/--no-progress", default=True, help="progress bar on stderr when it is a terminal")
@_PUBLISHED
@_MODEL
def build(paths, out_dir, region, jobs, dask, cache_dir, no_cache, progress, published):
    """The knowledge graph (pages, folders of pages, JSONL corpora): graph.ttl, graph.graphml, graph.json
    and extract.jsonl in OUT."""
    from . import build as b
    from . import rdf
    from .errors import NothingRead
    from .parallel import ClusterError

    to_stdout = _stdout(out_dir)
    cache = None if no_cache or to_stdout and not cache_dir else (cache_dir or True)
    try:
        result = b.run(paths, out_dir=None if to_stdout else out_dir, region=region, jobs=jobs, dask=dask,
                       cache=cache, progress=progress, published=published)
    except NothingRead as e:
        raise Fail(f"{e}; {'nothing written' if to_stdout else out_dir + ' left as it was'}")
    except ClusterError as e:
        raise Fail(str(e))
    except OSError as e:  # an output or cache folder that cannot be written
        raise Fail(f"{e.filename}: {e.strerror}" if e.filename else str(e))
    if to_stdout:
        click.get_text_stream("stdout").write(rdf.turtle(result.rdf))
    for f in result.failures:
        click.echo(f"kg: {f}", err=True)
    s = result.summary
    ents = ", ".join(f"{k} {v}" for k, v in s["entities"].items())
    click.echo(
        f"kg: {s['pages']} pages, {s['articles']} articles, {s['failures']} failed; "
        f"entities: {ents}; visits {s['visits']}; trips {s['trips']}; triples {s['triples']}; "
        f"pages tagged {s['tagged']}, from cache {s['cached']}",
        err=True,
    )
    sys.exit(NOTHING if result.failures else 0)


def _store(graph_dir, endpoint=None, graph_iri=None):
    """The server at `endpoint`, else DIR/store (or DIR/graph.ttl when there is no store)."""
    from . import store
    from .endpoint import Endpoint

    with _errors():
        if endpoint:
            return Endpoint(endpoint, graph_iri=graph_iri)
        return store.open_graph(graph_dir, graph_iri=graph_iri)


@contextmanager
def _errors():
    """Bad input, an unreachable store or a bad query: one line, exit 2, no traceback."""
    from .endpoint import EndpointError
    from .errors import InputError
    from .rdf import query_error

    try:
        yield
    except (InputError, EndpointError, ValueError) as e:
        raise Fail(str(e))
    except SyntaxError as e:
        raise Fail(query_error(e))


def _where(graph_dir, endpoint) -> str:
    """How messages name what was asked: the server's address or the graph folder."""
    return endpoint or (graph_dir if str(graph_dir).endswith("/") else f"{graph_dir}/")


def _nothing(message: str):
    """An empty answer: exit 1 with why, after the empty table/JSON/CSV was printed."""
    raise Fail(message, code=NOTHING)


def _date(ctx, param, value):
    from .queries import check_date

    try:
        return None if value is None else check_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e))


def _print_rows(rows: list[dict], fmt: str, columns=None) -> None:
    import csv
    import json

    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        cols = list(columns or (rows[0] if rows else []))
        w = csv.DictWriter(click.get_text_stream("stdout"), fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    else:
        from unicodedata import east_asian_width

        def width(s):
            return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

        from .rdf import readable_iri

        cols = list(columns or (rows[0] if rows else []))
        cells = [[("" if r[c] is None else readable_iri(str(r[c]))) for c in cols] for r in rows]
        widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(cols)]
        for row in [cols] + cells:
            click.echo("  ".join(v + " " * (w - width(v)) for v, w in zip(row, widths)).rstrip())


_GRAPH = click.option("--graph", "graph_dir", default="out", show_default=True, type=click.Path(file_okay=False),
                      help="folder made by `kg build`")
_ENDPOINT = click.option("--endpoint", default=None, metavar="URL",
                         help="a SPARQL endpoint to ask instead (Oxigraph: http://HOST:PORT/query)")
_GRAPH_IRI = click.option("--graph-iri", default=None, metavar="IRI",
                          help="ask this named graph only (default: the union of all graphs)")
_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
_LIMIT = click.option("--limit", type=click.IntRange(min=0), default=None, help="at most this many rows")
# Table columns of `kg visits`; JSON and CSV have every field (kg.queries.VISIT_FIELDS).
_VISIT_TABLE = ("official", "target", "target_type", "date", "role", "evidence", "source")
_EVIDENCE_WIDTH = 60


def _clip(text, width: int):
    from unicodedata import east_asian_width

    if text is None:
        return None
    used = 0
    for i, c in enumerate(text):
        used += 2 if east_asian_width(c) in "WF" else 1
        if used > width - 1:
            return text[:i] + "…"
    return text


@main.command()
@click.option("--official", default=None, help="an official (any form of the name)")
@click.option("--place", default=None, help="a place (any form of its name); includes what lies inside it")
@click.option("--since", default=None, metavar="DATE", callback=_date,
              help="visits on or after YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--until", default=None, metavar="DATE", callback=_date,
              help="visits on or before YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--undated", is_flag=True, help="with --since/--until, also keep the visits with no resolved date")
@click.option("--role", type=click.Choice(["lead", "accompanying"]), default=None)
@_GRAPH
@_ENDPOINT
@_GRAPH_IRI
@_FORMAT
def visits(official, place, since, until, undated, role, graph_dir, endpoint, graph_iri, fmt):
    """Who visited where, with date, role, evidence and source (exit 1, saying why, when none)."""
    from . import queries

    source = _store(graph_dir, endpoint, graph_iri)
    filters = dict(official=official, place=place, since=since, until=until, role=role, undated=undated)
    with _errors():
        rows = queries.visits(source, **filters)
        why = None if rows else queries.why_empty(source, _where(graph_dir, endpoint), **filters)
    if fmt == "table":
        rows = [{c: (_clip(r[c], _EVIDENCE_WIDTH) if c == "evidence" else r[c]) for c in _VISIT_TABLE} for r in rows]
    if rows or fmt != "table":
        _print_rows(rows, fmt, columns=_VISIT_TABLE if fmt == "table" else queries.VISIT_FIELDS)
    if why:
        _nothing(why)


# Table columns of `kg trips`; JSON has every field as lists, CSV joins them (kg.queries.TRIP_FIELDS).
_TRIP_TABLE = ("lead", "accompanying", "places", "stops", "start", "end", "source")
_STOPS_WIDTH = 70


def _trip_cells(row: dict, fmt: str) -> dict:
    """A trip's lists as one cell each: names joined with 、, stops with → in a table, sentences with a line break."""
    out = dict(row)
    for name in ("lead", "accompanying", "places", "stop_types"):
        out[name] = "、".join(x or "" for x in row[name])
    out["stops"] = (" → " if fmt == "table" else "、").join(row["stops"])
    out["evidence"] = "\n".join(row["evidence"])
    if fmt == "table":
        out["stops"] = _clip(out["stops"], _STOPS_WIDTH)
    return out


@main.command()
@click.option("--official", default=None, help="an official (any form of the name): the trips they led or accompanied")
@click.option("--place", default=None, help="a place (any form of its name): trips with a stop or division at or inside it")
@click.option("--since", default=None, metavar="DATE", callback=_date,
              help="trips ending on or after YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--until", default=None, metavar="DATE", callback=_date,
              help="trips starting on or before YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--undated", is_flag=True, help="with --since/--until, also keep the trips with no resolved date")
@click.option("--role", type=click.Choice(["lead", "accompanying"]), default=None,
              help="with --official: only the trips they led (lead) or accompanied")
@_GRAPH
@_ENDPOINT
@_GRAPH_IRI
@_FORMAT
def trips(official, place, since, until, undated, role, graph_dir, endpoint, graph_iri, fmt):
    """Trips: one lead official's (or a group's) journey per article, its stops in text order
    (exit 1, saying why, when none)."""
    from . import queries

    source = _store(graph_dir, endpoint, graph_iri)
    filters = dict(official=official, place=place, since=since, until=until, role=role, undated=undated)
    with _errors():  # --role without --official: one line, exit 2 (the library says why)
        rows = queries.trips(source, **filters)
        why = None if rows else queries.why_empty_trips(source, _where(graph_dir, endpoint), **filters)
    if fmt == "json":
        _print_rows(rows, fmt)
    elif rows or fmt == "csv":
        _print_rows([_trip_cells(r, fmt) for r in rows], fmt,
                    columns=_TRIP_TABLE if fmt == "table" else queries.TRIP_FIELDS)
    if why:
        _nothing(why)


@main.command()
@click.argument("sparql")
@_GRAPH
@_ENDPOINT
@_GRAPH_IRI
@_FORMAT
def query(sparql, graph_dir, endpoint, graph_iri, fmt):
    """Run a SPARQL query over the graph (prefixes kgv, kgr, org, prov, rdfs, skos predeclared)."""
    from . import rdf

    source = _store(graph_dir, endpoint, graph_iri)
    with _errors():
        rows = rdf.select(source, sparql)
    if rows or fmt != "table":
        _print_rows(rows, fmt)
    if not rows:
        _nothing(f"no row answers the query in {_where(graph_dir, endpoint)}")



def _listing_options(f):
    """The options every listing takes: where the graph is, which named graph, the format, the limit."""
    for option in (_LIMIT, _FORMAT, _GRAPH_IRI, _ENDPOINT, _GRAPH):
        f = option(f)
    return f


@main.command()
@_listing_options
def officials(graph_dir, endpoint, graph_iri, fmt, limit):
    """Officials with their titles, trips taken part in (and led), posts and articles; most trips first.

    Trips (see `kg trips`), not visit statements: an article naming five stops of one journey counts once."""
    _listing("officials", graph_dir, endpoint, graph_iri, fmt, limit, ("official", "titles", "trips", "led", "posts", "articles"))


@main.command()
@_listing_options
def places(graph_dir, endpoint, graph_iri, fmt, limit):
    """Places with their code, trips received (directly and inside them) and articles; most trips first.

    A trip (see `kg trips`) counts once for each place it stops at or lies in, however many sentences say so."""
    _listing("places", graph_dir, endpoint, graph_iri, fmt, limit, ("place", "code", "level", "trips", "within", "articles"))


@main.command()
@_listing_options
def projects(graph_dir, endpoint, graph_iri, fmt, limit):
    """Projects with where they are, visits received and articles."""
    _listing("projects", graph_dir, endpoint, graph_iri, fmt, limit, ("project", "place", "visits", "articles"))


def _listing(kind: str, graph_dir, endpoint, graph_iri, fmt, limit, columns) -> None:
    """Print one of kg.queries' listings (officials, places, projects)."""
    from . import queries

    source = _store(graph_dir, endpoint, graph_iri)
    with _errors():
        rows = getattr(queries, kind)(source, limit=limit)
    if rows or fmt != "table":
        _print_rows(rows, fmt, columns=columns)
    if not rows:
        _nothing(f"no {kind} in {_where(graph_dir, endpoint)}" + (" (--limit 0)" if limit == 0 else ""))


@main.command()
@click.argument("graph", type=click.Path(exists=True))
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol address (Oxigraph: http://HOST:PORT/store, Fuseki: …/DATASET/data)")
@click.option("--graph-iri", default=None, metavar="IRI", help="the named graph to fill (default: the default graph)")
@click.option("--chunk-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="triples per request")
@click.option("--replace", is_flag=True, help="empty the graph first (the first chunk is a PUT)")
def load(graph, endpoint, graph_iri, chunk_size, replace):
    """Send GRAPH (a `kg build` folder or a Turtle file) to a running triple store, in chunks."""
    from pathlib import Path

    from . import endpoint as ep

    ttl = Path(graph) / "graph.ttl" if Path(graph).is_dir() else Path(graph)
    shown = []  # a progress line on a terminal, ended before anything else is printed

    def progress(triples, chunks):
        if sys.stderr.isatty():
            click.echo(f"\rkg: {triples} triples sent in {chunks} chunks", err=True, nl=False)
            shown.append(chunks)

    with _errors():
        try:
            res = ep.load(ttl, endpoint, graph_iri=graph_iri, chunk_size=chunk_size, replace=replace,
                          progress=progress)
        finally:
            if shown:
                click.echo("", err=True)
    chunks = f"{res.chunks} chunk" + ("" if res.chunks == 1 else "s")
    click.echo(f"kg: loaded {res.triples} triples from {ttl} in {chunks} into {res.url}", err=True)


@main.command()
@click.argument("graph_dir", metavar="DIR")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write (-: stdout)")
@click.option("--all", "whole", is_flag=True, help="the whole graph (default: officials, what they visited, "
              "and the divisions containing it)")
def viz(graph_dir, output, whole):
    """One self-contained interactive HTML page of the graph in DIR (opens offline)."""
    from . import viz as pictures

    with _errors():
        shown = pictures.write_html(pictures.load(graph_dir), output, whole=whole)
    click.echo(f"kg: {shown['path']}: {shown['view']} view, {shown['nodes']} nodes, {shown['edges']} edges", err=True)


@main.command(name="map")
@_GRAPH
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="the map: FILE.png or FILE.svg")
@click.option("--visits", "count_visits", is_flag=True, help="shade by visits (statements) instead of trips")
@click.option("--official", default=None, help="one official's (any form of the name)")
@click.option("--role", type=click.Choice(["lead", "accompanying"]), default=None)
@click.option("--since", default=None, metavar="DATE", callback=_date, help="visits on or after YYYY[-MM[-DD]]")
@click.option("--until", default=None, metavar="DATE", callback=_date, help="visits on or before YYYY[-MM[-DD]]")
@click.option("--level", type=click.Choice(["province", "prefecture", "county"]), default=None,
              help="count at this level [default: each division the texts name]")
def map_(graph_dir, output, count_visits, official, role, since, until, level):
    """A map of the divisions visited, shaded by trips (or visits) received."""
    from pathlib import Path

    from . import boundaries, maps
    from . import viz as pictures
    from .fonts import FontError

    if Path(output).suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{output}: write a .png or .svg file", param_hint="-o")
    with _errors():
        try:
            g = pictures.load(graph_dir)
            fig = maps.draw(g, count="visits" if count_visits else "trips", level=level, official=official,
                            role=role, since=since, until=until, source=str(Path(graph_dir) / "graph.json"))
        except (boundaries.BoundaryError, FontError) as e:
            raise click.ClickException(str(e))
        except maps.MapError as e:
            raise click.ClickException(f"{Path(graph_dir) / 'graph.json'}: {e}")
        maps.save(fig, output)
    shown = ", ".join(f"{name} {n}" for (_, name), n in sorted(fig.kg["counts"].items()))
    click.echo(f"kg: {output}: {len(fig.kg['counts'])} divisions shaded ({shown})", err=True)


@main.command(name="export")
@_GRAPH
@click.option("--format", "formats", multiple=True, required=True,
              type=click.Choice(["gexf", "csv", "parquet", "stata"]), help="repeat for several")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="folder to write")
def export_(graph_dir, formats, out_dir):
    """Nodes, edges, visits and the visits panel as tables (CSV, Parquet, Stata), or GEXF for Gephi."""
    from . import export as ex
    from . import viz as pictures

    with _errors():
        try:
            names = ex.write(pictures.load(graph_dir), out_dir, formats)
        except ImportError as e:
            raise click.ClickException(f"{e.name} is needed for this format: pip install 'kg[notebook]'")
        except OSError as e:
            raise click.ClickException(f"{e.filename}: {e.strerror}" if e.filename else str(e))
    click.echo(f"kg: {out_dir}: {', '.join(names)}", err=True)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("text_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="folder for the model (OUT/model)")
@click.option("--config", "config_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="a spaCy config.cfg [default: the one kg's shipped model was made with]")
@click.pass_context
def train(ctx, gold_dir, text_dir, output, config_path):
    """Train the entity recognizer on pages annotated by the guideline (GOLD/NAME.json beside TEXT/NAME.txt).

    Extra options are spaCy config overrides: --training.max_steps 200.
    Then `kg extract --model OUT` uses it.
    """
    from spacy.cli._util import parse_config_overrides

    from . import train as t

    try:
        overrides = parse_config_overrides(list(ctx.args))
    except SystemExit:
        raise click.UsageError(f"config overrides must be --section.key value pairs: {' '.join(ctx.args)}")
    with _errors():
        try:
            path = t.train(gold_dir, text_dir, output, overrides=overrides, config=config_path or t.CONFIG,
                           log=lambda m: click.echo(m, err=True))
        except Exception as e:  # spaCy's config errors name the setting
            if type(e).__name__ != "ConfigValidationError":
                raise
            raise Fail(str(e))
    click.echo(f"kg: model in {path}; use it with --model {output}", err=True)


if __name__ == "__main__":
    main()
