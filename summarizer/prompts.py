"""Prompt templates: ``prompts/<task>.v<N>.j2`` rendered by jinja2 with ``StrictUndefined``.

A template defines ``{% block system %}`` and ``{% block user %}``; each block becomes one message.
Worked examples go between them as blocks ``example1_user``, ``example1_assistant``, ... (earlier
turns of the chat, the same for every call, so a local model reuses them from its KV cache).
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


_EXAMPLE_BLOCK = re.compile(r"^example(\d+)_(user|assistant)$")


def _block_order(blocks: dict[str, Any]) -> list[str]:
    """system, then the worked examples in number order (user before assistant), then user."""
    examples = sorted(
        (int(m.group(1)), m.group(2) == "assistant", name)
        for name in blocks
        if (m := _EXAMPLE_BLOCK.match(name))
    )
    order = ["system"] if "system" in blocks else []
    order += [name for _, _, name in examples]
    return order + (["user"] if "user" in blocks else [])


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
        for name in _block_order(template.blocks):
            content = "".join(template.blocks[name](context)).strip()
            if content:
                role = "assistant" if name.endswith("_assistant") else name.split("_")[-1]
                messages.append({"role": role, "content": content})
    except TemplateError as exc:
        raise RenderError(f"prompt {prompt_id}.v{version}: {exc}") from exc
    if not messages or messages[-1]["role"] != "user":
        raise RenderError(f"prompt {prompt_id}.v{version} has no user block")
    return RenderedPrompt(id=prompt_id, version=version, messages=tuple(messages))
