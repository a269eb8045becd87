"""Reading the report's Markdown in tests: `plain` turns pipe-table rows into
whitespace-separated rows (and drops the separator rows), so a row can be
matched by its cells as in a terminal table."""

from __future__ import annotations

import re

SEPARATOR = re.compile(r"^\|( *:?-+:? *\|)+$")


def plain(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith("|"):
            if SEPARATOR.match(line):
                continue
            line = line[2:-2].replace(" | ", "   ").rstrip()
        out.append(line)
    return "\n".join(out) + "\n"


def pipe_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table of a Markdown text as rows of cells (header first)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables
