"""Notebook display: the small HTML tables that results show in Jupyter
(``_repr_html_``). Plain HTML without styles or scripts, so it renders the
same in Jupyter, VS Code and static exports, and every value is escaped."""

from __future__ import annotations

import html
from typing import Any, Iterable, Sequence


def number(value: Any, digits: int = 2) -> str:
    """A number for display: whole numbers without decimals, floats with
    `digits` decimals and thousands separators; NaN as "–"."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    v = float(value)
    if v != v:
        return "–"
    return f"{v:,.{digits}f}"


def listing(items: Sequence[Any], shown: int = 5) -> str:
    """The first `shown` items joined by commas, the rest counted:
    "a, b, c, … (4 more)"; "none" when there is none."""
    items = [str(v) for v in items]
    if not items:
        return "none"
    head = ", ".join(items[:shown])
    return head + (f", … ({len(items) - shown} more)" if len(items) > shown else "")


def table(caption: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
          note: str = "") -> str:
    """An HTML table with a bold caption line above it and an optional note
    below; cells are escaped text."""
    def cells(tag: str, values: Sequence[Any]) -> str:
        return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    head = f"<thead><tr>{cells('th', header)}</tr></thead>" if header else ""
    tail = f"<div><small>{html.escape(note)}</small></div>" if note else ""
    return (f"<div><strong>{html.escape(caption)}</strong>"
            f"<table>{head}<tbody>{body}</tbody></table>{tail}</div>")
