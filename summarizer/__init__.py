"""summarizer: trustworthy English briefs of Chinese news."""

__version__ = "0.1.0"
