"""A plot shows once in Jupyter, with ax= and without (npscore.plot).

A notebook runs in a fresh kernel (nbclient) with matplotlib's inline
backend, as a user's does:
- cell 1 draws on the Axes of ``plt.subplots()`` as its last expression: the
  inline backend shows pyplot's figure, and the plot returns that Axes
  (its value shows as text, not as a second image);
- cell 2 plots without ax= as its last expression: the new Figure is the
  cell's value, shown once, and pyplot does not track it (so the inline
  backend shows nothing more).
Each cell must display exactly one PNG image and write nothing to stderr.
"""

from __future__ import annotations

import nbformat
import pytest

pytest.importorskip("matplotlib")
NotebookClient = pytest.importorskip("nbclient").NotebookClient

SETUP = """\
%matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd
import npscore
groups = npscore.by_group(pd.DataFrame({"score": [9, 10, 3, 7, 8, 10, 0, 6],
                                        "plan": list("aabbaabb")}), by="plan")
"""
CELLS = {
    "ax=": SETUP + "fig, ax = plt.subplots()\nnpscore.plot.forest(groups, ax=ax)",
    "no ax=": "npscore.plot.forest(groups)",
}


def test_each_plot_cell_shows_one_image(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for (what, _), cell in zip(CELLS.items(), nb.cells):
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{what}: wrote to stderr:\n{''.join(stderr)}"
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, f"{what}: {len(images)} images in {cell.outputs}"
    # The value of cell 1 is the Axes (as text); cell 2's is the Figure (its image).
    value = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"]
    assert len(value) == 1 and value[0].data["text/plain"].startswith("<Axes:"), value
    assert [o.output_type for o in nb.cells[1].outputs] == ["execute_result"]
