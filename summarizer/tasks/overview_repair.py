"""The summary draft corrected by code, never by inventing words: only dropping or moving the
model's own, and saying so. Before any re-ask (a re-ask is a whole second reply): a TL;DR that
runs long or stops mid-sentence keeps its whole sentences (or, when it is one whole sentence
without its full stop, gets one). After the re-asks, as a last resort, a headline over its word
limit is shortened at a word that can end a phrase. On the valid draft, a headline that asks a
question gives way to the TL;DR's first sentence or to the statement before its colon."""

from __future__ import annotations

import re
from typing import Any

from summarizer.ingest.sentences import split_sentences
from summarizer.schemas import DANGLING_WORDS, HEADLINE_MAX_WORDS, SENTENCE_END, TLDR_MAX_WORDS

# Trailing marks a shortened headline should not end on.
_TRAILING = re.compile(r"[\s,;:–—-]+$")


def _bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word).casefold()


def shorten_headline(headline: str, limit: int = HEADLINE_MAX_WORDS) -> str:
    """``headline`` cut to at most ``limit`` words, then back to a word that can end it (not
    "to", "the", "and"...); unchanged when it already fits and ends whole; empty when nothing
    whole is left."""
    words = headline.split()
    kept = words[:limit]
    while kept and _bare(kept[-1]) in DANGLING_WORDS:
        kept.pop()
    if kept == words:
        return headline
    return _TRAILING.sub("", " ".join(kept))


def whole_sentences(text: str, limit: int = TLDR_MAX_WORDS) -> str:
    """The leading sentences of ``text`` that end as sentences and fit in ``limit`` words; empty
    when the first does not."""
    kept: list[str] = []
    used = 0
    for sentence in split_sentences(text.strip()):
        used += len(sentence.split())
        if used > limit or not SENTENCE_END.search(sentence.strip()):
            break
        kept.append(sentence.strip())
    return " ".join(kept)


MIN_CLAUSE_WORDS = 6


def with_full_stop(text: str, limit: int = TLDR_MAX_WORDS) -> str:
    """``text`` ended with a full stop when it is one whole sentence the model left without one
    (at least ``MIN_CLAUSE_WORDS`` words, within ``limit``, not ending on a word that leaves it
    cut off, such as "to" or "the"); empty otherwise."""
    text = _TRAILING.sub("", text.strip())
    words = text.split()
    if not MIN_CLAUSE_WORDS <= len(words) <= limit or len(split_sentences(text)) != 1:
        return ""
    if _bare(words[-1]) in DANGLING_WORDS or SENTENCE_END.search(text):
        return ""
    return text + "."


# A clause that opens with one of these leans on the clause after it: no statement alone.
_SUBORDINATE = frozenset(
    [
        "although",
        "though",
        "while",
        "because",
        "since",
        "as",
        "if",
        "when",
        "whereas",
        "despite",
        "unless",
        "after",
        "before",
    ]
)
_CLAUSE_END = re.compile(r"\s*(?:[,;:]|\s[–—-])\s")


def leading_clause(text: str) -> str:
    """The longest run of leading clauses of ``text``, one sentence that stops midway, that
    reads as a statement (cut at a comma, semicolon, colon or dash, at least
    ``MIN_CLAUSE_WORDS`` words, not opening with "although", "because"...), with a full stop;
    empty when none does. "The article criticizes the controls on AI chips, stating that the
    move is" gives "The article criticizes the controls on AI chips."."""
    if _bare(text.split()[0] if text.split() else "") in _SUBORDINATE:
        return ""
    for cut in reversed(list(_CLAUSE_END.finditer(text))):
        clause = text[: cut.start()].strip()
        words = clause.split()
        if len(words) >= MIN_CLAUSE_WORDS and _bare(words[-1]) not in DANGLING_WORDS:
            return clause + "."
    return ""


def marked_cut(text: str) -> str:
    """``text``, which stops mid-sentence and has nothing whole to keep, shown as cut: without
    its trailing marks, and with "…"."""
    return _TRAILING.sub("", text) + " …"


MIN_STATEMENT_WORDS = 3


def is_question(text: str) -> bool:
    """Whether ``text`` ends with a question mark (closing quotes and brackets aside)."""
    return text.strip().rstrip("\"'”’)]").endswith(("?", "？"))


def headline_statement(headline: str, tldr: str) -> tuple[str, str | None]:
    """``headline``, or a statement in its place when it asks a question (``stated_headline``),
    with a note for the brief's warnings; a question nothing can replace stays, and the note says
    so. Not a re-ask: asked again, the local model wrote the same question three times of three
    (the README example's article)."""
    if not is_question(headline):
        return headline, None
    stated = stated_headline(headline, tldr)
    if not stated:
        return headline, "headline asks a question, and nothing in the brief states a claim for it"
    return (
        stated,
        f"headline asked a question; code put a statement in its place (the model's: {headline!r})",
    )


def stated_headline(headline: str, tldr: str) -> str:
    """A headline that states instead of asking: the TL;DR's first sentence without its full
    stop when it fits the headline's limit; else the words before the question's colon ("Chip
    ban: compromise or strategy?" gives "Chip ban"); else that sentence shortened. Empty when
    there is nothing to state."""
    first = next(iter(split_sentences(tldr.strip())), "").strip()
    claim = "" if not first or is_question(first) else first.rstrip(".!。！")
    if len(claim.split()) < MIN_STATEMENT_WORDS:
        claim = ""
    if claim and len(claim.split()) <= HEADLINE_MAX_WORDS:
        return claim
    before, colon, _ = headline.rpartition(":")
    before = shorten_headline(_TRAILING.sub("", before.strip()))
    if colon and len(before.split()) >= MIN_STATEMENT_WORDS and not is_question(before):
        return before
    return shorten_headline(claim) if claim else ""


def repair_overview(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` (a summary draft's JSON) with its headline and TL;DR made to fit, and a note per
    change."""
    fixed, notes = trim_tldr(data)
    headline = data.get("headline")
    if isinstance(headline, str) and headline.strip():
        shorter = shorten_headline(headline.strip())
        if shorter and shorter != headline.strip():
            fixed["headline"] = shorter
            notes.append(
                f"headline shortened by code to {len(shorter.split())} words "
                f"(the model's: {headline.strip()!r})"
            )
    return fixed, notes


def trim_tldr(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` with a TL;DR that runs long or stops mid-sentence cut to its whole sentences (or,
    one whole sentence without its full stop, given one), and a note when it changed. Safe before
    any re-ask: the sentences kept are the model's, so a re-ask would buy at best the sentence
    that was cut, for a whole second reply."""
    fixed, notes = dict(data), []
    tldr = data.get("tldr")
    if isinstance(tldr, str) and tldr.strip():
        whole = whole_sentences(tldr)
        if whole and whole != tldr.strip():
            fixed["tldr"] = whole
            notes.append("TL;DR cut by code to its whole sentences")
        elif not whole and (ended := with_full_stop(tldr)):
            fixed["tldr"] = ended
            notes.append("TL;DR ended with a full stop by code (the model's sentence had none)")
    return fixed, notes
