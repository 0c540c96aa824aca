"""The ``summarizer`` command: thin wrappers that parse arguments, call the pipeline and print."""

from __future__ import annotations

from summarizer.cli.app import main

__all__ = ["main"]
