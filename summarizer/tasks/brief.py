"""The brief: ingest → translate (when Chinese) → summary → stance, on one backend."""

from __future__ import annotations

from datetime import UTC, datetime

from summarizer import __version__
from summarizer.backends.base import Backend
from summarizer.schemas import Article, Brief, Paragraph, RunMeta, Translation
from summarizer.tasks.common import OnEvent, Progress, no_events, no_progress
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.stance import label_stance
from summarizer.tasks.stance_label import read_label
from summarizer.tasks.summarize import summarize
from summarizer.tasks.translate import translate


def english_paragraphs(article: Article, translation: Translation | None) -> list[Paragraph]:
    if translation is None:
        return list(article.paragraphs)
    return [Paragraph(id=p.id, text=p.text) for p in translation.paragraphs]


def make_brief(
    article: Article,
    backend: Backend,
    *,
    model: str,
    options: PipelineOptions | None = None,
    target: str | None = None,
    on_progress: Progress = no_progress,
    on_event: OnEvent = no_events,
) -> Brief:
    """Run the whole pipeline on a cleaned article; ``on_event`` gets each part as it is done
    (the article, every translated paragraph, the summary, the stance).

    Raises:
        ParseError, BackendError: a step failed after its retries and re-asks.
    """
    options = options or PipelineOptions()
    translation = None
    on_event("article", article)
    if article.language in ("zh", "mixed"):
        translation = translate(
            article,
            backend,
            model=model,
            options=options,
            on_progress=on_progress,
            on_paragraph=lambda paragraph: on_event("paragraph", paragraph),
        )
    english = english_paragraphs(article, translation)
    title = translation.title if translation else article.title
    on_progress("summary", 0, 1)
    # The stance label first: the summary, key points and evidence then share one view of the
    # article, so a local model reads it once for the three (stance@v1 reads it its own way).
    labelled = read_label(
        english, backend, model=model, target=target, max_reasks=options.max_reasks
    )
    summary = summarize(
        article,
        english,
        backend,
        model=model,
        glossary=options.glossary,
        title=title,
        max_reasks=options.max_reasks,
    )
    on_event("summary", summary)
    on_progress("stance", 0, 1)
    stance = label_stance(
        article,
        english,
        backend,
        model=model,
        target=target,
        title=title,
        max_reasks=options.max_reasks,
        labelled=labelled,
    )
    on_event("stance", stance)
    on_progress("done", 1, 1)
    metas = [m for m in (translation.meta if translation else None, summary.meta, stance.meta) if m]
    # The summary and the stance both name a withheld sentence: say it once.
    warnings = list(
        dict.fromkeys(
            article.warnings
            + (translation.warnings if translation else [])
            + summary.warnings
            + stance.warnings
        )
    )
    return Brief(
        package_version=__version__,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        article=article,
        translation=translation,
        summary=summary,
        stance=stance,
        meta=RunMeta.merge(model, metas),
        warnings=warnings,
    )
