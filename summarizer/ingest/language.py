"""Language and script detection, and optional Traditional/Simplified conversion (OpenCC)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from summarizer.schemas import Language, Script

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Language:
    """Chinese, English or mixed, from the share of Han characters against Latin words."""
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han == 0 and words == 0:
        return "unknown"
    # One Chinese word is about 1.5 characters; compare like with like.
    share = (han / 1.5) / (han / 1.5 + words)
    if share >= 0.7:
        return "zh"
    if share <= 0.05:
        return "en"
    return "mixed"


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def convert_script(text: str, to: Script) -> str:
    """Convert Chinese text to Simplified (``t2s``) or Traditional (``s2t``)."""
    if to == "simplified":
        return str(_converter("t2s").convert(text))
    if to == "traditional":
        return str(_converter("s2t").convert(text))
    return text


def detect_script(text: str) -> Script:
    """Traditional, Simplified or mixed, by how many characters each conversion changes."""
    han = "".join(_HAN.findall(text))
    if not han:
        return "none"
    traditional_only = sum(
        a != b for a, b in zip(han, convert_script(han, "simplified"), strict=False)
    )
    simplified_only = sum(
        a != b for a, b in zip(han, convert_script(han, "traditional"), strict=False)
    )
    if traditional_only == simplified_only == 0:
        return "simplified"  # only characters shared by both scripts: call it the common case
    if traditional_only >= 4 * max(simplified_only, 1) or simplified_only == 0:
        return "traditional"
    if simplified_only >= 4 * max(traditional_only, 1) or traditional_only == 0:
        return "simplified"
    return "mixed"
