"""Bytes to text: size and binary checks, BOMs, UTF-16 without BOM, and detected legacy encodings."""

from __future__ import annotations

import codecs

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
        raise InputError(f"{name}: input is binary (contains NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_detected(data, name)


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


def _checked(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    if _looks_binary(text):
        raise InputError(f"{name}: input is binary (control characters), not text")
    return text
