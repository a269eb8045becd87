"""Renderers of a `npscore.report.Report`: Markdown with pipe tables, and one
self-contained HTML file (inline CSS, plots as base64 PNG data URIs, no
script and no external resource), readable on a phone and printable.

The report's blocks are plain text (a paragraph), `Bullets`, `Table` (a
DataFrame of raw values and a format per column) and `FigureRef`; cells are
formatted here only, so the numbers a test reads from `Table.frame` are the
library's own.
"""

from __future__ import annotations

import base64
import html
import io
import math
from typing import TYPE_CHECKING, Any, Callable, Optional

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report, Table


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def money(x: float, currency: str = "$") -> str:
    """An amount in whole units after its currency: $1,234, -$1,234."""
    return f"-{currency}{-x:,.0f}" if x < 0 else f"{currency}{x:,.0f}"


_FORMATS: dict[str, Callable[[Any], str]] = {
    "money": money,
    "pct": lambda v: f"{v:.1%}",
    "pct0": lambda v: f"{v:.0%}",
    "signed": lambda v: f"{v:+.1f}",
    "int": lambda v: f"{v:,.0f}",
    "date": lambda v: f"{pd.Timestamp(v):%Y-%m-%d}",
    "datetime": lambda v: f"{pd.Timestamp(v):%Y-%m-%d %H:%M}",
    "p": lambda v: "<0.001" if v < 0.001 else f"{v:.3f}",  # a p-value, 3 decimals
    "points": lambda v: f"{100 * v:+.1f}",  # a difference of two shares, percentage points
    "hours": lambda v: "never" if v == np.inf else f"{v:.1f}",  # inf: never reached
}


def format_cell(value: Any, spec: Optional[str]) -> str:
    """One cell as text: `spec` is "money" ($1,234; "money:€" for another
    currency: €1,234), "p" (0.042, <0.001), "hours" (12.5, never), "points" (a
    difference of shares: +2.1), "pct" (12.3%), "pct0"
    (12%), "signed" (+1.2), "int" (1,234), "date", "datetime", a format
    string such as "{:.1f}", or None (str). Missing values print as "-"."""
    if _missing(value):
        return "-"
    if spec is None:
        return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)
    if spec.startswith("money:"):
        return money(value, spec[len("money:"):])
    named = _FORMATS.get(spec)
    return named(value) if named is not None else spec.format(value)


def table_cells(table: "Table") -> tuple[list[str], list[list[str]], list[bool]]:
    """Header, formatted rows and which columns are numeric (right-aligned)."""
    frame = table.frame
    header = [str(c) for c in frame.columns]
    columns = []
    numeric = []
    for c in frame.columns:
        spec = table.formats.get(str(c))
        col = frame[c]
        numeric.append(bool(pd.api.types.is_numeric_dtype(col.dtype)
                            and not pd.api.types.is_bool_dtype(col.dtype)))
        columns.append([format_cell(v, spec) for v in col.tolist()])
    rows = [list(r) for r in zip(*columns)] if columns else []
    return header, rows, numeric


# --- Markdown ---

def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(table: "Table") -> str:
    """A pipe table, padded so that it also reads as a table in a terminal."""
    header, rows, numeric = table_cells(table)
    header = [_md_escape(h) for h in header]
    rows = [[_md_escape(c) for c in r] for r in rows]
    widths = [max([len(h), 3, *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if num else c.ljust(w)
                                 for c, w, num in zip(cells, widths, numeric)) + " |"

    sep = "| " + " | ".join(("-" * (w - 1) + ":") if num else "-" * w
                            for w, num in zip(widths, numeric)) + " |"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def to_markdown(report: "Report", figure_dir: Optional[str] = None) -> str:
    """The report as Markdown; figures are linked as `figure_dir/<name>.png`
    when `figure_dir` is given, else left out (the terminal's text)."""
    from .report import Bullets, FigureRef, Table

    out = [f"# {report.title}", ""]
    for line in report.meta:
        out += [line, ""]
    for section in report.sections:
        out += ["#" * section.level + " " + section.title, ""]
        for block in section.blocks:
            if isinstance(block, Table):
                if block.caption:
                    out += [block.caption, ""]
                out += [markdown_table(block), ""]
            elif isinstance(block, Bullets):
                out += ["- " + item.replace("\n", "\n  ") for item in block.items]
                out.append("")
            elif isinstance(block, FigureRef):
                if figure_dir is not None:
                    out += [f"![{block.alt}]({figure_dir}/{block.name}.png)", ""]
            else:
                out += [str(block), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- HTML ---

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45;
       margin: 0 auto; padding: 1rem; max-width: 72rem; color: #1a1a1a; background: #fff;
       overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #ddd;
     padding-bottom: .2rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
p.meta { color: #555; margin: .2rem 0; }
p.needs { background: #fff6e0; border-left: 4px solid #e0a800; padding: .4rem .6rem; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .5rem 0 1rem;
              -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; white-space: nowrap; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.long { white-space: normal; min-width: 14rem; }
caption { caption-side: top; text-align: left; color: #444; padding: .2rem 0; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9rem; }
nav ul { columns: 2; padding-left: 1.2rem; }
@media (max-width: 40rem) { body { padding: .6rem; font-size: .95rem; } nav ul { columns: 1; }
                            th, td { padding: .2rem .35rem; } }
@media print { body { max-width: none; padding: 0; font-size: 10pt; overflow-wrap: normal; }
               nav { display: none; } h2, h3, caption { break-after: avoid; }
               .table-wrap { overflow: visible; } table, figure { break-inside: avoid; }
               table { font-size: 8pt; } td.long { white-space: normal; min-width: 12em; }
               a { color: inherit; text-decoration: none; } }
"""


def png_data_uri(figure: Any, dpi: int = 110) -> str:
    """A matplotlib figure as a base64 PNG data URI."""
    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


#: Text columns with a cell longer than this wrap (class "long"): reasons and
#: labels would otherwise push a table past the page's width.
LONG_CELL = 30


def html_table(table: "Table") -> str:
    header, rows, numeric = table_cells(table)
    esc = html.escape
    long = [not n and any(len(r[j]) > LONG_CELL for r in rows) for j, n in enumerate(numeric)]

    def cls(num: bool, wrap: bool = False) -> str:
        return ' class="num"' if num else (' class="long"' if wrap else "")

    head = "".join(f"<th scope=\"col\"{cls(n)}>{esc(h)}</th>" for h, n in zip(header, numeric))
    body = "\n".join("<tr>" + "".join(f"<td{cls(n, w)}>{esc(c)}</td>"
                                      for c, n, w in zip(r, numeric, long))
                     + "</tr>" for r in rows)
    caption = f"<caption>{esc(table.caption)}</caption>" if table.caption else ""
    return (f'<div class="table-wrap"><table>{caption}<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody></table></div>")


def to_html(report: "Report", image: Optional[Callable[[Any], str]] = None) -> str:
    """The report as one self-contained HTML document."""
    from .report import Bullets, FigureRef, Table

    esc = html.escape
    image = image or png_data_uri
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<h1>{esc(report.title)}</h1>"]
    parts += [f'<p class="meta">{esc(line)}</p>' for line in report.meta]
    parts.append("<nav><ul>" + "".join(
        f'<li><a href="#{esc(s.key)}">{esc(s.title)}</a></li>'
        for s in report.sections if s.level == 2) + "</ul></nav>")
    for section in report.sections:
        tag = f"h{min(section.level, 6)}"
        parts.append(f'<section id="{esc(section.key)}"><{tag}>{esc(section.title)}</{tag}>')
        for block in section.blocks:
            if isinstance(block, Table):
                parts.append(html_table(block))
            elif isinstance(block, Bullets):
                parts.append("<ul>" + "".join(
                    "<li>" + "<br>".join(esc(x) for x in item.split("\n")) + "</li>"
                    for item in block.items) + "</ul>")
            elif isinstance(block, FigureRef):
                fig = report.figures.get(block.name)
                if fig is not None:
                    parts.append(f'<figure><img src="{image(fig)}" alt="{esc(block.alt)}">'
                                 f"<figcaption>{esc(block.alt)}</figcaption></figure>")
            else:
                cls = ' class="needs"' if section.needs and block == section.blocks[0] else ""
                parts.append(f"<p{cls}>{esc(str(block))}</p>")
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def finite(x: Any) -> Any:
    """A value for JSON: NaN and infinities become None, numpy scalars Python's."""
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x
