"""Whether the article's English has the words of a sentence written about it.

The stance label's rationale is the model's own writing, and the local model fills it with
reasons the article does not give: of the README example's commentary on the US taking 25% of
NVIDIA's H200 sales it wrote "arguing that it is a violation of international trade rules and a
threat to American manufacturing and employment", and the article speaks of none of them. A
reason the model made up is mostly made of words the article never uses; a reason the article
gives is mostly made of its words. So code reads each part of a rationale after its leading
clause (which names the label and the target) for its content words, stemmed with the Snowball
English stemmer, and keeps the part only when the article has at least ``SUPPORTED_SHARE`` of
them. Words about the text itself ("the article", "the author argues", "highlights") and the
author's attitude ("concern", "negative") are not content. This catches invented reasons; it
cannot catch a misreading made of the article's own words ("the decision to restrict the
export", of an article on allowing it), and it drops a fair reason put in other words.

The word lists were set on the local model's rationales of the seeds and the 25 NLPCC posts
(twenty-seventh session, judged by reading): of 31 plus the README example's, it drops 6 parts,
5 of them made up and one a misreading. On 16 WMT21 segments it had not seen it dropped 8: 4
made up, 1 half made up, 2 fair glosses in other words, 1 of English that was no translation;
it kept one made-up judgement half made of the article's words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache

import snowballstemmer

from summarizer.ingest.sentences import split_sentences

SUPPORTED_SHARE = 0.5
MIN_CONTENT_WORDS = 3  # fewer say too little to judge by their words, and the part is kept

_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
# Words that carry no content of their own (compared as written), and words a rationale uses
# about the text or its author's attitude rather than for what the text says (compared by stem,
# so one form of each is enough).
_FUNCTION_WORDS = """
a an the and or but nor of to in on at by for with from as into onto over under about against
between through during than then that this these those it its they them their there here who
whom whose which what when where why how is are was were be been being has have had do does did
done will would can could may might must shall should not no yes also very more most much many
some any such other others own only just so too even well both either neither each all while
because since though although whether if s t one ones us we our he him his she her i me my you
your same new including potential additional various certain particular significant broader
possible several further without another
"""
_ABOUT_THE_TEXT = """
article author writer text piece post commentary report reader tone stance argue argument claim
state statement say note point highlight emphasize emphasise stress suggest describe criticize
criticise critical critic criticism support supportive favor favour oppose neutral mixed express
view believe think mention provide overall present use evidence example portray depict show
reflect call consider regard phrase word language term quote clear explicit direct strong
opinion sentiment negative positive attitude concern enthusiasm sarcasm sarcastic irony ironic
approval disapproval justify
"""


# A Snowball stemmer keeps the word it works on in itself, so threads (a batch briefs several
# articles at once) each have their own: shared, two threads' words mixed and it raised.
_local = threading.local()


def _stems(words: Iterable[str]) -> list[str]:
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("english")
    return list(_local.stemmer.stemWords(list(words)))


@cache
def _function_words() -> frozenset[str]:
    return frozenset(_FUNCTION_WORDS.split())


@cache
def _not_content() -> frozenset[str]:
    return _function_words() | frozenset(_stems(_ABOUT_THE_TEXT.split()))


def _content(text: str) -> list[tuple[str, str]]:
    """``text``'s content words with their stems, in order (function words, numbers and words
    about the text left out)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _function_words()]
    stems = _stems(w.replace("'s", "") for w in words)
    return [
        (word, stem)
        for word, stem in zip(words, stems, strict=True)
        if stem not in _not_content() and not stem[0].isdigit()
    ]


def content_stems(text: str) -> list[str]:
    """The stems of ``text``'s content words, in order."""
    return [stem for _, stem in _content(text)]


def article_stems(texts: Iterable[str]) -> frozenset[str]:
    """Every content stem of the article's English (its paragraphs, title, target)."""
    return frozenset(stem for text in texts for stem in content_stems(text))


def unsupported(part: str, article: frozenset[str]) -> list[str]:
    """The content words of ``part`` the article does not have, when they are more than
    ``1 - SUPPORTED_SHARE`` of at least ``MIN_CONTENT_WORDS``; empty when the article has enough
    of its words (or it has too few to judge)."""
    pairs = _content(part)
    if len(pairs) < MIN_CONTENT_WORDS:
        return []
    missing = [word for word, stem in pairs if stem not in article]
    return missing if len(missing) > (1 - SUPPORTED_SHARE) * len(pairs) else []


# Where a rationale's first sentence turns from its label to its reasons: ", arguing that",
# ", stating that", ", as it", ", which".
_REASONS_START = re.compile(
    r",\s+(?=(?:[a-z]+ing|which|because|as|since|while|for|and|but|with)\b)", re.IGNORECASE
)


def supported_rationale(rationale: str, article: frozenset[str]) -> tuple[str, list[str]]:
    """``rationale`` without the parts the article's words do not support, and those parts.

    Its first sentence's leading clause (the label and the target) always stays; the reasons
    after it, and each later sentence, stay only when ``unsupported`` finds nothing in them.
    """
    sentences = split_sentences(rationale.strip())
    if not sentences:
        return rationale, []
    kept: list[str] = []
    dropped: list[str] = []
    first = sentences[0].strip()
    if (turn := _REASONS_START.search(first)) and unsupported(first[turn.end() :], article):
        dropped.append(first[turn.end() :].strip())
        first = first[: turn.start()].rstrip() + "."
    kept.append(first)
    for sentence in sentences[1:]:
        (dropped if unsupported(sentence, article) else kept).append(sentence.strip())
    return " ".join(kept), dropped
