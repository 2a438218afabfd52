"""notebooks/explore.ipynb runs top to bottom in a real kernel and shows pictures."""
import base64
import io

import nbformat
import numpy as np
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from kg import viz

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel starts in the notebook's folder, as Jupyter starts it, so "../seeds" is the seeds.
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 5  # a word on each picture


def test_notebook_shows_pictures(executed):
    import matplotlib.image

    pngs = [o["data"]["image/png"] for o in _outputs(executed) if "image/png" in o.get("data", {})]
    assert len(pngs) >= 3  # the network, the ranking and the division tree
    img = matplotlib.image.imread(io.BytesIO(base64.b64decode(pngs[0])), format="png")[:, :, :3]
    red = np.array([int(viz.COLOURS["Official"][i:i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(img - red).max(axis=2) < 0.06).sum() > 200  # officials drawn in their colour
    from kg import maps

    shade = np.array([int(maps.palette(1)[0][i:i + 2], 16) / 255 for i in (1, 3, 5)])  # one trip each
    maps_drawn = [matplotlib.image.imread(io.BytesIO(base64.b64decode(p)), format="png")[:, :, :3] for p in pngs]
    assert any((np.abs(m - shade).max(axis=2) < 0.02).sum() > 5000 for m in maps_drawn)  # the map


def test_notebook_shows_entities_visits_and_tree(executed):
    outs = _outputs(executed)
    htmls = [o["data"]["text/html"] for o in outs if "text/html" in o.get("data", {})]
    texts = "".join(o.get("text", "") for o in outs if o["output_type"] == "stream" and o["name"] == "stdout")
    assert any('class="entity"' in h and "OFFICIAL" in h and "PLACE" in h for h in htmls)  # displacy
    assert any("陈刚" in h and "果洛藏族自治州" in h and "lead" in h for h in htmls)  # who visited where
    assert any("betweenness" in h for h in htmls)  # the ranking
    assert any("official_id" in h and "trips" in h and "632600" in h for h in htmls)  # the panel
    assert "青海省" in texts and "  果洛藏族自治州 ★" in texts  # the division tree as text
    assert any("<iframe srcdoc=" in h and "kgViz" in h and "http" not in h for h in htmls)  # the page inline


def test_notebook_has_no_errors_or_glyph_warnings(executed):
    outs = _outputs(executed)
    assert not [o for o in outs if o["output_type"] == "error"]
    stderr = "".join(o.get("text", "") for o in outs if o["output_type"] == "stream" and o["name"] == "stderr")
    assert "missing from font" not in stderr and "Glyph" not in stderr and "Warning" not in stderr, stderr
