"""Prompt templates: ``prompts/<task>.v<N>.j2`` rendered by jinja2 with ``StrictUndefined``.

A template defines ``{% block system %}`` and ``{% block user %}``; each block becomes one message.
It may define ``{% block examples %}``: lines ``input => reply``, each a user turn and the
assistant's answer, placed between the two.
Every result records the ``id@vN`` of the prompt that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarizer.backends.base import Message
from summarizer.errors import RenderError

_NAME = re.compile(r"^(?P<id>[a-z_]+)\.v(?P<version>\d+)\.j2$")


def prompts_dir() -> Path:
    """Installed wheels carry the templates as ``summarizer/_prompts``; a checkout has ``prompts/``."""
    packaged = Path(__file__).parent / "_prompts"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "prompts"


@dataclass(frozen=True)
class RenderedPrompt:
    id: str
    version: int
    messages: tuple[Message, ...]

    @property
    def ref(self) -> str:
        return f"{self.id}@v{self.version}"


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(prompts_dir())),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


@lru_cache(maxsize=64)
def latest_version(prompt_id: str) -> int:
    versions = [
        int(m.group("version"))
        for path in prompts_dir().glob(f"{prompt_id}.v*.j2")
        if (m := _NAME.match(path.name)) and m.group("id") == prompt_id
    ]
    if not versions:
        raise RenderError(f"no template for prompt {prompt_id!r} in {prompts_dir()}")
    return max(versions)


def _example_turns(examples: str) -> list[Message]:
    """Worked examples as turns of the chat: each line ``input => reply`` becomes the user's
    message and the assistant's answer (a small model copies a shown answer's form better than
    it follows a described one)."""
    turns: list[Message] = []
    for line in examples.splitlines():
        asked, arrow, answered = line.partition("=>")
        if not arrow or not asked.strip() or not answered.strip():
            if line.strip():
                raise RenderError(f"an example is not 'input => reply': {line.strip()!r}")
            continue
        turns.append({"role": "user", "content": asked.strip()})
        turns.append({"role": "assistant", "content": answered.strip()})
    return turns


def render(prompt_id: str, version: int | None = None, **variables: Any) -> RenderedPrompt:
    """Render ``prompts/<prompt_id>.v<version>.j2`` (the latest version by default).

    Raises:
        RenderError: unknown template, a missing variable, or a template without a user block.
    """
    from jinja2 import TemplateError

    version = version if version is not None else latest_version(prompt_id)
    try:
        template = _environment().get_template(f"{prompt_id}.v{version}.j2")
        context = template.new_context(dict(variables))
        messages: list[Message] = []
        for role in ("system", "examples", "user"):
            block = template.blocks.get(role)
            content = "".join(block(context)).strip() if block is not None else ""
            if role == "examples":
                messages += _example_turns(content)
            elif content:
                messages.append({"role": role, "content": content})
    except TemplateError as exc:
        raise RenderError(f"prompt {prompt_id}.v{version}: {exc}") from exc
    if not messages or messages[-1]["role"] != "user":
        raise RenderError(f"prompt {prompt_id}.v{version} has no user block")
    return RenderedPrompt(id=prompt_id, version=version, messages=tuple(messages))
