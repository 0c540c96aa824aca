"""The HTML eval report in headless Chromium: the summary table, the example matrix's filters and
search, and the detail view with the differences from the reference marked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)


def _cli(*args: str) -> None:
    env = {**os.environ, "SUMMARIZER_MAX_ATTEMPTS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr


def test_report_filters_search_and_diff(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    run, report = tmp_path / "run", tmp_path / "report"
    _cli(
        "eval", "run", "--dataset", "seeds", "-m", "fake", "-m", "fake?error_rate=1", "-o", str(run)
    )
    _cli("eval", "report", str(run), "-o", str(report))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto((report / "report.html").as_uri())
        assert page.locator("table.summary").count() == 1
        assert page.locator("table.summary td.best").count() > 0
        rows = page.locator("#matrix tbody tr")
        # 1 translation document, 5 summaries, 6 stance examples, 1 comparison (pipeline only)
        assert rows.count() == 13
        page.select_option("#task", "compare")
        assert rows.count() == 1
        page.select_option("#task", "stance")
        assert rows.count() == 6
        assert all(
            task == "stance" for task in rows.evaluate_all("rs => rs.map(r => r.dataset.task)")
        )
        page.select_option("#task", "")
        page.fill("#search", "injection001")
        assert rows.count() == 1
        page.fill("#search", "")
        page.check("#disagree")  # the failing system disagrees with the working one everywhere
        assert rows.count() == 13
        page.uncheck("#disagree")
        page.check("#failures")
        # Every example of the failing model, both variants, and its comparison.
        assert rows.count() == 13 and page.locator("td.cell.failed").count() == 25
        page.uncheck("#failures")
        page.select_option("#task", "translation")
        page.locator("td.cell:not(.failed)").first.click()
        dialog = page.locator("#detail")
        dialog.wait_for(state="visible")
        assert dialog.locator(".segment").count() == 41  # the header row and 40 segments
        assert dialog.locator(".diff ins").count() > 0 and dialog.locator(".diff del").count() > 0
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        browser.close()
