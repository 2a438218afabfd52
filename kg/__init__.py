"""kg: knowledge graphs from Chinese provincial newspaper pages.

    import kg
    doc = kg.nlp()("省委书记、省人大常委会主任张三赴阿坝藏族羌族自治州调研")
    records = kg.extract(["seeds/"])
    g = kg.build(["seeds/"])
"""

__version__ = "0.1.0"


def nlp():
    """The spaCy pipeline (LAC tokenizer + entity components), loaded once per process."""
    from .pipeline import nlp as _nlp

    return _nlp()


def extract(paths, **options):
    """One record per readable input file (or JSONL record), in the evaluation format (GUIDELINE.md);
    options as kg.tag.tag_pages (published="YYYY-MM-DD", jobs, cache …)."""
    from .extraction import extract as _extract

    return _extract(paths, **options)


# Every module the README names, importable as `kg.store`, `kg.queries` … after a bare `import kg`;
# imported on first use, since spaCy and the tagger take seconds to load and a query needs neither.
MODULES = ("annotation", "atomic", "boundaries", "build", "cache", "dates", "endpoint", "errors", "export",
           "extraction", "fonts", "gazetteer", "graph", "grouping", "lac", "lexicon", "maps", "model", "parallel",
           "pipeline", "plot", "progress", "queries", "rdf", "read", "relations", "resolve", "speech", "store", "tables", "tag",
           "tokenizer", "train", "trips", "visit_model", "viz")


def __getattr__(name):
    """`kg.store`, `kg.queries` …: the module, imported on first use. `kg.build(paths)`: the module
    kg.build is callable (see kg/build.py)."""
    if name in MODULES:
        from importlib import import_module

        return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def map(graph, **options):  # noqa: A001 (kg.map, as the CLI's `kg map`)
    """The map of visits as a matplotlib Figure (see kg.maps.draw for the options)."""
    from .maps import draw

    return draw(graph, **options)


def __dir__():
    return sorted({*globals(), *MODULES})
