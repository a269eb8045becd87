"""Which problems to fix first: theme tagging of comments and theme impact.

`ThemeTagger` tags free-text comments with the themes of a taxonomy (theme ->
keywords and phrases), multi-label, case- and accent-insensitive, on whole
words with simple inflections; `theme_impact` ranks themes by the Feature
Impact Score of docs/sources.md §6 (mentions from each segment x the segment's
average CLV, summed). The matching rules are those of npscore/themes.h:

- text and keywords are folded alike: ASCII, Latin-1 and Latin Extended-A
  letters to lower-case ASCII (é -> e, Ü -> u, ß -> ss, Œ -> oe), combining
  accents dropped, a letter repeated three or more times read once
  ("sloooow" -> "slow"); words are runs of letters and digits, everything
  else (spaces, punctuation, apostrophes, hyphens, emoji) separates them;
- a keyword matches whole words: "bug" matches "bug", "bugs", "buggy",
  "bugged", never "debugger"; a keyword word also matches its forms with
  "s", "es", "ed", "ing", "er", "ers", "y", "ly" (with a doubled final
  consonant, a dropped final "e", or "y" -> "ies"/"ied"); a word written
  "debug*" matches every word starting with "debug"; a phrase ("easy to
  use") matches consecutive words;
- invalid UTF-8 (bytes input, or str with lone surrogates) is an error naming
  the comment, or with ``invalid="replace"`` separates words.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal, Mapping, Sequence, Union, overload

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import aligned_with, arrow_text, as_frame, as_scores, column, is_table, read_table
from .nps import DEFAULT_CUTOFFS, NO_SEGMENT
from .priority import segment_codes
from ._types import ClvBasis, InvalidText

__all__ = ["DEFAULT_TAXONOMY", "ThemeTagger", "theme_impact", "top_themes", "normalize_text"]

#: The default taxonomy (docs/sources.md §7): theme -> keywords.
DEFAULT_TAXONOMY: dict[str, tuple[str, ...]] = {
    name: tuple(words) for name, words in _npscore.default_taxonomy()
}

_SEGMENTS = ("detractors", "passives", "promoters")


def normalize_text(text: Union[str, bytes], *, invalid: InvalidText = "error") -> str:
    """The text as the tagger reads it: folded words separated by spaces."""
    _args.option(invalid, "invalid", ("error", "replace"))
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be a str (or UTF-8 bytes), got {type(text).__name__}")
    return _npscore.normalize_text(text, invalid == "replace")


def _comment_array(comments: Any) -> np.ndarray:
    """A 1-D object array of str / bytes / None (missing values become None)."""
    if isinstance(comments, (str, bytes)):
        raise TypeError("comments must be a sequence of comments, not a single string")
    if isinstance(comments, pd.DataFrame):
        raise TypeError("comments must be one column (a Series or 1-D array), got a DataFrame")
    comments = _args.materialize(comments, "comments")
    if np.ndim(comments) == 0:
        raise TypeError("comments must be a sequence of comments (a list, array or Series), "
                        f"got {type(comments).__name__}")
    if isinstance(comments, pd.Series) and arrow_text(comments):
        # pyarrow's own conversion: Python strings, None where missing (~4x
        # faster than pandas' object array and a pass to replace its NaNs).
        return np.ascontiguousarray(comments.array._pa_array.to_numpy(zero_copy_only=False))
    arr = (comments.to_numpy(dtype=object) if isinstance(comments, (pd.Series, pd.Index))
           else np.asarray(list(comments) if not isinstance(comments, np.ndarray) else comments,
                           dtype=object))
    if arr.ndim != 1:
        raise ValueError(f"comments must be one-dimensional, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr)
    missing = pd.isna(arr)
    if missing.any():
        arr = arr.copy()
        arr[missing] = None
    return arr


#: What `ThemeTagger.tag` returns by default: one list of themes per comment,
#: as a list, or a Series on the comments' index.
_ThemeLists = Union[list[list[str]], "pd.Series[Any]"]


class ThemeTagger:
    """Tags comments with the themes of a taxonomy.

    Parameters
    ----------
    taxonomy : mapping or sequence, optional
        ``{theme: [keyword, ...]}`` (a single keyword may be a string) or
        (theme, keywords) pairs; default `DEFAULT_TAXONOMY` (bug, pricing,
        billing, usability, support, onboarding, performance, reporting,
        feature_request). An empty taxonomy, a theme without keywords or a
        keyword without a word raise ValueError.
    """

    def __init__(self,
                 taxonomy: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None) -> None:
        if taxonomy is None:
            taxonomy = DEFAULT_TAXONOMY
        if isinstance(taxonomy, (str, bytes)) or not isinstance(taxonomy, (Mapping, Iterable)):
            raise TypeError("taxonomy must be a mapping {theme: keywords} or (theme, keywords) "
                            f"pairs, got {type(taxonomy).__name__}")
        items = list(taxonomy.items()) if isinstance(taxonomy, Mapping) else list(taxonomy)
        pairs = []
        for item in items:
            try:
                name, words = item
            except (TypeError, ValueError):
                raise TypeError(f"taxonomy entries must be (theme, keywords), got {item!r}") from None
            if not isinstance(name, str):
                raise TypeError(f"theme names must be strings, got {name!r}")
            if not isinstance(words, (str, Iterable)) or isinstance(words, bytes):
                raise TypeError(f"keywords of theme {name!r} must be a string or a list of "
                                f"strings, got {words!r}")
            words = [words] if isinstance(words, str) else list(words)
            for w in words:
                if not isinstance(w, str):
                    raise TypeError(f"keywords of theme {name!r} must be strings, got {w!r}")
            pairs.append((name, words))
        self._core = _npscore.ThemeTagger(pairs)

    @property
    def themes(self) -> list[str]:
        """Theme names in taxonomy order (the indicator columns)."""
        return self._core.themes

    @property
    def taxonomy(self) -> dict[str, list[str]]:
        return dict(self._core.taxonomy)

    def __repr__(self) -> str:
        words = sum(len(k) for k in self.taxonomy.values())
        return f"ThemeTagger(themes={self.themes!r}, keywords={words})"

    def _repr_html_(self) -> str:
        from . import _display

        shown = 8  # keywords listed per theme; the rest are counted
        rows = [(name, len(words), ", ".join(words[:shown])
                 + (f", … ({len(words) - shown} more)" if len(words) > shown else ""))
                for name, words in self.taxonomy.items()]
        return _display.table(f"ThemeTagger: {len(rows)} themes", ("theme", "keywords", "words"),
                              rows)

    def indicators(self, comments: Iterable[Any], *, invalid: InvalidText = "error",
                   threads: int = 0) -> pd.DataFrame:
        """Theme indicator frame: one bool column per theme, one row per comment
        (indexed like `comments` when it is a Series). None/NaN and empty
        comments have no theme."""
        _args.option(invalid, "invalid", ("error", "replace"))
        threads = _args.whole(threads, "threads", minimum=0, maximum=_args.limit("threads"),
                              hint=" (0: automatic)")
        arr = _comment_array(comments)
        matrix = self._core.tag(arr, invalid, threads)
        index = comments.index if isinstance(comments, pd.Series) else None
        return pd.DataFrame(matrix.astype(bool), columns=self.themes, index=index)

    # The return type follows `as_matrix`: theme lists, or the indicator frame.
    @overload
    def tag(self, comments: Iterable[Any], *, as_matrix: Literal[False] = ...,
            invalid: InvalidText = ..., threads: int = ...) -> _ThemeLists: ...
    @overload
    def tag(self, comments: Iterable[Any], *, as_matrix: Literal[True],
            invalid: InvalidText = ..., threads: int = ...) -> pd.DataFrame: ...
    @overload
    def tag(self, comments: Iterable[Any], *, as_matrix: bool,
            invalid: InvalidText = ..., threads: int = ...) -> _ThemeLists | pd.DataFrame: ...

    def tag(self, comments: Iterable[Any], *, as_matrix: bool = False,
            invalid: InvalidText = "error", threads: int = 0) -> _ThemeLists | pd.DataFrame:
        """The themes of each comment: a list of theme lists (a Series of lists
        when `comments` is a Series), or with ``as_matrix=True`` the indicator
        frame of `indicators`."""
        frame = self.indicators(comments, invalid=invalid, threads=threads)
        if as_matrix:
            return frame
        names = self.themes
        m = frame.to_numpy()
        if len(names) <= 62:
            # One list per distinct combination of themes, copied per row (so
            # rows never share a mutable list): far fewer numpy calls.
            codes = m.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
            uniq, inverse = np.unique(codes, return_inverse=True)
            combos = [[names[j] for j in range(len(names)) if (int(u) >> j) & 1] for u in uniq]
            lists = [combos[k].copy() for k in inverse.tolist()]
        else:
            lists = [[names[j] for j in np.flatnonzero(row)] for row in m]
        if isinstance(comments, pd.Series):
            return pd.Series(lists, index=comments.index, name="themes", dtype=object)
        return lists


def _indicator_matrix(df: pd.DataFrame, theme: Any) -> tuple[np.ndarray, list[str]]:
    """(rows x themes uint8 matrix, theme names) from an indicator frame, or a
    column (name or values) of theme lists / ";"-joined strings."""
    if isinstance(theme, pd.DataFrame):
        if len(theme) != len(df):
            raise ValueError(f"the theme indicator frame has {len(theme)} rows but df has {len(df)}")
        values = theme.to_numpy()
        if values.dtype == object or values.dtype.kind not in "biuf":
            raise TypeError("theme indicators must be bool or 0/1 numbers")
        bad = (values != 0) & (values != 1)  # as ~np.isin(values, (0, 1)), without its sort
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ValueError(f"theme indicator at row {r}, column {theme.columns[c]!r} is "
                             f"{values[r, c].item()!r}: indicators must be 0/1 or bool")
        return np.ascontiguousarray(values.astype(np.uint8)), [str(c) for c in theme.columns]
    # A scalar is refused without np.ndim, which raises on ragged theme lists.
    if theme is None or not (isinstance(theme, str) or hasattr(theme, "__iter__")):
        raise TypeError("theme must be a column name, a sequence of theme lists or an indicator "
                        f"DataFrame, got {type(theme).__name__}")
    values = (column(df, theme, "theme") if isinstance(theme, str)
              else pd.Series(list(_args.materialize(theme, "theme"))))
    if len(values) != len(df):
        raise ValueError(f"theme has {len(values)} rows but df has {len(df)}")
    lists = []
    for i, v in enumerate(values.to_numpy(dtype=object)):
        if isinstance(v, str):
            lists.append([t.strip() for t in v.split(";") if t.strip()])
        elif v is None or (isinstance(v, float) and np.isnan(v)):
            lists.append([])
        elif isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
            lists.append([str(t) for t in v])
        else:
            raise TypeError(f"theme at row {i} is {v!r}: give a list of themes, a ';'-joined "
                            "string or None")
    names = sorted({t for row in lists for t in row})
    pos = {t: j for j, t in enumerate(names)}
    matrix = np.zeros((len(lists), len(names)), dtype=np.uint8)
    for i, row in enumerate(lists):
        for t in row:
            matrix[i, pos[t]] = 1
    return matrix, names


def theme_impact(
    df: Any,
    *,
    theme: Any,
    segment: Any,
    clv: Any,
    clv_basis: ClvBasis = "segment",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Per theme: mentions by segment, NPS of the mentioners and the Feature
    Impact Score (docs/sources.md §6), ranked by impact.

    Parameters
    ----------
    df : DataFrame
        One row per comment (response), with its segment and the customer's CLV.
    theme : str, DataFrame or sequence
        A column of theme lists (from `ThemeTagger.tag`) or of ";"-joined
        theme names, or an indicator frame (from `ThemeTagger.indicators`,
        one row per row of df).
    segment : str or array-like
        Segment labels ("detractor", "passive", "promoter") or 0-10 scores.
        Every row needs one.
    clv : str or array-like
        Customer lifetime value per row (finite, >= 0).

    `theme`, `segment` and `clv` given as pandas objects (Series, indicator
    frame) are paired with df's rows by index label: reordered to df's
    order, an error naming the first label missing on either side when the
    labels differ. numpy arrays and lists pair by position, as do pandas
    values beside a df without an index (polars, plain Arrow).
    clv_basis : {"segment", "mentioners"}
        The average CLV that multiplies a segment's mentions: the segment's
        average over every row of df (default, as the article's table), or
        the average over the segment's rows that mention the theme.

    Returns
    -------
    DataFrame ranked by ``impact`` (ties: more mentions first): ``theme``,
    ``mentions``, ``detractors``, ``passives``, ``promoters`` (mentions by
    segment), ``nps`` with ``nps_ci_low`` / ``nps_ci_high`` (adjusted Wald,
    95%) of the mentioners, ``avg_clv_<segment>``, ``impact_<segment>`` (
    mentions x average CLV), ``impact`` (their sum), ``share_of_impact``,
    ``mentioner_clv`` (total CLV of the mentioners) and ``driver`` (the
    segment contributing most).
    """
    df, labelled = read_table(df)
    return _impact(df, labelled, theme, segment, clv, clv_basis, cutoffs)


def _impact(df: pd.DataFrame, labelled: bool, theme: Any, segment: Any, clv: Any,
            clv_basis: Any, cutoffs: Any) -> pd.DataFrame:
    """`theme_impact` of a table read by `read_table` (`labelled`: its rows
    carry index labels)."""
    if not isinstance(theme, pd.DataFrame) and is_table(theme):
        theme = as_frame(theme, "theme")
    _args.option(clv_basis, "clv_basis", ("segment", "mentioners"))
    if isinstance(theme, pd.DataFrame) and len(theme) != len(df):
        raise ValueError(f"the theme indicator frame has {len(theme)} rows but df has {len(df)}")
    # pandas values are paired with df's rows (and each other) by index label.
    theme, segment, clv = aligned_with(df, labelled, "df", theme=theme, segment=segment, clv=clv)
    matrix, names = _indicator_matrix(df, theme)
    if not names:
        raise ValueError("no theme to rank: the theme column names no theme")
    seg_values = column(df, segment, "segment") if isinstance(segment, str) else segment
    codes = segment_codes(seg_values, cutoffs=cutoffs, allow_missing=False)
    if len(codes) != len(df):
        raise ValueError(f"segment has {len(codes)} rows but df has {len(df)}")
    clv_values = column(df, clv, "clv") if isinstance(clv, str) else clv
    value = np.ascontiguousarray(as_scores(clv_values, "clv"), dtype=np.float64)
    if len(value) != len(df):
        raise ValueError(f"clv has {len(value)} rows but df has {len(df)}")
    t = _npscore.theme_impact(matrix, codes, value, clv_basis)
    out = pd.DataFrame({"theme": np.asarray(names, dtype=object)[t["theme"]],
                        "mentions": t["mentions"]})
    for k, seg in enumerate(_SEGMENTS):
        out[seg] = t["segment_mentions"][:, k]
    out["nps"] = t["nps"]
    out["nps_ci_low"] = t["ci_low"]
    out["nps_ci_high"] = t["ci_high"]
    for k, seg in enumerate(_SEGMENTS):
        out[f"avg_clv_{seg}"] = t["segment_clv"][:, k]
    for k, seg in enumerate(_SEGMENTS):
        out[f"impact_{seg}"] = t["segment_impact"][:, k]
    out["impact"] = t["impact"]
    total = float(t["impact"].sum())
    out["share_of_impact"] = t["impact"] / total if total > 0 else np.nan
    out["mentioner_clv"] = t["mentioner_clv"]
    driver = np.full(len(out), None, dtype=object)
    known = t["driver"] != NO_SEGMENT
    driver[known] = np.asarray(_SEGMENTS, dtype=object)[t["driver"][known] + 1]
    out["driver"] = pd.Series(driver, index=out.index, dtype=object)
    out.attrs["clv_basis"] = clv_basis
    return out


def top_themes(
    df: Any,
    *,
    comment: str,
    segment: Any,
    clv: Any,
    n: int | None = 5,
    tagger: ThemeTagger | None = None,
    invalid: InvalidText = "error",
    clv_basis: ClvBasis = "segment",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Tags the `comment` column with `tagger` (default taxonomy) and returns
    the `n` themes with the highest revenue impact (`theme_impact`), leaving
    out themes nobody mentions. For a report's "top themes by revenue
    impact" table."""
    df, labelled = read_table(df)
    n = _args.whole(n, "n", minimum=1, maximum=None, none=True,
                    hint=" (or None for every theme)")
    if tagger is not None and not isinstance(tagger, ThemeTagger):
        raise TypeError(f"tagger must be a ThemeTagger, got {type(tagger).__name__}")
    tagger = tagger or ThemeTagger()
    ind = tagger.indicators(column(df, comment, "comment"), invalid=invalid)
    ind.index = df.index
    if not labelled:  # df without index: Series pair with each other, then by position
        segment, clv = (v.to_numpy() if isinstance(v, pd.Series) else v
                        for v in aligned_with(None, False, segment=segment, clv=clv))
    out = _impact(df, labelled, ind, segment, clv, clv_basis, cutoffs)
    out = out[out["mentions"] > 0]
    return (out if n is None else out.head(n)).reset_index(drop=True)
