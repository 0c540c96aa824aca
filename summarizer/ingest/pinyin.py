"""Pinyin ruby annotations such as ``美國(guó)`` and GBK mojibake such as ``因?yàn)樘乩势盏脑挘€``."""

from __future__ import annotations

import re

from summarizer.schemas import Repair

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_LETTERS = f"a-zü{_TONED}"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A tone-marked syllable group in parentheses right after a Han character. Requiring a tone mark
# keeps ordinary parentheses such as (H200), (2025) or (AI) untouched.
_RUBY = re.compile(
    rf"(?<=[{_HAN}])[(（]((?=[{_PINYIN_LETTERS} ]*[{_TONED}])[{_PINYIN_LETTERS}]+(?: [{_PINYIN_LETTERS}]+)*)[)）]"
)

# What is left of an annotation whose opening parenthesis was eaten by a byte shift: ``?yàn)``.
MOJIBAKE_MARKER = re.compile(rf"\?([{_PINYIN_LETTERS}]*[{_TONED}][{_PINYIN_LETTERS}]*)\)")

# Characters a GBK byte stream decodes into; the garbled run is a sequence of these.
# A garbled run ends at the first ASCII character or at a "€" (bytes that never decoded).
_GBK_RUN = re.compile(rf"[{_HAN}\u3000-\u303f\uff00-\uffef]*€|[{_HAN}\u3000-\u303f\uff00-\uffef]+")
_CLEAN_CHAR = re.compile(rf"[{_HAN}\u3000-\u303f\uff00-\uffefA-Za-z0-9]")


def strip_ruby(text: str) -> tuple[str, int]:
    """Remove pinyin annotations; returns the new text and how many were removed."""
    return _RUBY.subn("", text)


def _is_clean(decoded: str) -> bool:
    return bool(decoded) and all(_CLEAN_CHAR.match(ch) for ch in decoded)


def _shift_decode(run: str, following: str) -> tuple[str, int, bool] | None:
    """Undo a one-byte GBK shift.

    Returns the repaired text, how many characters of ``following`` it consumed and whether
    a dangling lead byte was dropped at the end; ``None`` where the repair does not decode.
    """
    gbk_part = run.rstrip("€")  # '€' stands for bytes that never decoded: they are lost.
    try:
        raw = gbk_part.encode("gb18030")[1:]
    except UnicodeEncodeError:
        return None
    candidates: list[tuple[bytes, int, bool]] = [(raw, 0, False)]
    nxt = following[:1]
    if nxt.isascii() and nxt.isprintable() and nxt not in "?(":
        # A dangling lead byte at the end pairs with the ASCII byte that follows the run.
        candidates.append((raw + nxt.encode("ascii"), 1, False))
    candidates.append((raw[:-1], 0, True))  # or it lost its partner: drop it
    for data, consumed, dangling in candidates:
        try:
            decoded = data.decode("gbk")
        except UnicodeDecodeError:
            continue
        if _is_clean(decoded):
            return decoded, consumed, dangling
    return None


def repair_mojibake(text: str) -> tuple[str, list[Repair], list[str]]:
    """Repair GBK runs read one byte out of step.

    Each garbled run follows a marker such as ``?yàn)``: the ``?`` is a character whose bytes
    could not be decoded, and everything after it is shifted by one byte until ASCII resyncs
    the stream. Re-encoding the run as GB18030, dropping the first byte and decoding as GBK
    gives the original characters back. The character behind the ``?`` itself is lost.

    Returns:
        The repaired text, the repairs made and warnings for runs left as they were.
    """
    repairs: list[Repair] = []
    warnings: list[str] = []
    out: list[str] = []
    pos = 0
    resynced_at = -1  # where a run ended by dropping a dangling byte: the stream is in step again
    while True:
        marker = MOJIBAKE_MARKER.search(text, pos)
        if marker is None:
            out.append(text[pos:])
            break
        out.append(text[pos : marker.start()])
        run = _GBK_RUN.match(text, marker.end())
        run_text = run.group(0) if run else ""
        end = marker.end() + len(run_text)
        if marker.start() == resynced_at:
            # The '?' swallowed the dangling byte, so what follows is already in step.
            repairs.append(Repair(kind="gbk-shift", before=marker.group(0), after=""))
            pos = marker.end()
            continue
        fixed = _shift_decode(run_text, text[end:]) if run_text else ("", 0, False)
        if fixed is None:
            warnings.append(f"mojibake run {text[marker.start() : end]!r} could not be repaired")
            out.append(text[marker.start() : end])
            pos = end
            continue
        decoded, consumed, dangling = fixed
        before = text[marker.start() : end + consumed]
        repairs.append(Repair(kind="gbk-shift", before=before, after=decoded))
        out.append(decoded)
        pos = end + consumed
        resynced_at = pos if dangling else -1
    repaired = "".join(out)
    if repairs:
        warnings.append(
            f"repaired {len(repairs)} GBK mojibake run(s); the character behind each '?' is lost"
        )
    return repaired, repairs, warnings
