"""The eval harness: datasets with hand-written references, metrics, runs and reports.

``evals`` imports ``summarizer``; ``summarizer`` never imports ``evals`` (the ``eval`` CLI
command is registered as a plugin through the ``summarizer.commands`` entry point).
"""
