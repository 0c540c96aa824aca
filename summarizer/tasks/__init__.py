"""The pipeline's steps: translate, summarize, stance, and the brief that runs them in order."""
