"""Line-level boilerplate: image placeholders, disclaimers, promotions, source lines, trailing junk.

Every removed line is returned with its reason so nothing disappears silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.schemas import Removal

_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
_STRAY_MARKUP = re.compile(r"\s*(\*\*|__)\s*$")

# Lines after which nothing belongs to the article any more.
_END_MARKERS = re.compile(
    r"^(特别声明|特別聲明|免责声明|免責聲明|风险提示|風險提示|Risk Warning and Disclaimer"
    r"|Notice: The content above|Disclaimer[:：]|goTop$)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^(Statement: This article represents the views of the author"
    r"|声明[:：]|聲明[:：]|本文仅代表作者|本文僅代表作者|以上内容.*平台|The market has risks)",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^(portai$|I'm PortAI, I can summarize articles\.?$"
    r"|The smartest crypto minds already read our newsletter.*"
    r"|(点击|點擊)?(关注|關注)我们.*|Subscribe to our newsletter.*|placeholder$)",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:來源|来源|Source)\s*[:：]?\s*(?P<value>.+)$")
_ORIGINAL = re.compile(
    r"^(?:Original|原文|原文链接|原文鏈接)\s*[:：]\s*(?P<value>\S+)$", re.IGNORECASE
)
_DATELINE = re.compile(r"^(?P<date>\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2})(?:\s+\d{1,2}:\d{2})?$")
_OUTLET_ONLY = re.compile(
    r"^(Wallstreetcn|华尔街见闻|華爾街見聞|Cryptopolitan|NetEase|网易号|網易號)$"
)
_NETEASE = re.compile(r"网易号|網易號|NetEase Hao")
# "Securities Times — U.S. Eases Export Controls ...": the outlet, a dash, the original headline.
_OUTLET_THEN_TITLE = re.compile(r"^(?P<outlet>.{2,40}?)\s+[—–-]{1,2}\s+\S.*$")


def _outlet_part(value: str) -> str:
    """The outlet of a source line that also gives the original headline after a dash."""
    match = _OUTLET_THEN_TITLE.match(value)
    if match and len(match.group("outlet").split()) <= 5:
        return match.group("outlet")
    return value


@dataclass
class NoiseResult:
    lines: list[str]
    removed: list[Removal] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def strip_noise(lines: list[str]) -> NoiseResult:
    """Drop boilerplate lines, keeping what they said about the source as metadata."""
    result = NoiseResult(lines=[])
    after_end = False
    skip_next_summary = False
    for raw in lines:
        line = _STRAY_MARKUP.sub("", raw).strip()
        if not line:
            continue
        if after_end:
            result.removed.append(Removal(text=line, reason="trailing content after the article"))
            continue
        if _END_MARKERS.match(line):
            if _NETEASE.search(line):
                result.metadata.setdefault("platform", "NetEase")
            result.removed.append(Removal(text=line, reason="platform disclaimer"))
            after_end = True
            continue
        reason = _classify(line, result.metadata)
        if reason == "promotional blurb" and "portai" in line.lower():
            skip_next_summary = True
        elif reason is None and skip_next_summary:
            # Wallstreetcn prints its PortAI machine summary right under the blurb.
            reason = "platform machine summary (PortAI)"
            skip_next_summary = False
        if reason is not None:
            result.removed.append(Removal(text=line, reason=reason))
            continue
        result.lines.append(line)
    return result


def _classify(line: str, metadata: dict[str, str]) -> str | None:
    if _IMAGE.match(line):
        return "image placeholder"
    if _PROMO.match(line):
        return "promotional blurb"
    if _DISCLAIMER.match(line):
        return "disclaimer"
    if len(line) < 200 and (match := _SOURCE.match(line)):
        metadata.setdefault("source", _outlet_part(match.group("value").strip()))
        return "source line (kept as metadata)"
    if match := _ORIGINAL.match(line):
        metadata.setdefault("original_url", match.group("value"))
        return "source link (kept as metadata)"
    if match := _OUTLET_ONLY.match(line):
        metadata.setdefault("outlet", match.group(0))
        return "outlet name (kept as metadata)"
    if match := _DATELINE.match(line):
        metadata.setdefault("published", match.group("date").replace(".", "-"))
        return "dateline (kept as metadata)"
    return None
