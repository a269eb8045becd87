"""The headless-browser harness (browser.py) can fail: a good page passes, a
broken image and a JavaScript error each fail, and the screenshots are PNGs of
the phone and desktop widths."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest

from browser import DESKTOP_WIDTH, PHONE_WIDTH, BrowserUnavailable, open_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_bytes(width: int, height: int) -> bytes:
    """A grey RGB PNG, written by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def png_size(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()
    assert raw.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    return struct.unpack(">II", raw[16:24])


def page(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("<!doctype html><html><head><meta charset='utf-8'>"
                    "<meta name='viewport' content='width=device-width'>"
                    f"<title>{name}</title></head><body>{body}</body></html>", encoding="utf-8")
    return path


def load(path: Path, tmp_path: Path):
    try:
        return open_html(path, screenshot_dir=tmp_path / "shots")
    except BrowserUnavailable as e:
        pytest.skip(str(e))  # "not installed": a failure under NPSCORE_REQUIRE_ALL_TESTS=1


def test_png_helpers():
    assert png_bytes(3, 2).startswith(PNG_SIGNATURE)


def test_good_page_passes_with_screenshots_at_both_widths(tmp_path):
    image = base64.b64encode(png_bytes(40, 20)).decode()
    (tmp_path / "plot.png").write_bytes(png_bytes(10, 10))
    tall = "".join(f"<p>row {i}</p>" for i in range(60))
    path = page(tmp_path, "good.html",
                f"<h1>Report</h1><img alt='inline' src='data:image/png;base64,{image}'>"
                f"<img alt='file' src='plot.png'>{tall}"
                "<script>document.title = 'good, scripted';</script>")
    result = load(path, tmp_path)
    result.assert_ok()
    assert result.ok and result.title == "good, scripted"
    assert set(result.screenshots) == {PHONE_WIDTH, DESKTOP_WIDTH}
    for width, shot in result.screenshots.items():
        w, h = png_size(shot)
        assert w == width, (shot, w)
        assert h > 60 * 16, "the screenshot is not of the full page"


def test_broken_image_fails(tmp_path):
    path = page(tmp_path, "broken.html", "<p>text</p><img alt='gone' src='missing.png'>")
    result = load(path, tmp_path)
    assert not result.ok
    assert result.broken_images == ["missing.png"]
    with pytest.raises(AssertionError, match="image not loaded: missing.png"):
        result.assert_ok()


def test_javascript_error_fails(tmp_path):
    path = page(tmp_path, "error.html", "<p>text</p><script>throw new Error('boom 42');</script>")
    result = load(path, tmp_path)
    assert not result.ok and result.broken_images == []
    assert any("boom 42" in m for m in result.console_errors), result.console_errors
    with pytest.raises(AssertionError, match="console error: .*boom 42"):
        result.assert_ok()


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no file"):
        open_html(tmp_path / "nowhere.html")
