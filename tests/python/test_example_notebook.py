"""examples/notebooks/npscore_tour.ipynb, executed headless (issue 11, "Done when").

The notebook is a new user's tour of every capability (docs/capabilities.md's
Python column) with scikit-learn, pickle and polars. It is written by
examples/notebooks/build_tour.py and committed without outputs. Here it runs in
a fresh Jupyter kernel (nbclient) in a temporary working directory; the test
fails on any error or any text on stderr (a warning a new user would see), and
checks that each cell tagged "plot" displays exactly one non-blank PNG image
(and that no other cell does: a figure shows once).
"""

from __future__ import annotations

import base64
import importlib.util
import io
from pathlib import Path

import matplotlib.image
import nbformat
import numpy as np
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
NOTEBOOK = HERE / "npscore_tour.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def builder():
    spec = importlib.util.spec_from_file_location("build_tour", HERE / "build_tour.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebook_is_the_builders_and_has_no_outputs():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert text == builder().text(), \
        "npscore_tour.ipynb differs from build_tour.py: run python3 examples/notebooks/build_tour.py"
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert sum("plot" in c.metadata.get("tags", []) for c in code) >= 7


def png_pixels(data: str) -> np.ndarray:
    raw = base64.b64decode(data)
    assert raw.startswith(PNG_SIGNATURE), "image/png output is not a PNG"
    return matplotlib.image.imread(io.BytesIO(raw), format="png")


def test_png_check_rejects_blank_and_non_png():
    blank = io.BytesIO()
    matplotlib.image.imsave(blank, np.ones((4, 5)), format="png", cmap="gray")
    pixels = png_pixels(base64.b64encode(blank.getvalue()).decode())
    assert pixels.shape[:2] == (4, 5) and np.ptp(pixels[..., :3]) == 0
    try:
        png_pixels(base64.b64encode(b"GIF89a").decode())
    except AssertionError:
        pass
    else:
        raise AssertionError("a GIF passed as PNG")


def test_notebook_runs_headless_with_its_plots(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Raises CellExecutionError (with the cell and traceback) on the first error.
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    plots = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {i}:\n{cell.source}"
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{where}\nwrote to stderr:\n{''.join(stderr)}"
        images = [o.data["image/png"] for o in cell.outputs
                  if o.output_type in ("display_data", "execute_result") and "image/png" in o.data]
        if "plot" in cell.metadata.get("tags", []):
            plots += 1
            assert len(images) == 1, f"{where}\nshows {len(images)} images, not one"
            pixels = png_pixels(images[0])
            assert pixels.shape[0] >= 100 and pixels.shape[1] >= 100, where
            assert np.ptp(pixels[..., :3]) > 0, f"{where}\nrendered a blank image"
        else:
            assert not images, f"{where}\nshows an image but is not tagged 'plot'"
    assert plots >= 7
    assert list(tmp_path.iterdir()) == [], "the tour writes nothing into its working directory"
