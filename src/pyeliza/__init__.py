"""pyeliza: a Python runtime for elizaOS-style AI agents."""

from . import errors, types

__version__ = "0.1.0"

__all__ = ["__version__", "errors", "types"]
