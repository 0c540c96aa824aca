"""The reader page in headless Chromium (Debian's package), driven by Playwright."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import seed
from tests.server_process import Server, allow_loopback

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)


def test_reader_page_renders_a_brief(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    allow_loopback()
    # SUMMARIZER_SCREENSHOT_* let the README's screenshot be taken from a real (cached) run.
    model = os.environ.get("SUMMARIZER_SCREENSHOT_MODEL", "fake")
    cache = Path(os.environ.get("SUMMARIZER_SCREENSHOT_CACHE", tmp_path / "cache"))
    target = "US export controls on AI chips to China"
    server = Server(cache, model=model).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "/")
            page.wait_for_selector(f"#model option[value='{model}']", state="attached")
            page.fill("#text", seed("003").read_text(encoding="utf-8"))
            page.fill("#target", target)
            page.click("#submit")
            page.wait_for_function(
                "document.querySelector('#status').textContent === 'Done.'", timeout=120_000
            )
            assert page.inner_text("#headline").strip()
            assert target in page.inner_text("#stance")
            assert page.locator("#points li").count() >= 1
            assert page.locator("#paragraphs tbody tr").count() == 39
            page.locator("#points .ref").first.click()  # a paragraph ref highlights its row
            assert page.locator("#paragraphs tr.hl").count() == 1
            shot = Path(os.environ.get("SUMMARIZER_SCREENSHOT", tmp_path / "reader.png"))
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            browser.close()
    finally:
        server.stop()


def test_reader_page_behind_a_token(tmp_path: Path) -> None:
    """With SUMMARIZER_API_TOKEN set the browser gives the token once (HTTP Basic) and the page's
    own API calls carry it."""
    from playwright.sync_api import Error, sync_playwright

    allow_loopback()
    token = "reader-token-0123456789"
    server = Server(tmp_path / "cache", env={"SUMMARIZER_API_TOKEN": token}).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            with pytest.raises(Error, match="AUTH"):  # headless: no one to type the token
                browser.new_page().goto(server.url + "/")
            context = browser.new_context(http_credentials={"username": "me", "password": token})
            page = context.new_page()
            page.goto(server.url + "/")
            page.wait_for_selector("#model option[value='fake']", state="attached")
            page.fill("#text", "英伟达周一表示，将向中国出售H200芯片。")
            page.click("#submit")
            page.wait_for_selector("#brief:not([hidden])", timeout=60_000)
            assert page.inner_text("#headline").strip()
            browser.close()
    finally:
        server.stop()


def test_a_dropped_gbk_file_is_decoded(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    allow_loopback()
    text = "英伟达周一表示，将向中国出售H200芯片。美国政府将收取25%的费用。"
    gbk = tmp_path / "article-gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    server = Server(tmp_path / "cache").start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.goto(server.url + "/")
            page.set_input_files("#file", str(gbk))
            page.wait_for_function("document.getElementById('text').value.length > 0")
            assert page.input_value("#text") == text
            assert "GB18030" in page.inner_text("#status")
            page.set_input_files("#file", str(junk))
            page.wait_for_function("document.getElementById('status').className === 'error'")
            assert "junk.bin" in page.inner_text("#status")
            browser.close()
    finally:
        server.stop()


def test_reader_page_shows_paragraphs_as_they_come_and_cancel_stops_the_server(
    tmp_path: Path,
) -> None:
    """A slow fake model: the English fills in row by row before the brief is done, and Cancel
    stops the server's model work (counted in its response cache)."""
    import diskcache
    import httpx
    from playwright.sync_api import sync_playwright

    allow_loopback()
    server = Server(tmp_path / "cache", model="fake?latency=0.3").start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "/")
            page.wait_for_selector("#model option[value='fake?latency=0.3']", state="attached")
            page.fill("#text", seed("003").read_text(encoding="utf-8"))
            page.click("#submit")
            # Three rows translated while the rest still wait: shown before the end.
            page.wait_for_function(
                "document.querySelectorAll('#paragraphs td.pending').length > 0 && "
                "document.querySelectorAll('#paragraphs tbody tr').length === 39 && "
                "39 - document.querySelectorAll('#paragraphs td.pending').length >= 3",
                timeout=60_000,
            )
            assert page.locator("#progress").is_visible()
            assert page.is_visible("#cancel")
            page.click("#cancel")
            page.wait_for_function(
                "document.querySelector('#status').textContent === 'Cancelled.'", timeout=10_000
            )
            browser.close()
        deadline = time.monotonic() + 60
        while httpx.get(f"{server.url}/healthz").json()["model_work_running"]:
            assert time.monotonic() < deadline, "the server kept working after the cancel"
            time.sleep(0.05)
        with diskcache.Cache(str(tmp_path / "cache" / "responses")) as cache:
            calls = len(cache)
        # A whole brief of this article takes this fake 10 calls (the paragraphs in JSON chunks,
        # then the summary and stance steps); the cancel after the first rows stopped the rest.
        assert 1 <= calls <= 8, calls
    finally:
        server.stop()


_SEED_P2 = "因?yàn)樘乩势盏脑挘€沒有說(shuō)完。"  # the seed's second paragraph, as its file has it


def test_reader_page_badges_export_history_keyboard_and_phone_width(tmp_path: Path) -> None:
    import json

    from playwright.sync_api import sync_playwright

    allow_loopback()
    # As in the first test, SUMMARIZER_SCREENSHOT_* let docs/ screenshots come from a real run.
    model = os.environ.get("SUMMARIZER_SCREENSHOT_MODEL", "fake")
    cache = Path(os.environ.get("SUMMARIZER_SCREENSHOT_CACHE", tmp_path / "cache"))
    server = Server(cache, model=model).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, accept_downloads=True
            )
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.goto(server.url + "/")
            page.wait_for_selector(f"#model option[value='{model}']", state="attached")
            # Keyboard only: fill the text, tab to the button, press Enter.
            # p2 becomes a bare list of names: the fake model's reply to it (the names in
            # English) runs over 8 characters per Han character, so its length check fails.
            article = seed("003").read_text(encoding="utf-8")
            page.fill("#text", article.replace(_SEED_P2, "英偉達、臺積電、鴻海、廣達、緯創。"))
            page.fill("#target", "US export controls on AI chips to China")
            page.focus("#target")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "submit"
            page.keyboard.press("Enter")
            page.wait_for_function(
                "document.querySelector('#status').textContent === 'Done.'", timeout=300_000
            )
            # No horizontal scroll on a phone.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, width
            # A paragraph that failed a check carries a badge saying so in plain words.
            badge = page.locator('#paragraphs tr[data-id="p2"] .badge')
            assert "too short or too long" in (badge.get_attribute("title") or "")
            # Export: JSON and Markdown files, and the Markdown on the clipboard.
            with page.expect_download() as saved:
                page.click("#save-json")
            data = json.loads(Path(saved.value.path()).read_text(encoding="utf-8"))
            assert data["stance"]["target"] and len(data["article"]["paragraphs"]) == 39
            with page.expect_download() as saved_md:
                page.click("#save-md")
            assert Path(saved_md.value.path()).read_text(encoding="utf-8").startswith("# ")
            page.click("#copy-md")
            page.wait_for_function(
                "document.querySelector('#status').textContent === 'Markdown copied.'"
            )
            assert page.evaluate("navigator.clipboard.readText()").startswith("# ")
            # History survives a reload and opens the stored brief.
            page.reload()
            page.wait_for_selector("#history-box:not([hidden])")
            page.locator("#history button").first.click()
            assert page.locator("#paragraphs tbody tr").count() == 39
            shots = Path(os.environ.get("SUMMARIZER_SCREENSHOT_DIR", tmp_path))
            page.screenshot(path=str(shots / "reader-mobile.png"), full_page=False)
            page.emulate_media(color_scheme="dark")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(21, 25, 30)"
            page.screenshot(path=str(shots / "reader-dark.png"), full_page=False)
            browser.close()
    finally:
        server.stop()


def test_reader_page_compares_outlets(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    allow_loopback()
    server = Server(tmp_path / "cache").start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "/")
            page.wait_for_selector("#model option[value='fake']", state="attached")
            page.click("#tab-compare")
            assert page.is_hidden("#brief-view") and page.is_visible("#compare-view")
            texts = [seed(p).read_text(encoding="utf-8") for p in ("001", "002", "003")]
            page.fill("#compare-sources", "\n---\n".join(texts))
            page.fill("#compare-target", "US export controls on AI chips to China")
            page.click("#compare-submit")
            page.wait_for_function(
                "document.querySelector('#compare-status').textContent === 'Done.'",
                timeout=120_000,
            )
            header = page.inner_text("#compare-matrix thead")
            assert "A1" in header and "A3" in header
            assert page.locator("#compare-matrix .stance-row .label").count() == 3
            shared = page.locator("#compare-matrix tr.shared")
            assert shared.count() >= 1 and "25%" in shared.first.inner_text()
            shots = Path(os.environ.get("SUMMARIZER_SCREENSHOT_DIR", tmp_path))
            page.screenshot(path=str(shots / "reader-compare.png"), full_page=False)
            browser.close()
    finally:
        server.stop()
