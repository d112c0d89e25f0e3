"""The browser side of the tests: Debian's Chromium, axe-core, screenshots kept as artifacts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
# Debian names it chromium, Ubuntu chromium-browser; the Makefile installs either.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--lang=de-DE", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def artifacts() -> Path:
    folder = Path(os.environ.get("WIRKUNG_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assert_accessible(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation; a full-page screenshot is kept as `name`."""
    page.screenshot(path=str(artifacts() / f"{name}.png"), full_page=True)
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations = result.response["violations"]
    assert not violations, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3]) for v in violations)
