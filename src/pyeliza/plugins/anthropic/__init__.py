"""Anthropic (Claude) model provider.

Needs the optional ``anthropic`` SDK (``pip install 'pyeliza[anthropic]'``); it is imported on the first model call.
"""

from ._config import DEFAULT_LARGE_MODEL, DEFAULT_MAX_TOKENS, DEFAULT_SMALL_MODEL, AnthropicConfig
from ._plugin import anthropic_plugin

__all__ = ["DEFAULT_LARGE_MODEL", "DEFAULT_MAX_TOKENS", "DEFAULT_SMALL_MODEL", "AnthropicConfig", "anthropic_plugin"]
