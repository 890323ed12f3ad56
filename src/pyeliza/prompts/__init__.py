"""Prompt utilities: templates, response parsers, BM25, formatters and streaming extractors."""

from .bm25 import BM25, tokenize

__all__ = ["BM25", "tokenize"]
