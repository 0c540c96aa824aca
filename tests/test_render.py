"""The Markdown brief, rendered by a CommonMark renderer (markdown-it-py) as a reader sees it."""

from __future__ import annotations

from markdown_it import MarkdownIt

from summarizer.backends import FakeBackend
from summarizer.demo import demo_reply
from summarizer.ingest import load_article
from summarizer.render import brief_markdown
from summarizer.render_warnings import reader_warning
from summarizer.schemas import Evidence
from summarizer.tasks.brief import make_brief
from tests.conftest import seed


def test_each_quote_is_its_own_block_with_its_chinese_original() -> None:
    article = load_article(seed("003"))
    brief = make_brief(article, FakeBackend(responder=demo_reply), model="fake")
    evidence = [
        Evidence(quote="The US set a harsh condition.", paragraph="p5", source="translation"),
        Evidence(quote="This is wanting it both ways.", paragraph="p6", source="translation"),
    ]
    brief = brief.model_copy(
        update={"stance": brief.stance.model_copy(update={"evidence": evidence})}
    )
    html = MarkdownIt("commonmark").render(brief_markdown(brief))
    assert html.count("<blockquote>") == 2
    first = html.split("<blockquote>")[1].split("</blockquote>")[0]
    assert "The US set a harsh condition." in first and "原文" in first and "p5" in first
    original = next(p for p in article.paragraphs if p.id == "p5")
    assert (original.original or original.text)[:20] in first
    assert "(鴻海)" not in html and "Hon Hai (Foxconn) · 鴻海" in html  # no doubled brackets
    assert "<h2>What to check</h2>" in html and "translation check failed" not in html


def test_warnings_are_said_in_plain_words() -> None:
    assert reader_warning("translation check failed: p34: 64% from the source is missing") == (
        "p34: the original's figure 64% is not in the English; check this paragraph"
    )
    from summarizer.grounding.checks import glossary_problems
    from summarizer.grounding.glossary import builtin_glossary

    (problem,) = glossary_problems(
        "緯創等廠商也都為英偉達供貨。", "Wistron supplies.", builtin_glossary()
    )
    assert reader_warning(f"translation check failed: p24: {problem}") == (
        "p24: the name 英偉達 is not given as NVIDIA, the name the press uses; check it"
    )
    assert reader_warning("summary check: figure '25%' cited p7 but is in p5; corrected") == (
        "the figure 25% is from p5, not p7; corrected"
    )
    assert reader_warning(
        "translation check failed: p24: the English says 'such as tsmc wistron hon hai and' 2 "
        "times: it repeats itself"
    ) == (
        "p24: the English repeats itself (2 times: such as tsmc wistron hon hai and…); "
        "check this paragraph"
    )
    assert reader_warning(
        "translation check failed: p7: the reply refuses to translate instead of translating: "
        "translate the text"
    ) == ("p7: the model refused to translate this paragraph; read the original")
    assert reader_warning("something new") == "something new"
