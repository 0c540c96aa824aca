"""The pipeline's options, built once from ``Settings`` and passed to every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from summarizer.config import Settings
from summarizer.grounding.glossary import Glossary, builtin_glossary, load_glossary

Mode = Literal["chunks", "paragraphs"]


@dataclass(frozen=True)
class PipelineOptions:
    """How the steps run, whatever calls them (CLI, service, batch, evals).

    Attributes:
        glossary: the names to enforce (built-in, or extended by the user's file).
        chunk_tokens: estimated source tokens per translation chunk (chunked mode).
        max_reasks: re-asks with the validation error before a step gives up.
        refine: critique the draft translation and re-translate the faulted paragraphs.
        mode: translation mode; None lets the backend's capabilities choose.
        candidates: translations drawn per paragraph, the consensus kept (1: the likeliest
            reply alone; more costs that many times the translation calls).
    """

    glossary: Glossary = field(default_factory=builtin_glossary)
    chunk_tokens: int = 350
    max_reasks: int = 2
    refine: bool = False
    mode: Mode | None = None
    candidates: int = 1

    @classmethod
    def from_settings(
        cls, settings: Settings, *, glossary: Glossary | None = None, refine: bool = False
    ) -> PipelineOptions:
        """The options ``settings`` describe; ``glossary`` replaces the settings' glossary file."""
        return cls(
            glossary=glossary if glossary is not None else load_glossary(settings.glossary),
            chunk_tokens=settings.chunk_tokens,
            max_reasks=settings.max_reasks,
            refine=refine,
            candidates=settings.candidates,
        )
