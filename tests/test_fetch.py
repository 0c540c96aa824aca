"""Articles at URLs, served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.errors import InputError, InputTooLargeError
from summarizer.fetch import fetch_page, load_url
from summarizer.schemas import Brief
from tests.server_process import allow_loopback

ARTICLE_ZH = (
    "<p>美国政府批准了英伟达向中国出口H200芯片的申请。</p><p>中方表示坚决反对技术封锁。</p>"
)
PAGE = (
    "<html><head>{meta}<title>芯片出口</title>"
    '<link rel="canonical" href="/news/h200.html"></head>'
    "<body><article><h1>芯片出口</h1>" + ARTICLE_ZH * 3 + "</article></body></html>"
)


class Site:
    """A few pages, each a path: a GBK page declared in the header, one declared only in its
    meta tag, redirect chains, an endless body, a server that never answers, an image."""

    def __init__(self) -> None:
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path
                if path == "/gbk-header":
                    body = PAGE.format(meta="").encode("gbk")
                    self._send(200, body, "text/html; charset=GBK")
                elif path == "/gbk-meta":
                    body = PAGE.format(meta='<meta charset="gb2312">').encode("gbk")
                    self._send(200, body, "text/html")
                elif path.startswith("/hop/"):
                    left = int(path.rsplit("/", 1)[1])
                    self.send_response(302)
                    target = f"/hop/{left - 1}" if left > 1 else "/gbk-header"
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/away":  # from a public page into the loopback network
                    self.send_response(302)
                    self.send_header("Location", f"{site.url}/gbk-header")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()  # no length: the body streams until the client stops
                    try:
                        while not site.release.is_set():
                            self.wfile.write(b"<p>" + "很长".encode() * 4000 + b"</p>")
                    except OSError:
                        pass
                elif path == "/silent":
                    site.release.wait(30)
                elif path == "/image":
                    self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
                else:
                    self._send(404, b"not here", "text/plain")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    allow_loopback()
    served = Site()
    yield served
    served.close()


@pytest.mark.parametrize("path", ["/gbk-header", "/gbk-meta"])
def test_a_gbk_page_is_decoded_from_its_header_or_meta_tag(site: Site, path: str) -> None:
    article = load_url(site.url + path, allow_private=True)
    assert article.encoding == "gb18030"
    assert article.title == "芯片出口"
    assert "美国政府批准了英伟达向中国出口H200芯片的申请。" in article.paragraphs[0].text
    assert article.metadata["url"] == site.url + path
    assert article.metadata["canonical_url"] == site.url + "/news/h200.html"


def test_redirects_are_followed_up_to_five(site: Site) -> None:
    article = load_url(site.url + "/hop/5", allow_private=True)
    assert article.metadata["url"] == site.url + "/gbk-header"
    with pytest.raises(InputError, match="more than 5 redirects"):
        load_url(site.url + "/hop/6", allow_private=True)


def test_the_size_limit_holds_while_the_body_streams(site: Site) -> None:
    with pytest.raises(InputTooLargeError, match="over the 100,000-byte limit"):
        fetch_page(site.url + "/endless", max_bytes=100_000, allow_private=True)


def test_a_server_that_never_answers_times_out(site: Site) -> None:
    with pytest.raises(InputError, match="timed out"):
        fetch_page(site.url + "/silent", allow_private=True, total_timeout_s=0.5)


@pytest.mark.parametrize(
    ("path", "message"),
    [("/image", r"not a web page or text \(image/png\)"), ("/missing", "HTTP 404")],
)
def test_what_is_not_an_article_is_refused(site: Site, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fetch_page(site.url + path, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://10.0.0.8/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]:9/x",
        "http://[::ffff:127.0.0.1]:9/x",
        "http://100.64.0.1/x",  # carrier-grade NAT: not a public address either
    ],
)
def test_private_addresses_are_refused_before_connecting(url: str) -> None:
    allow_loopback()  # to resolve "localhost"; a connection to 10.x and the rest would still fail
    with pytest.raises(InputError, match=r"refused .*--allow-private-urls"):
        fetch_page(url)


def test_a_redirect_into_the_private_network_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public name that redirects to loopback: the second hop is checked and refused."""
    import socket as socket_module

    real = socket_module.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        if host == "news.example":  # a public address for the name...
            return [(socket_module.AF_INET, socket_module.SOCK_STREAM, 6, "", ("8.8.8.8", 80))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket_module, "getaddrinfo", resolve)
    from summarizer import fetch

    checked: list[str] = []
    original = fetch._public_address

    def public_address(host: str, port: int, allow_private: bool) -> str:
        checked.append(host)
        address = original(host, port, allow_private)
        return "127.0.0.1" if host == "news.example" else address  # ...served by the test site

    monkeypatch.setattr(fetch, "_public_address", public_address)
    port = site.url.rsplit(":", 1)[1]
    with pytest.raises(InputError, match=r"refused 127\.0\.0\.1"):
        fetch_page(f"http://news.example:{port}/away")
    assert checked == ["news.example", "127.0.0.1"]


def test_only_http_urls() -> None:
    with pytest.raises(InputError, match="only http and https"):
        fetch_page("http:///nohost")


def test_the_cli_briefs_a_url_and_refuses_a_private_one_without_leave(site: Site) -> None:
    from tests.test_cli import run

    url = site.url + "/gbk-meta"
    refused = run("brief", url, "-m", "fake")
    assert refused.returncode != 0
    assert refused.stderr.decode().strip().count("\n") == 0  # one line
    assert "refused 127.0.0.1" in refused.stderr.decode()
    done = run("brief", url, "-m", "fake", "--json", env={"SUMMARIZER_ALLOW_PRIVATE_URLS": "1"})
    assert done.returncode == 0, done.stderr.decode()
    brief = Brief.model_validate_json(done.stdout)
    assert brief.article.metadata["url"] == url and brief.article.title == "芯片出口"
    assert brief.translation is not None and brief.translation.paragraphs


def test_the_service_briefs_urls_only_where_it_is_allowed_to(
    site: Site, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import httpx

    from tests.server_process import Server
    from tests.test_server import _wait_for_status

    url = site.url + "/gbk-header"
    guarded = Server(tmp_path_factory.mktemp("guarded")).start()
    try:
        refused = httpx.post(f"{guarded.url}/v1/clean", json={"url": url}, timeout=30)
        assert refused.status_code == 400
        assert "refused 127.0.0.1" in refused.json()["error"]["message"]
        both = httpx.post(f"{guarded.url}/v1/clean", json={"url": url, "text": "x"}, timeout=30)
        assert both.status_code == 422 and "exactly one of" in both.text
    finally:
        guarded.stop()
    open_to_lan = Server(
        tmp_path_factory.mktemp("open"), extra_args=("--allow-private-urls",)
    ).start()
    try:
        reply = httpx.post(f"{open_to_lan.url}/v1/clean", json={"url": url}, timeout=30)
        assert reply.status_code == 200, reply.text
        assert reply.json()["metadata"]["url"] == url
        items = [{"id": "web", "url": url}, {"id": "gone", "url": site.url + "/missing"}]
        job = httpx.post(f"{open_to_lan.url}/v1/batches", json={"items": items}, timeout=30)
        status = _wait_for_status(open_to_lan.url, job.json()["id"], lambda s: s["state"] == "done")
        assert (status["done"], status["failed"]) == (1, 1)
    finally:
        open_to_lan.stop()
