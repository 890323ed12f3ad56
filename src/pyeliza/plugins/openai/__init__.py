"""OpenAI and OpenAI-compatible model providers (Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter, Groq).

Needs the optional ``openai`` SDK (``pip install 'pyeliza[openai]'``); it is imported on the first model call.
"""

from ._config import DEFAULT_EMBEDDING_DIMENSIONS, DEFAULT_MODELS, OpenAIConfig
from ._plugin import create_openai_plugin, openai_plugin

__all__ = ["DEFAULT_EMBEDDING_DIMENSIONS", "DEFAULT_MODELS", "OpenAIConfig", "create_openai_plugin", "openai_plugin"]
