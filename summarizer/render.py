"""Readable Markdown for a brief and a cleaned article."""

from __future__ import annotations

from summarizer.render_warnings import reader_warning
from summarizer.schemas import Article, Brief


def _paragraph_refs(ids: list[str]) -> str:
    return f" [{', '.join(ids)}]" if ids else ""


def _header(brief: Brief) -> list[str]:
    """Outlet, kind, date and where the article came from, in one italic line."""
    summary, article = brief.summary, brief.article
    bits = [b for b in (summary.outlet, summary.genre, article.published) if b]
    origin = article.metadata.get("url") or article.name
    if origin and origin not in ("-", "<stdin>", "request"):
        bits.append(origin)
    return [f"*{' · '.join(bits)}*", ""] if bits else []


def _quote_blocks(brief: Brief) -> list[str]:
    """Each quote as its own block quote; a quote from the translation shows the Chinese of its
    paragraph under it, so a reader can check the original."""
    originals = {p.id: p.original or p.text for p in brief.article.paragraphs}
    lines: list[str] = []
    for evidence in brief.stance.evidence:
        lines += [f"> {evidence.quote}", ">"]
        if evidence.source == "translation" and evidence.paragraph in originals:
            chinese = originals[evidence.paragraph]
            lines += [f"> 原文 {chinese[:160]}{'…' if len(chinese) > 160 else ''}", ">"]
        lines += [f"> — {evidence.paragraph}", ""]
    return lines


def brief_markdown(brief: Brief) -> str:
    summary, stance, meta = brief.summary, brief.stance, brief.meta
    lines = [f"# {summary.headline}", "", *_header(brief)]
    lines += [f"**TL;DR** {summary.tldr}", "", "## Key points", ""]
    lines += [f"- {kp.text}{_paragraph_refs(kp.paragraphs)}" for kp in summary.key_points]
    target_note = " (target inferred)" if stance.target_inferred else ""
    support = "" if stance.supported else " — unsupported: no quote shows the author's side"
    lines += [
        "",
        "## Stance",
        "",
        f"**{stance.label}** toward *{stance.target}*{target_note}, confidence {stance.confidence:.2f}{support}",
        "",
        stance.rationale,
        "",
        *_quote_blocks(brief),
    ]
    if summary.entities:
        lines += ["## Entities", ""]
        for entity in summary.entities:
            chinese = f" · {entity.chinese}" if entity.chinese else ""
            lines.append(f"- {entity.name}{chinese} — {entity.type}")
    if summary.figures:
        lines += ["", "## Figures", ""]
        lines += [f"- **{f.value}** — {f.measures} [{f.paragraph}]" for f in summary.figures]
    if brief.warnings:
        lines += ["", "## What to check", ""]
        lines += [f"- {w}" for w in dict.fromkeys(reader_warning(w) for w in brief.warnings)]
    cost = f"${meta.cost_usd:.4f}" if meta.cost_usd is not None else "cost unknown"
    lines += [
        "",
        "---",
        "",
        f"Model {meta.model} · {meta.calls} calls ({meta.cached_calls} cached, {meta.reasks} re-asks) · "
        f"{meta.prompt_tokens + meta.completion_tokens} tokens · {cost} · {meta.latency_s:.1f} s model time · "
        f"prompts {', '.join(meta.prompts)}",
    ]
    return "\n".join(lines) + "\n"


def article_text(article: Article) -> str:
    lines = [
        f"# {article.name}",
        f"language={article.language} script={article.script} encoding={article.encoding}",
    ]
    if article.title:
        lines.append(f"title: {article.title}")
    for key, value in sorted(article.metadata.items()):
        lines.append(f"{key}: {value}")
    lines.append("")
    lines += [f"{p.id}\t{p.text}" for p in article.paragraphs]
    if article.repairs:
        lines += ["", "## Repairs"] + [
            f"- {r.kind}: {r.before!r} -> {r.after!r}" for r in article.repairs
        ]
    if article.removed:
        lines += ["", "## Removed"] + [f"- [{r.reason}] {r.text[:100]}" for r in article.removed]
    if article.warnings:
        lines += ["", "## Warnings"] + [f"- {w}" for w in article.warnings]
    return "\n".join(lines) + "\n"
