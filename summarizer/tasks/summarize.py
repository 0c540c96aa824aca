"""The structured summary: a small draft from the model, then checks by code."""

from __future__ import annotations

import re

from summarizer.backends.base import Backend
from summarizer.grounding.checks import unsupported_figure
from summarizer.grounding.glossary import Glossary, Term
from summarizer.grounding.numbers import (
    Quantity,
    extract_quantities,
)
from summarizer.grounding.people import document_people
from summarizer.grounding.places import places_in
from summarizer.grounding.quantity_format import format_quantity, notable_quantity
from summarizer.ingest import estimate_tokens
from summarizer.ingest.sentences import split_sentences
from summarizer.prompts import render
from summarizer.schemas import (
    DANGLING_WORDS,
    Article,
    Check,
    Entity,
    Figure,
    KeyPoint,
    OverviewDraft,
    Paragraph,
    RunMeta,
    Summary,
)
from summarizer.structured.reask import complete_structured
from summarizer.tasks.common import prompt_paragraphs
from summarizer.tasks.keypoints import key_points as select_key_points
from summarizer.tasks.overview_repair import headline_statement, repair_overview, trim_tldr
from summarizer.tasks.sentences import ReadingView

MAX_ARTICLE_TOKENS = 5000
SUMMARY_PROMPT_VERSION = 5
MAX_ENTITIES = 15
MAX_FIGURES = 8
MIN_FIGURES = 3


def fit_paragraphs(
    paragraphs: list[Paragraph], budget: int = MAX_ARTICLE_TOKENS
) -> tuple[list[Paragraph], list[str]]:
    """The leading paragraphs that fit the budget, and a warning when some were left out."""
    kept: list[Paragraph] = []
    used = 0
    for paragraph in paragraphs:
        used += estimate_tokens(paragraph.text)
        if kept and used > budget:
            left = len(paragraphs) - len(kept)
            return kept, [
                f"article too long for one call: the last {left} paragraph(s) were not read"
            ]
        kept.append(paragraph)
    return kept, []


def _entities(
    draft: OverviewDraft, article: Article, english: list[Paragraph], glossary: Glossary
) -> list[Entity]:
    """The names that matter, found by code first: glossary names the article uses (in either
    language), and the people of a Chinese article in pinyin and its places in China; then the
    model's entities, kept only when the English names them. In order of first mention, at most
    ``MAX_ENTITIES``."""
    source = "\n".join(p.original or p.text for p in article.paragraphs)
    text = "\n".join(p.text for p in english)
    found: dict[str, tuple[int, Entity]] = {}

    forms: dict[str, set[str]] = {}  # a found glossary name: every English form of its term

    def add(position: int, entity: Entity, term: Term | None = None) -> None:
        key = entity.name.casefold()
        if position < 0:
            return
        if term is not None:
            forms.setdefault(key, set()).update(f.casefold() for f in term.english_forms())
        have = found.get(key)
        # Two glossary lines may give one name (輝達 and 英偉達 are both NVIDIA): at a tie, the one
        # whose Chinese the article uses.
        if have is None or position < have[0] or (position == have[0] and not have[1].chinese):
            found[key] = (position, entity)

    for term in glossary.terms_named_in(f"{source}\n{text}"):
        chinese = next((zh for zh in term.chinese if zh in source), None)
        position = text.find(term.english) if term.english in text else source.find(chinese or "")
        entity = Entity(name=term.english, chinese=chinese, type=term.type, from_glossary=True)
        add(position, entity, term)
    if article.language != "en":
        for person in document_people([p.text for p in article.paragraphs], glossary):
            entity = Entity(name=person.english, chinese=person.chinese, type="person")
            add(source.find(person.chinese), entity)
        for place in places_in(source, glossary):
            entity = Entity(name=place.english, chinese=place.chinese, type="place")
            add(source.find(place.chinese), entity)
    for item in draft.entities:
        known = glossary.lookup_english(item.name, f"{source}\n{text}")
        if known is not None:
            chinese = next((zh for zh in known.chinese if zh in source), None)
            entity = Entity(
                name=known.english, chinese=chinese, type=known.type, from_glossary=True
            )
        else:
            entity = Entity(name=item.name.strip(), type=item.type)
        if entity.name.casefold() in text.casefold():  # a name the text never uses is no entity
            add(text.casefold().find(entity.name.casefold()), entity)

    # A name the source does not write that is another listed name's accepted form ("Foxconn"
    # beside "Hon Hai (Foxconn)") is that entity again.
    def alias(key: str, entity: Entity) -> bool:
        return not entity.chinese and any(
            key in forms.get(other, ()) for other in found if other != key
        )

    ranked = sorted(
        (pair for key, pair in found.items() if not alias(key, pair[1])), key=lambda p: p[0]
    )
    return [entity for _, entity in ranked[:MAX_ENTITIES]]


def _grounded_figures(
    draft: OverviewDraft, article: Article, english: list[Paragraph]
) -> tuple[list[Figure], list[str]]:
    """Figures whose numbers occur in the paragraph they cite (or, corrected, in another one)."""
    english_text = {p.id: p.text for p in english}
    by_id = {p.id: p for p in article.paragraphs}

    def quantities(pid: str) -> frozenset[Quantity]:
        paragraph = by_id.get(pid)
        return _quantities(english_text.get(pid, ""), paragraph) if paragraph else frozenset()

    figures: list[Figure] = []
    problems: list[str] = []
    for item in draft.figures:
        # The usual case, a figure in the paragraph it cites, reads that paragraph alone.
        home = item.paragraph
        if unsupported_figure(item.value, quantities(item.paragraph)) is not None:
            everything = frozenset().union(*(quantities(pid) for pid in by_id))
            problem = unsupported_figure(item.value, everything)
            if problem:
                problems.append(problem)
                continue
            found = next(
                (pid for pid in by_id if unsupported_figure(item.value, quantities(pid)) is None),
                None,
            )
            if found is None:
                problems.append(
                    f"figure {item.value!r}: its numbers are not together in any one paragraph"
                )
                continue
            home = found
            problems.append(
                f"figure {item.value!r} cited {item.paragraph} but is in {home}; corrected"
            )
        if any(f.value == item.value and f.paragraph == home for f in figures):
            continue
        measures = item.measures.strip()
        if _says_nothing(measures, item.value):
            measures = _stating_sentence(item.value, english_text.get(home, "")) or measures
        figures.append(Figure(value=item.value, measures=measures, paragraph=home))
    return figures, problems


# What a small model writes for "what the figure measures" when it says only what kind of number
# it is ("25%: percentage").
_KINDS_OF_NUMBER = frozenset(
    [
        "percentage",
        "percent",
        "number",
        "amount",
        "figure",
        "value",
        "date",
        "statistic",
        "rate",
        "total",
        "count",
        "data",
        "quantity",
        "year",
        "month",
        "day",
        "money",
        "sum",
        "price",
        "share",
        "ratio",
    ]
)


def _says_nothing(measures: str, value: str) -> bool:
    """Whether ``measures`` names only a kind of number, repeats the value, or stops on a word
    that cannot end it ("the fee charged on the": the local model opened a quotation there,
    which the JSON grammar took for the end of the string)."""
    words = measures.casefold().strip(" .").removeprefix("the ").split()
    if words and words[-1].strip("\"'“”‘’,;:") in DANGLING_WORDS:
        return True
    return not words or all(w in _KINDS_OF_NUMBER for w in words) or measures == value


def _stating_sentence(value: str, english: str) -> str | None:
    """The first sentence of ``english`` that states the figure's numbers (what it measures is
    in view there), or ``None``."""
    wanted = extract_quantities(value, words=True)
    for sentence in split_sentences(english):
        if wanted and wanted <= extract_quantities(sentence, words=True):
            return sentence
    return None


_CLAUSE_BREAK = re.compile(r"[,;:]\s+")
MIN_FIGURE_CLAUSE_WORDS = 3
_LINKING = re.compile(r"^(?:and|but|or|with|while)\s+", re.IGNORECASE)


def _stating_clause(quantity: Quantity, sentence: str) -> str:
    """The clause of ``sentence`` that states an amount or a percentage ("cumulative shipments
    of 52,000 units", without the "with" or "and" that joined it), so that the figures of one
    long key sentence do not each repeat all of it; the whole sentence for a date (its clause
    says when, not what) or when no clause of three words or more states the figure alone."""
    if quantity.kind != "date":
        for clause in _CLAUSE_BREAK.split(sentence):
            words = clause.split()
            if len(words) >= MIN_FIGURE_CLAUSE_WORDS and quantity in extract_quantities(clause):
                return _LINKING.sub("", clause.strip().rstrip("."))
    return sentence


def _key_point_figures(key_points: list[KeyPoint], have: list[Figure]) -> list[Figure]:
    """Figures found by code in the key sentences, when the model named few (the local model
    often names none): each with the clause or sentence that states it, so what it measures is
    in view."""
    if len(have) >= MIN_FIGURES:
        return []
    # A figure is listed once: the 25% fee the model named in p5 is not listed again for p18.
    taken = {q for f in have for q in extract_quantities(f.value, words=True)}
    found: list[Figure] = []
    for point in key_points:
        for quantity in sorted(extract_quantities(point.text)):
            home = point.paragraphs[0]
            if notable_quantity(quantity) and quantity not in taken:
                taken.add(quantity)
                found.append(
                    Figure(
                        value=format_quantity(quantity),
                        measures=_stating_clause(quantity, point.text),
                        paragraph=home,
                        found_by="code",
                    )
                )
    return found[: MAX_FIGURES - len(have)]


def _quantities(english: str, paragraph: Paragraph) -> frozenset[Quantity]:
    """Each side on its own, as the translation checks read them, so their results are cached."""
    source = paragraph.original or paragraph.text
    found = extract_quantities(english, words=True)  # a superset of the plain reading
    return found if source == english else found | extract_quantities(source)


def _outlet(model_outlet: str | None, article: Article) -> str | None:
    """The outlet found by ingest wins; the model's guess is kept only if the text names it."""
    if article.source:
        return article.source
    if model_outlet and any(
        model_outlet.casefold() in p.text.casefold() for p in article.paragraphs
    ):
        return model_outlet
    return None


def summarize(
    article: Article,
    english: list[Paragraph],
    backend: Backend,
    *,
    model: str,
    glossary: Glossary,
    title: str | None = None,
    max_reasks: int = 2,
) -> Summary:
    """Summarise the English paragraphs (the translation, or the source when it is English):
    headline, TL;DR, entities and figures in one call, the key sentences chosen in another.

    Raises:
        ParseError: a call gave no valid reply after its re-asks.
    """
    paragraphs, warnings = fit_paragraphs(english)
    shown, withheld = prompt_paragraphs(paragraphs)
    warnings += withheld
    text = " ".join(p["text"] for p in shown)
    view = ReadingView.of(shown, title)
    prompt = render(
        "summarize",
        version=SUMMARY_PROMPT_VERSION,
        glossary=glossary.terms_named_in(text)[:20],
        **view.template_variables(),
    )
    result = complete_structured(
        backend,
        prompt,
        OverviewDraft,
        model=model,
        max_reasks=max_reasks,
        max_tokens=700,
        repair=repair_overview,
        trim=trim_tldr,
    )
    draft = result.value
    warnings += [f"summary: {note}" for note in result.repairs]
    headline, note = headline_statement(draft.headline.strip(), draft.tldr)
    warnings += [f"summary: {note}"] if note else []
    key_points, point_calls, point_reasks = select_key_points(view, backend, model, max_reasks)
    figures, figure_problems = _grounded_figures(draft, article, english)
    figures += _key_point_figures(key_points, figures)
    checks = [
        Check(name="key_points_verbatim", passed=True, details=[]),
        Check(name="figures_in_source", passed=not figure_problems, details=figure_problems),
    ]
    warnings += [f"summary check: {d}" for c in checks for d in c.details]
    return Summary(
        headline=headline,
        tldr=draft.tldr.strip(),
        key_points=key_points,
        entities=_entities(draft, article, english, glossary),
        figures=figures,
        genre=draft.genre,
        outlet=_outlet(draft.outlet, article),
        checks=checks,
        warnings=warnings,
        meta=RunMeta.from_calls(model, result.calls + point_calls, result.reasks + point_reasks),
    )
