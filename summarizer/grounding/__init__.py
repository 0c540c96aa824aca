"""Grounding by code, no model: the glossary of names, numbers in Chinese and English, and the
checks that compare a translation or a summary with its source."""
