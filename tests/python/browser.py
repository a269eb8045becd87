"""A headless-browser check of a local HTML file, for tests (issue 13).

`open_html(path)` loads the file in headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by selenium; `bash scripts/setup.sh --test` installs
all three), with nothing fetched from the network and a fresh profile, and
returns a `BrowserResult`: the console errors (severe log entries: uncaught
JavaScript errors, resources that failed to load), the images that did not
load (an <img> not complete or with naturalWidth 0), any resource requested
from outside the file (a self-contained page has none) and a full-page PNG
screenshot at each width (390 px, a phone; 1280 px, a desktop).

    result = open_html(tmp_path / "report.html")
    result.assert_ok()          # AssertionError listing every problem
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

PHONE_WIDTH = 390
DESKTOP_WIDTH = 1280
# Screenshots taller than this are cut (a runaway page must not exhaust memory).
MAX_SCREENSHOT_HEIGHT = 16384
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  # A container's /dev/shm is often too small for the renderer.
                  "--disable-dev-shm-usage")


class BrowserUnavailable(RuntimeError):
    """Chromium, its WebDriver or selenium is not installed."""


@dataclasses.dataclass
class BrowserResult:
    path: Path
    title: str
    console_errors: list[str]
    broken_images: list[str]
    external_resources: list[str]
    screenshots: dict[int, Path]  # width in px -> PNG file

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"image not loaded: {s}" for s in self.broken_images]
                + [f"resource from outside the file: {u}" for u in self.external_resources])

    @property
    def ok(self) -> bool:
        return not self.problems()

    def assert_ok(self) -> None:
        problems = self.problems()
        assert not problems, f"{self.path} in headless Chromium:\n  " + "\n  ".join(problems)


def _find(env: str, names: tuple[str, ...]) -> str:
    """An executable named by the environment variable `env`, else the first of
    `names` on the PATH or in /usr/bin."""
    candidates = [os.environ[env]] if os.environ.get(env) else []
    for name in names:
        candidates += [shutil.which(name) or "", f"/usr/bin/{name}"]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    raise BrowserUnavailable(f"{names[0]} is not installed (bash scripts/setup.sh --test, "
                             f"or set {env})")


def _driver(profile: str):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise BrowserUnavailable("selenium is not installed (the `test` extra)") from e
    options = webdriver.ChromeOptions()
    # An explicit browser and driver: Selenium Manager would otherwise try to download them.
    options.binary_location = _find("NPSCORE_CHROMIUM", ("chromium", "chromium-browser"))
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=_find("NPSCORE_CHROMEDRIVER", ("chromedriver",)))
    return webdriver.Chrome(options=options, service=service)


_IMAGES = """return Array.from(document.images)
  .filter(img => !(img.complete && img.naturalWidth > 0))
  .map(img => (img.getAttribute('src') || '').slice(0, 120) || '<img> without src');"""
_RESOURCES = """return performance.getEntriesByType('resource').map(e => e.name)
  .filter(u => !/^(file|data|blob|about):/.test(u));"""
_HEIGHT = "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);"


def _screenshot(driver, width: int, out: Path) -> None:
    """A full-page PNG at `width` CSS pixels (a phone's layout below 600 px)."""
    metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    metrics["height"] = min(max(int(driver.execute_script(_HEIGHT)), 1), MAX_SCREENSHOT_HEIGHT)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    out.write_bytes(driver.get_screenshot_as_png())


def open_html(path: str | os.PathLike[str], screenshot_dir: str | os.PathLike[str] | None = None,
              widths: tuple[int, ...] = (PHONE_WIDTH, DESKTOP_WIDTH)) -> BrowserResult:
    """Loads the local file `path` in headless Chromium and reports what a
    reader would see go wrong; screenshots go to `screenshot_dir` (default:
    beside the file) as <stem>-<width>.png."""
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"path: no file {path}")
    shots_dir = Path(screenshot_dir) if screenshot_dir is not None else path.parent
    shots_dir.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="npscore-chromium-")
    try:
        driver = _driver(profile)
        try:
            driver.get(path.as_uri())  # returns after the load event
            broken = list(driver.execute_script(_IMAGES))
            external = list(driver.execute_script(_RESOURCES))
            shots = {}
            for width in widths:
                shots[width] = shots_dir / f"{path.stem}-{width}.png"
                _screenshot(driver, width, shots[width])
            # Read last: errors raised while laying out at each width count too.
            errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
            return BrowserResult(path=path, title=driver.title, console_errors=errors,
                                 broken_images=broken, external_resources=external,
                                 screenshots=shots)
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
