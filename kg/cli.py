"""The `kg` command: parses arguments, calls the library, prints."""
from __future__ import annotations

import sys

import click

from . import extraction as ex
from .atomic import atomic_write


def _show(rec: dict) -> None:
    click.echo(f"== {rec['file']}")
    for e in rec["entities"]:
        if e["type"] == "Official":
            click.echo(f"  官员 {e['name']}  {'、'.join(e['titles'])}")
    places = [e["name"] for e in rec["entities"] if e["type"] == "Place"]
    click.echo(f"  地点 {'、'.join(places)}")


@click.group()
@click.version_option(package_name="kg")
def main():
    """Knowledge graphs from Chinese provincial newspaper pages."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="JSONL file to write")
@click.option("--show", is_flag=True, help="also print the officials with their titles and the places")
def extract(paths, output, show):
    """Entities (and visits) per input file, one JSON line each."""
    failures, n = [], 0
    with atomic_write(output) as fh:
        for rec in ex.iter_records(paths):
            if isinstance(rec, ex.Failure):
                failures.append(rec)
                click.echo(f"kg: {rec}", err=True)
                continue
            fh.write(ex.dumps(rec) + "\n")
            n += 1
            if show:
                _show(rec)
    click.echo(f"kg: {n} files extracted, {len(failures)} failed", err=True)
    sys.exit(1 if failures else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="folder to write")
@click.option("--region", default=None, help="home region of the paper (name or code); read from the text if omitted")
def build(paths, out_dir, region):
    """The knowledge graph: graph.ttl, graph.graphml, graph.json and extract.jsonl in OUT."""
    from . import build as b

    result = b.run(paths, out_dir=out_dir, region=region)
    for f in result.failures:
        click.echo(f"kg: {f}", err=True)
    s = result.summary
    ents = ", ".join(f"{k} {v}" for k, v in s["entities"].items())
    click.echo(
        f"kg: {s['pages']} pages, {s['articles']} articles, {s['failures']} failed; "
        f"entities: {ents}; visits {s['visits']}; triples {s['triples']}",
        err=True,
    )
    sys.exit(1 if result.failures else 0)


def _store(graph_dir):
    from pathlib import Path

    from . import rdf

    ttl = Path(graph_dir) / "graph.ttl"
    if not ttl.is_file():
        raise click.ClickException(f"{ttl}: no graph here (run `kg build … -o {graph_dir}` first)")
    return rdf.load_store(ttl)


def _print_rows(rows: list[dict], fmt: str) -> None:
    import csv
    import json

    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        cols = list(rows[0]) if rows else []
        w = csv.DictWriter(click.get_text_stream("stdout"), fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    else:
        from unicodedata import east_asian_width

        def width(s):
            return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

        cols = list(rows[0]) if rows else []
        cells = [[("" if r[c] is None else str(r[c])) for c in cols] for r in rows]
        widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(cols)]
        for row in [cols] + cells:
            click.echo("  ".join(v + " " * (w - width(v)) for v, w in zip(row, widths)).rstrip())


@main.command()
@click.option("--official", default=None, help="an official's name")
@click.option("--place", default=None, help="a place (any form of its name); includes what lies inside it")
@click.option("--graph", "graph_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def visits(official, place, graph_dir, fmt):
    """Who visited where, with date, role and evidence."""
    from . import rdf

    _print_rows(rdf.visits(_store(graph_dir), official=official, place=place), fmt)


@main.command()
@click.argument("sparql")
@click.option("--graph", "graph_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def query(sparql, graph_dir, fmt):
    """Run a SPARQL SELECT over the graph (prefixes kgv, kgr, org, prov, rdfs, skos predeclared)."""
    from . import rdf

    try:
        rows = rdf.select(_store(graph_dir), sparql)
    except SyntaxError as e:
        raise click.ClickException(f"query: {e}")
    _print_rows(rows, fmt)


if __name__ == "__main__":
    main()
