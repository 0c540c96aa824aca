"""Articles at URLs: fetched with httpx under the same limits as files, and never from the
machine's own network unless allowed (SSRF protection).

Every host is resolved before connecting, and every address it resolves to must be a public one;
the connection then goes to the address that was checked (so a second DNS answer cannot swap in
a private one), and each redirect is checked the same way.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from summarizer.config import DEFAULT_MAX_INPUT_BYTES
from summarizer.errors import InputError, InputTooLargeError
from summarizer.ingest import article_from_text
from summarizer.ingest.decode import decode_bytes
from summarizer.schemas import Article, Script

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
CONNECT_TIMEOUT_S = 5.0
TOTAL_TIMEOUT_S = 20.0
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_CANONICAL = re.compile(
    r"""<link[^>]+rel\s*=\s*["']?canonical["']?[^>]*>""", re.IGNORECASE | re.DOTALL
)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    data: bytes
    content_type: str
    charset: str | None  # from the Content-Type header, else the page's meta tag


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _public_address(host: str, port: int, allow_private: bool) -> str:
    """An address of ``host`` to connect to; every address it resolves to must be public."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]  # a literal address
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise InputError(f"cannot resolve {host}: {exc}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise InputError(f"cannot resolve {host}")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global:
                raise InputError(
                    f"refused {host}: it resolves to {address}, a private, loopback, link-local "
                    "or reserved address (start the service with --allow-private-urls to allow it)"
                )
    return addresses[0]


def fetch_page(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    allow_private: bool = False,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    total_timeout_s: float = TOTAL_TIMEOUT_S,
) -> Page:
    """GET an HTML or text page: at most ``MAX_REDIRECTS`` redirects, the size limit enforced
    while the body streams in, a connect timeout and a deadline for the whole fetch.

    Raises:
        InputError: not http(s), refused address, HTTP error, wrong content type, too many
            redirects, timeout; InputTooLargeError: over ``max_bytes``.
    """
    import httpx

    deadline = time.monotonic() + total_timeout_s
    timeout = httpx.Timeout(total_timeout_s, connect=connect_timeout_s)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InputError(f"{url}: only http and https URLs can be read")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = _public_address(parts.hostname, port, allow_private)
            pinned = httpx.URL(url).copy_with(host=address)
            headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": ", ".join(_TEXT_TYPES)}
            extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
            try:
                with client.stream("GET", pinned, headers=headers, extensions=extensions) as reply:
                    if reply.is_redirect and "location" in reply.headers:
                        url = urljoin(url, reply.headers["location"])
                        continue
                    return _read(url, reply, max_bytes, deadline)
            except httpx.TimeoutException:
                raise InputError(f"{url}: timed out") from None
            except httpx.HTTPError as exc:
                raise InputError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from None
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read(url: str, reply: httpx.Response, max_bytes: int, deadline: float) -> Page:
    if reply.status_code >= 400:
        raise InputError(f"{url}: the server answered HTTP {reply.status_code}")
    content_type = reply.headers.get("content-type", "text/html")
    media = content_type.split(";")[0].strip().lower()
    if media not in _TEXT_TYPES:
        raise InputError(f"{url}: not a web page or text ({media})")
    declared = reply.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputTooLargeError(f"{url}: page is over the {max_bytes:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputTooLargeError(f"{url}: page is over the {max_bytes:,}-byte limit")
        if time.monotonic() > deadline:
            raise InputError(f"{url}: timed out")
        chunks.append(chunk)
    data = b"".join(chunks)
    charset = reply.charset_encoding
    if charset is None and media != "text/plain":
        found = _META_CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
    return Page(url=url, data=data, content_type=media, charset=charset)


def _decode(page: Page, max_bytes: int) -> tuple[str, str]:
    if page.charset:
        encoding = _SUPERSETS.get(page.charset.lower(), page.charset.lower())
        try:
            return page.data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead, as for a file
    return decode_bytes(page.data, page.url, max_bytes)


def load_url(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    allow_private: bool = False,
    to_script: Script | None = None,
) -> Article:
    """Fetch and clean the article at ``url``; its metadata keeps the URL and the canonical URL.

    Raises:
        InputError: see ``fetch_page``, and everything ``load_article`` refuses.
    """
    page = fetch_page(url, max_bytes=max_bytes, allow_private=allow_private)
    text, encoding = _decode(page, max_bytes)
    article = article_from_text(
        text,
        name=page.url,
        encoding=encoding,
        to_script=to_script,
        html=page.content_type != "text/plain",
    )
    metadata = {**article.metadata, "url": page.url}
    link = _CANONICAL.search(text[:20000]) if page.content_type != "text/plain" else None
    href = _HREF.search(link.group(0)) if link else None
    if href:
        metadata["canonical_url"] = urljoin(page.url, href.group(1))
    return article.model_copy(update={"metadata": metadata})
