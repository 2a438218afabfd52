"""kg: knowledge graphs from Chinese provincial newspaper pages.

    import kg
    doc = kg.nlp()("省委书记、省人大常委会主任陈刚赴果洛藏族自治州调研")
    records = kg.extract(["seeds/"])
    g = kg.build(["seeds/"])
"""

__version__ = "0.1.0"


def nlp():
    """The spaCy pipeline (LAC tokenizer + entity components), loaded once per process."""
    from .pipeline import nlp as _nlp

    return _nlp()


def extract(paths):
    """One record per readable input file, in the evaluation format (GUIDELINE.md)."""
    from .extraction import extract as _extract

    return _extract(paths)


def __getattr__(name):
    """`kg.build(paths)`: the module kg.build, imported on first use, is callable (see kg/build.py)."""
    if name == "build":
        from importlib import import_module

        return import_module(".build", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def map(graph, **options):  # noqa: A001 (kg.map, as the CLI's `kg map`)
    """The map of visits as a matplotlib Figure (see kg.maps.draw for the options)."""
    from .maps import draw

    return draw(graph, **options)
