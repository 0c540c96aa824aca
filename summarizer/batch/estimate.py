"""What a batch will cost before it runs: tokens from the cleaned articles, price from litellm."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from summarizer.batch.inputs import BatchItem
from summarizer.config import Settings
from summarizer.errors import SummarizerError
from summarizer.factory import capabilities_of


@dataclass(frozen=True)
class Estimate:
    articles: int
    unreadable: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None

    def line(self, model: str) -> str:
        cost = (
            f"${self.cost_usd:.4f}"
            if self.cost_usd is not None
            else "unknown (no price for this model)"
        )
        return (
            f"{self.articles} articles ({self.unreadable} unreadable): about "
            f"{self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion tokens; "
            f"cost {cost} on {model}"
        )


def estimate_batch(items: list[BatchItem], settings: Settings) -> Estimate:
    """Tokens and cost of a batch, from the cleaned articles and the pipeline's call pattern.

    Per article: a translation call per chunk (Chinese only; prompt overhead about 450 tokens,
    about one English token out per source token), then a summary and a stance call over the
    English (about 450 tokens of instructions each; about 700 and 300 tokens out).
    """
    from summarizer.ingest import chunk_paragraphs, estimate_tokens

    prompt = completion = unreadable = 0
    for item in items:
        try:
            article = item.load(
                settings.max_input_bytes, allow_private_urls=settings.allow_private_urls
            )
        except SummarizerError:
            unreadable += 1
            continue
        source_tokens = sum(estimate_tokens(p.text) for p in article.paragraphs)
        english_tokens = source_tokens
        if article.language in ("zh", "mixed"):
            chunks = chunk_paragraphs(article.paragraphs, settings.chunk_tokens)
            prompt += source_tokens + 450 * len(chunks)
            completion += source_tokens
        prompt += 2 * (english_tokens + 450)
        completion += 700 + 300
    return Estimate(
        len(items),
        unreadable,
        prompt,
        completion,
        _price(settings.model, settings.api_base_for(settings.model), prompt, completion),
    )


def _price(
    model: str, api_base: str | None, prompt_tokens: int, completion_tokens: int
) -> float | None:
    if not capabilities_of(model, api_base).priced:
        return 0.0
    from summarizer.backends.litellm_backend import load_litellm

    litellm = load_litellm(Path(os.devnull))
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
    except Exception:  # litellm raises many types for models it has no price for
        return None
    return float(prompt_cost + completion_cost)
