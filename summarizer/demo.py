"""Demo replies for ``-m fake``: schema-valid answers to the pipeline's own prompts, derived from
their input, every one plainly marked ``[FAKE]``. The fake backend knows no domain; the factory
hands it this responder."""

from __future__ import annotations

import json
import re

from summarizer.backends.base import Request
from summarizer.grounding.glossary import builtin_glossary, english_pattern
from summarizer.grounding.numbers import extract_quantities
from summarizer.grounding.quantity_format import format_quantity
from summarizer.schemas import DANGLING_WORDS

_PARAGRAPH = re.compile(r'<p id="(?P<id>[^"]+)">(?P<text>.*?)</p>', re.DOTALL)
_SENTENCE = re.compile(r"^.+?(?:[.!?。！？](?=\s|$)|$)", re.DOTALL)
_SENTENCE_ID = re.compile(r"^\[(s\d+)\]", re.MULTILINE)
_SENTENCE_MARK = re.compile(r"^\[s\d+\] ", re.MULTILINE)
_PART = re.compile(r"the sentences from s(\d+) to s(\d+)")
_WANTED = re.compile(r"Pick the (\d+) sentence")


def _section(request: Request, tag: str) -> str:
    user = "\n".join(m["content"] for m in request.messages if m["role"] == "user")
    match = re.search(rf"<{tag}>(.*?)</{tag}>", user, re.DOTALL)
    return match.group(1) if match else ""


def _paragraphs(request: Request, tag: str) -> list[tuple[str, str]]:
    """(id, text) of each paragraph, without the sentence numbers of the reading prompts."""
    return [
        (m["id"], " ".join(_SENTENCE_MARK.sub("", m["text"]).split()))
        for m in _PARAGRAPH.finditer(_section(request, tag))
    ]


def _first_sentence(text: str, max_words: int = 25) -> str:
    match = _SENTENCE.match(text.strip())
    sentence = match.group(0) if match else text
    return " ".join(sentence.split()[:max_words])


def _headline(text: str) -> str:
    """``[FAKE]`` and the first words of ``text``, not ending on a word that leaves it cut off."""
    words = _first_sentence(text).split()[:10]
    while words and re.sub(r"[^\w']", "", words[-1]).casefold() in DANGLING_WORDS:
        words.pop()
    return ("[FAKE] " + " ".join(words))[:95]


def _as_sentence(text: str) -> str:
    """``text`` ending as a sentence does (the TL;DR check refuses one cut off)."""
    text = text.rstrip()
    return text if text[-1:] in ".!?。！？" else text.rstrip(",;:") + "."


def _quantity_words(text: str) -> list[str]:
    """Dates as readers write them (January 13, 2026); other figures in canonical form."""
    return [
        format_quantity(q) if q.kind == "date" else str(q) for q in sorted(extract_quantities(text))
    ]


def _fake_translation(text: str) -> str:
    names = [t.english for t in builtin_glossary().terms_in(text)]
    parts = ["[FAKE translation]"]
    if names:
        parts.append("Names: " + ", ".join(dict.fromkeys(names)) + ".")
    figures = _quantity_words(text)
    if figures:
        parts.append("Figures: " + "; ".join(figures) + ".")
    parts.append(f"({len(text)} characters of source.)")
    return " ".join(parts)


def _english_entities(paragraphs: list[tuple[str, str]]) -> list[dict[str, str]]:
    text = " ".join(t for _, t in paragraphs)
    entities: dict[str, dict[str, str]] = {}
    for term in builtin_glossary().terms:
        if term.english not in entities and any(
            english_pattern(form).search(text) for form in term.english_forms()
        ):
            entities[term.english] = {"name": term.english, "type": term.type}
    return list(entities.values())[:6]


def _figures(paragraphs: list[tuple[str, str]]) -> list[dict[str, str]]:
    figures = []
    for pid, text in paragraphs:
        for match in re.finditer(
            r"(?<![A-Za-z\d])\d[\d,.]*\s*(?:%|percent|billion|million)?", text
        ):
            value = match.group(0).strip().rstrip(".,")
            if value:
                figures.append(
                    {"value": value, "measures": "[FAKE] a figure in the text", "paragraph": pid}
                )
                break
        if len(figures) == 3:
            break
    return figures


def _allowed_ids(request: Request) -> set[str]:
    """The sentence ids the request's schema allows, when it names them (evidence shortlists)."""
    items = (request.schema or {}).get("properties", {}).get("sentences", {}).get("items", {})
    return set(items.get("enum", []))


def demo_reply(request: Request) -> str:
    """A schema-valid reply for the pipeline's own prompts, derived from their input."""
    task = request.prompt.split("@")[0]
    if task == "translate":
        items = _paragraphs(request, "TRANSLATE_THIS")
        payload: object = {
            "paragraphs": [{"id": i, "english": _fake_translation(t)} for i, t in items]
        }
    elif task == "summarize":
        paragraphs = _paragraphs(request, "ARTICLE") or [("p1", "(empty)")]
        points = [paragraphs[i % len(paragraphs)] for i in range(3)]
        payload = {
            "headline": _headline(paragraphs[0][1]),
            "tldr": _as_sentence("[FAKE] " + _first_sentence(paragraphs[0][1], 40)[:380]),
            "key_points": [
                # The prefix alone meets the schema's 30-character floor, whatever the article.
                {
                    "text": (f"[FAKE] key point drawn from paragraph {i}: " + _first_sentence(t))[
                        :240
                    ],
                    "paragraphs": [i],
                }
                for i, t in points
            ],
            "entities": _english_entities(paragraphs),
            "figures": _figures(paragraphs),
            "genre": "other",
            "outlet": None,
        }
    elif task == "stance":
        paragraphs = _paragraphs(request, "ARTICLE") or [("p1", "(empty)")]
        target = _section(request, "TARGET").strip() or "the article's main subject"
        pid, text = paragraphs[0]
        payload = {
            "target": target,
            "label": "neutral",
            "confidence": 0.0,
            "rationale": "[FAKE] The fake backend does not read the article; it always answers neutral.",
            "evidence": [{"quote": _first_sentence(text, 20), "paragraph": pid}],
        }
    elif task in ("keypoints", "stance_evidence"):
        ids = _SENTENCE_ID.findall(_section(request, "ARTICLE")) or ["s1"]
        if allowed := _allowed_ids(request):
            ids = [i for i in ids if i in allowed] or ids
        task_text = request.messages[-1]["content"].split("</ARTICLE>")[-1]
        if part := _PART.search(task_text):  # key points of one part: the part's first ones
            first, last = int(part.group(1)), int(part.group(2))
            ids = [i for i in ids if first <= int(i[1:]) <= last] or ids
        wanted = _WANTED.findall(task_text)
        payload = {"sentences": ids[: int(wanted[-1]) if wanted else 3]}
    elif task == "compare":
        # The first key point of each article "states the same claim": one group, plainly fake.
        firsts: dict[str, str] = {}
        for key, article in re.findall(
            r"^\[(k\d+)\] \((A\d+)\)", _section(request, "ARTICLE"), re.M
        ):
            firsts.setdefault(article, key)
        payload = {"groups": [list(firsts.values())] if len(firsts) > 1 else []}
    elif task == "translate_paragraph":
        return _fake_translation(_section(request, "TRANSLATE_THIS").strip())
    elif task == "critique":
        payload = {"issues": []}
    elif task in ("naive_translate", "translate_plain"):
        return _fake_translation(request.messages[-1]["content"])
    elif task == "naive":
        text = request.messages[-1]["content"].split("\n\n", 1)[-1]
        payload = {
            "translation": _fake_translation(text),
            "headline": _headline(text),
            "key_points": ["[FAKE] " + _first_sentence(text)],
            "stance": "neutral",
        }
    else:
        return "[FAKE] " + _first_sentence(_section(request, "ARTICLE") or "no input", 40)
    if isinstance(payload, dict) and request.schema and "properties" in request.schema:
        # Answer exactly the fields the request's schema asks for (prompt versions differ).
        payload = {k: v for k, v in payload.items() if k in request.schema["properties"]}
    return json.dumps(payload, ensure_ascii=False)
