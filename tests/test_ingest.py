from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.errors import InputError
from summarizer.ingest import article_from_text, chunk_paragraphs, estimate_tokens, load_article
from summarizer.ingest.pinyin import MOJIBAKE_MARKER, strip_ruby
from summarizer.schemas import Article, Paragraph
from tests.conftest import seed

JUNK = [
    "![](",
    "特別聲明",
    "特别声明",
    "Notice: The content above",
    "PortAI",
    "Risk Warning",
    "免責聲明",
    "placeholder",
    "goTop",
    "smartest crypto minds",
    "Statement: This article",
]
PINYIN = re.compile(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")


def body(article: Article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


def assert_clean(article: Article) -> None:
    text = body(article)
    for junk in JUNK:
        assert junk not in text, junk
    assert not PINYIN.search(text)
    assert [p.id for p in article.paragraphs] == [
        f"p{i}" for i in range(1, len(article.paragraphs) + 1)
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_articles_come_out_clean(prefix: str) -> None:
    article = load_article(seed(prefix))
    assert_clean(article)
    assert len(article.paragraphs) >= 5


def test_chinese_seed_is_repaired() -> None:
    article = load_article(seed("003"))
    text = body(article)
    assert article.language == "zh" and article.script == "traditional"
    assert not MOJIBAKE_MARKER.search(text)
    assert "特朗普的話" in text
    assert "(H200)" not in text and "H200" in text
    assert article.metadata["platform"] == "NetEase" and article.source == "NetEase"
    assert any(r.reason == "image placeholder" for r in article.removed)
    assert article.repairs and article.warnings


def test_english_seed_metadata_and_trailing_junk() -> None:
    a004 = load_article(seed("004"))
    assert a004.language == "en"
    assert a004.paragraphs[-1].text.startswith("The foreign ministry of China stated")
    assert a004.source == "Cryptopolitan"
    assert any(
        r.reason == "trailing content after the article" and "聯發科" in r.text
        for r in a004.removed
    )
    assert load_article(seed("002")).source == "Wallstreetcn"
    a000 = load_article(seed("000"))
    assert (
        a000.source == "Securities Times"
    )  # the original headline after the dash is not the outlet
    assert a000.metadata["original_url"].startswith("toutiao.com")


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_reencoded_chinese_seed(encoding: str, tmp_path: Path) -> None:
    original = load_article(seed("003"))
    text = seed("003").read_text(encoding="utf-8")
    data = text.encode(encoding, errors="replace" if encoding == "big5" else "strict")
    path = tmp_path / f"003.{encoding}.txt"
    path.write_bytes(data)
    article = load_article(path)
    assert_clean(article)
    if encoding != "big5":  # Big5 cannot represent every character of the seed
        assert "特朗普的話" in body(article)
        assert body(article) == body(original)
    assert article.language == "zh"


def test_html_page_wrapping_a_seed() -> None:
    paragraphs = [
        p for p in seed("004").read_text(encoding="utf-8").splitlines()[4:20] if p.strip()
    ]
    html = (
        "<!DOCTYPE html><html><head><title>China turns buyers against Nvidia</title>"
        '<meta property="article:published_time" content="2025-08-21">'
        "<script>var tracking = 'x';</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/crypto'>Crypto</a> | <a href='/markets'>Markets</a></nav>"
        "<article><h1>China turns buyers against Nvidia</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>Copyright 2025 Example Media. All rights reserved. Privacy policy.</footer>"
        "</body></html>"
    )
    article = load_article(html.encode("utf-8"), name="page.html")
    text = body(article)
    assert "Lutnick" in text and "tracking" not in text and "Privacy policy" not in text
    assert "Home | Crypto" not in text
    assert article.title is not None and "Nvidia" in article.title
    assert article.published == "2025-08-21"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("美國(guó)總統(tǒng)", "美國總統"),
        ("英偉達(dá)(H200)芯片", "英偉達(H200)芯片"),
        ("在(2025)年", "在(2025)年"),
        ("人工智能(AI)", "人工智能(AI)"),
        ("normal (text) here", "normal (text) here"),
        ("中國(zhōng guó)", "中國"),
    ],
)
def test_strip_ruby(text: str, expected: str) -> None:
    assert strip_ruby(text)[0] == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG"),
        (b"\x00\x01\x02\x03binary\x00\x00", "binary"),
        (bytes(range(128, 256)) * 40, "encoding"),
    ],
)
def test_bad_input_is_a_clear_input_error(data: bytes, problem: str) -> None:
    with pytest.raises(InputError) as info:
        load_article(data, name="bad.txt")
    message = str(info.value)
    assert message.startswith("bad.txt:") and "\n" not in message
    assert problem.lower() in message.lower()


def test_zip_and_oversized_input() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(InputError, match="zip"):
        load_article(buffer.getvalue(), name="a.zip")
    with pytest.raises(InputError, match="over the 100-byte limit"):
        load_article("中文".encode() * 100, name="big.txt", max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_article(tmp_path / "nope.txt")


def test_script_conversion_keeps_original() -> None:
    article = load_article(seed("003"), to_script="simplified")
    assert article.script == "traditional"
    converted = [p for p in article.paragraphs if p.original]
    assert converted and "美国总统" in converted[0].text
    assert "美國總統" in (converted[0].original or "")


def test_language_detection_mixed() -> None:
    article = article_from_text(
        "英伟达公司发布了新的芯片。\nNvidia released a new chip today in California, analysts said."
    )
    assert article.language == "mixed"


def test_chunking_keeps_paragraphs_whole_and_splits_only_oversized() -> None:
    paragraphs = [
        Paragraph(id=f"p{i}", text="这是一个句子。" * (3 if i != 5 else 60)) for i in range(1, 11)
    ]
    chunks = chunk_paragraphs(paragraphs, budget_tokens=60)
    for chunk in chunks:
        assert sum(estimate_tokens(piece.text) for piece in chunk) <= 60 or len(chunk) == 1
    ids = [piece.id for chunk in chunks for piece in chunk]
    assert ids.count("p5") > 1 and all(ids.count(f"p{i}") == 1 for i in range(1, 11) if i != 5)
    rejoined = "".join(piece.text for chunk in chunks for piece in chunk if piece.id == "p5")
    assert rejoined == paragraphs[4].text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_fuzz_random_bytes(data: bytes) -> None:
    try:
        article = load_article(data, name="fuzz")
    except InputError:
        return
    assert isinstance(article, Article) and article.paragraphs


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_fuzz_random_unicode(text: str) -> None:
    try:
        article = load_article(text.encode("utf-8", errors="surrogatepass"), name="fuzz")
    except InputError:
        return
    assert isinstance(article, Article) and article.paragraphs


# ------------------------------------------------------------------ hostile and odd input


def _seed_text() -> str:
    return seed("003").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_chinese_utf16_without_bom(encoding: str) -> None:
    from summarizer.ingest import load_article

    article = load_article(_seed_text().encode(encoding), name="u16")
    assert article.encoding == encoding and article.language == "zh"


def test_gb18030_is_not_mistaken_for_utf16() -> None:
    from summarizer.ingest.decode import decode_bytes

    simplified = (
        "美国总统特朗普看似对华妥协，却被中国一眼识破阴谋！英伟达的芯片出口政策引发讨论。" * 20
    )
    for cut in (len(simplified), len(simplified) - 1):
        assert decode_bytes(simplified[:cut].encode("gb18030"), "g", 10**6)[1] == "gb18030"


def test_limit_holds_for_devices_and_fifos(tmp_path: Path) -> None:
    import os
    import threading

    from summarizer.errors import InputTooLargeError
    from summarizer.ingest import load_article

    with pytest.raises(InputTooLargeError, match="over the 1,000-byte limit"):
        load_article(Path("/dev/zero"), max_bytes=1000)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write_forever() -> None:
        try:
            with fifo.open("wb") as handle:
                while True:
                    handle.write(b"x" * 4096)
        except BrokenPipeError:
            pass  # the reader stopped at the limit, as it should

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    with pytest.raises(InputTooLargeError):
        load_article(fifo, max_bytes=10_000)
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_a_cut_off_last_character_loses_only_that_character() -> None:
    from summarizer.ingest import load_article

    data = "英伟达发布了新的芯片。台积电负责生产。".encode()[:-1]
    article = load_article(data, name="cut")
    assert (
        article.encoding.startswith("utf-8")
        and "英伟达发布了新的芯片" in article.paragraphs[0].text
    )
    assert any("last character was cut off" in w for w in article.warnings)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Nvidia\x00 sold chips in China on Monday.", "Nvidia sold chips in China on Monday."),
        ("\x00\x01\x02\x03\x04\x05 binary junk " * 20, "binary"),
        ("Nvidia sold \ud800 chips.", "not valid Unicode"),
    ],
)
def test_the_api_and_the_cli_agree_on_control_characters(
    tmp_path: Path, text: str, outcome: str
) -> None:
    from summarizer.errors import InputError
    from summarizer.ingest import article_from_text, load_article

    def api() -> str:
        return article_from_text(text, name="x").paragraphs[0].text

    def cli() -> str:
        path = tmp_path / "a.txt"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        return load_article(path, name="x").paragraphs[0].text

    for read in (api, cli):
        if outcome in ("binary", "not valid Unicode"):
            with pytest.raises(InputError):
                read()
        else:
            assert read() == outcome
