"""Bytes to text: size and binary checks, BOMs, UTF-16 without BOM, and detected legacy encodings."""

from __future__ import annotations

import codecs
import re

from summarizer.errors import InputError, InputTooLargeError

# Signatures of formats people drop into a batch by mistake.
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"PK\x03\x04": "a zip archive (or docx/xlsx)",
    b"%PDF-": "a PDF document",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"BZh": "a bzip2 archive",
    b"7z\xbc\xaf\x27\x1c": "a 7z archive",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

CUT_OFF = " (last character cut off)"
# Characters Chinese text in UTF-16 is made of: CJK ideographs and punctuation, full-width forms,
# ASCII, white space. Another encoding read as UTF-16 gives rare ideographs, Hangul, private use.
_PLAUSIBLE_UTF16 = re.compile(
    r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u0020-\u007e\u00a0-\u024f\u2000-\u206f\s]"
)
# The most frequent characters of Chinese prose (simplified and traditional) and its punctuation:
# about a third of any real text, almost none of bytes misread as UTF-16.
_COMMON_CHINESE = frozenset(
    "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對"
    "生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學"
    "如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心本前开開但因只从從想实實"
    "日者意无無力它与與长長把机機民第公此已工使情明性知全三又关關点點正业業外将將两兩高间間"
    "由问問很最重并並物手应應战戰向头頭文体體政美相见見被利新产產等制加西月话話合回特代内內"
    "，。、；：？！“”《》（）"
)

# Encodings we accept from the detector: the ones Chinese web text really comes in.
_ACCEPTED = ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "utf_16", "hz")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte for ASCII-heavy text."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls == 0:
        encoding = "utf-16-le"
    elif even_nuls > half * 0.3 and odd_nuls == 0:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return control > max(3, len(text[:20000]) * 0.01)


def decode_bytes(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    """Decode raw article bytes.

    Args:
        data: the bytes as read from a file, stdin or a request.
        name: how the article is called in error messages.
        max_bytes: refuse input larger than this.

    Returns:
        The text and the name of the encoding it was decoded with.

    Raises:
        InputError: empty, too large, binary or undecodable input.
    """
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"{name}: input is {len(data):,} bytes, over the {max_bytes:,}-byte limit"
        )
    if not data.strip():
        raise InputError(f"{name}: input is empty")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: input is binary ({kind}), not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), name), encoding.replace(
                    "-sig", ""
                ) + " (BOM)"
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: has a {encoding} BOM but does not decode: {exc.reason}"
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _checked(utf16, name), "utf-16"
    if b"\x00" in data:
        chinese = _chinese_utf16(data)
        if chinese is not None:
            return _checked(chinese[0], name), chinese[1]
        # A stray NUL or two in text is dropped, as the HTTP API drops it; more is binary.
        try:
            return _checked(data.decode("utf-8"), name), "utf-8"
        except UnicodeDecodeError:
            raise InputError(f"{name}: input is binary (contains NUL bytes), not text") from None
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            # The file ends inside a character: lose that one character, not the article.
            return _checked(data.decode("utf-8", errors="replace"), name), "utf-8" + CUT_OFF
    chinese = _chinese_utf16(data)
    if chinese is not None:
        return _checked(chinese[0], name), chinese[1]
    return _decode_detected(data, name)


def _chinese_utf16(data: bytes) -> tuple[str, str] | None:
    """Chinese text in UTF-16 without a BOM (few or no NUL bytes, so the ASCII test above misses
    it): the byte order whose text is all plausible characters, with common Chinese ones."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4000]
        plausible = len(_PLAUSIBLE_UTF16.findall(sample)) / len(sample)
        common = sum(ch in _COMMON_CHINESE for ch in sample) / len(sample)
        if plausible > 0.97 and common > 0.15 and (best is None or common > best[0]):
            best = (common, text, encoding)
    return (best[1], best[2]) if best else None


def _decode_detected(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_ACCEPTED)).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding (not UTF-8, GB18030 or Big5)")
    encoding = best.encoding
    # GBK and GB2312 are subsets of GB18030: decoding with the superset loses nothing.
    if encoding in ("gbk", "gb2312"):
        encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: does not decode as the detected {encoding}") from exc
    return _checked(text, name), encoding


def check_text(text: str, name: str) -> str:
    """Decoded text as every entry point must see it: not empty, not binary (control characters
    beyond a stray few), and with the stray few removed.

    Raises:
        InputError: empty or binary.
    """
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    if _looks_binary(text):
        raise InputError(f"{name}: input is binary (control characters), not text")
    return _CONTROL.sub("", text)


_checked = check_text
