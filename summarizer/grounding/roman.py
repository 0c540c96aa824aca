"""Roman numerals as the figures they are: Chinese news grades warnings and water quality with
the Unicode numerals Ⅰ to Ⅻ (江河洪水Ⅲ级预警, Ⅳ类标准), and English writes the same grade
"Level III" or "Class IV" (or "a IV-level response"). The number check reads both as 3 and 4
once this has rewritten them in Arabic digits."""

from __future__ import annotations

import re

# The Number Forms block: Ⅰ (U+2160) to Ⅻ (U+216B), and ⅰ (U+2170) to ⅻ (U+217B).
_UNICODE = {chr(0x2160 + i): str(i + 1) for i in range(12)} | {
    chr(0x2170 + i): str(i + 1) for i in range(12)
}
_UNICODE_NUMERAL = re.compile(f"[{''.join(_UNICODE)}]")
# Latin letters read as a numeral only after a word that ranks something ("Level III", "Class
# IV"): elsewhere "I" is a pronoun and "CV" an abbreviation.
_RANKED = re.compile(
    r"\b(?P<word>level|class|grade|category|phase|type|tier|stage)(?P<gap>[ -])"
    r"(?P<roman>(?:X|IX|X?(?:IV|V?I{0,3})))\b",
    re.IGNORECASE,
)
# Or before it, as a modifier ("a IV-level emergency response", "III class water"); a lone "I"
# only with a hyphen ("I-level"), since "I" before a word is the pronoun.
_RANKED_BEFORE = re.compile(
    r"\b(?P<roman>(?=[IVX])(?:X|IX|X?(?:IV|V?I{0,3})))(?P<gap>[ -])"
    r"(?P<word>level|class|grade|category|phase|type|tier|stage)\b",
    re.IGNORECASE,
)
_VALUES = {"I": 1, "V": 5, "X": 10}


def _value(roman: str) -> int:
    total = 0
    for letter, following in zip(roman, [*roman[1:], ""], strict=True):
        value = _VALUES[letter]
        total += -value if following and _VALUES[following] > value else value
    return total


def arabic_numerals(text: str) -> str:
    """``text`` with its Unicode Roman numerals, and the Latin ones after a ranking word, in
    Arabic digits: 江河洪水Ⅲ级 → 江河洪水3级, "Level IV emergency response" → "Level 4 …",
    "a IV-level response" → "a 4-level response"."""
    if _UNICODE_NUMERAL.search(text):
        text = _UNICODE_NUMERAL.sub(lambda m: _UNICODE[m.group(0)], text)

    def latin(match: re.Match[str]) -> str:
        roman = match.group("roman").upper()
        if not roman or match.group("roman") != roman:  # "Class iv" is no grade
            return match.group(0)
        return f"{match.group('word')}{match.group('gap')}{_value(roman)}"

    def latin_before(match: re.Match[str]) -> str:
        roman = match.group("roman")
        if roman != roman.upper() or (roman == "I" and match.group("gap") != "-"):
            return match.group(0)
        return f"{_value(roman)}{match.group('gap')}{match.group('word')}"

    return _RANKED_BEFORE.sub(latin_before, _RANKED.sub(latin, text))
