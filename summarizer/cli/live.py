"""What ``brief`` shows while it works. On a terminal: each paragraph's English as soon as it is
translated, above a progress bar with an ETA (rich), cleared before the brief is printed.
Elsewhere: one plain line per step. Nothing with ``-q``. Always on stderr: stdout is the brief's."""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

from summarizer.cli.common import StderrProgress
from summarizer.schemas import TranslatedParagraph

_STEPS_AFTER_TRANSLATION = 2  # the summary and the stance


class LiveBrief:
    def __init__(self, quiet: bool = False) -> None:
        self.lines = StderrProgress(quiet)
        self.bar: Any = None
        self.task: Any = None
        self.console: Any = None
        if sys.stderr.isatty() and not quiet:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.console = Console(stderr=True)
            self.bar = Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )

    def progress(self, step: str, done: int, total: int) -> None:
        if self.bar is None:
            self.lines(step, done, total)
            return
        if self.task is None:
            self.bar.start()
            steps = (total if step == "translate" else 0) + _STEPS_AFTER_TRANSLATION
            self.task = self.bar.add_task(step, total=steps)
        if step == "translate":
            self.bar.update(self.task, completed=done, description="translate")
        elif step in ("summary", "stance"):
            translated = self.bar.tasks[0].total - _STEPS_AFTER_TRANSLATION
            self.bar.update(self.task, completed=translated + (step == "stance"), description=step)
        elif step == "done":
            self.stop()

    def event(self, kind: str, payload: BaseModel) -> None:
        if self.console is not None and isinstance(payload, TranslatedParagraph):
            from rich.text import Text

            # As text, not markup: an article's "[1]" or "[bold]" must print as written.
            self.console.print(Text.assemble((payload.id, "dim"), " ", payload.text))

    def stop(self) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.stop()
            self.task = None
