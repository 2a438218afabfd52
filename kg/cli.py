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
if __name__ == "__main__":
    main()
