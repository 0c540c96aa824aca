"""Guard rails on the shape of the code: small modules and functions, and no model-name tests
above the backends (callers ask a backend's capabilities instead)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = sorted([*(ROOT / "summarizer").rglob("*.py"), *(ROOT / "evals").rglob("*.py")])
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 80


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long


def test_only_the_backends_read_a_model_string_s_provider() -> None:
    provider_test = re.compile(r"""startswith\(\s*\(?["'](?:local|openai|ollama)/""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if "backends" not in path.parts and provider_test.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
