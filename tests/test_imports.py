"""The house has one way through: read → tag → group → relate → resolve → graph → write.

Read from the source (every import, at the top or inside a function), not from what Python
happened to load, so that a lazy import cannot hide a circle.
"""
import ast
from pathlib import Path

import networkx as nx

KG = Path(__file__).resolve().parent.parent / "kg"
# The stages in data-flow order; each may import the ones before it, never one after.
STAGES = ["kg.read", "kg.tag", "kg.grouping", "kg.relations", "kg.resolve", "kg.trips", "kg.graph", "kg.rdf",
          "kg.extraction", "kg.build"]


def _modules() -> dict[str, Path]:
    out = {}
    for p in KG.rglob("*.py"):
        parts = p.relative_to(KG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            g.add_edges_from((name, t) for t in targets if t in mods and t != name)
    return g


def test_no_module_of_kg_imports_one_that_imports_it_back():
    g = _imports()
    assert g.number_of_edges() > 50  # the reading works: kg's modules do import each other
    assert ("kg.relations", "kg.grouping") in g.edges and ("kg.extraction", "kg.relations") in g.edges
    assert list(nx.simple_cycles(g)) == []


def test_each_stage_imports_only_the_stages_before_it():
    g = _imports()
    for i, stage in enumerate(STAGES):
        later = set(STAGES[i + 1 :])
        reached = nx.descendants(g, stage)
        assert not reached & later, f"{stage} reaches {sorted(reached & later)}"
