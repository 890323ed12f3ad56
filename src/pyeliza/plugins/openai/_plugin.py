"""``create_openai_plugin``: one factory for OpenAI and every OpenAI-compatible server."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pyeliza.types import ModelHandler, ModelType, Plugin

from .._remote import ModelRuntime, client_pool_service, client_pool_type
from ._chat import generate_object, generate_text
from ._config import OpenAIConfig
from ._media import describe_image, embed_text, generate_image, text_to_speech, transcribe

logger = logging.getLogger("pyeliza.plugins.openai")

Operation = Callable[[OpenAIConfig, ModelRuntime, Any], Awaitable[Any]]


def create_openai_plugin(
    name: str = "openai",
    setting_prefix: str = "OPENAI",
    *,
    default_base_url: str | None = None,
    priority: int = 0,
) -> Plugin:
    """A model plugin for an OpenAI-compatible API whose settings are ``<setting_prefix>_API_KEY``,
    ``<setting_prefix>_BASE_URL``, ``<setting_prefix>_SMALL_MODEL``, ... (see ``docs/models.md``).

    ``create_openai_plugin("ollama", "OLLAMA", default_base_url="http://localhost:11434/v1")`` serves a local
    Ollama with the same code as OpenAI itself.
    """

    def bind(operation: Operation) -> ModelHandler:
        async def handler(runtime: ModelRuntime, params: Any) -> Any:
            config = OpenAIConfig.load(runtime, name, setting_prefix, default_base_url)
            return await operation(config, runtime, params)

        handler.__qualname__ = f"{name}.{operation.__name__}"
        return handler

    def sized(operation: Callable[..., Awaitable[Any]], model_type: str, model_setting: str) -> ModelHandler:
        async def handler(runtime: ModelRuntime, params: Any) -> Any:
            config = OpenAIConfig.load(runtime, name, setting_prefix, default_base_url)
            return await operation(config, runtime, params, model_type, model_setting)

        handler.__qualname__ = f"{name}.{operation.__name__}.{model_type}"
        return handler

    async def init(config: dict[str, str], runtime: ModelRuntime) -> None:
        settings = OpenAIConfig.load(runtime, name, setting_prefix, default_base_url)
        if not settings.api_key and not settings.base_url:
            logger.warning(
                "%s: neither %s_API_KEY nor %s_BASE_URL is set; model calls will fail until one is configured",
                name,
                setting_prefix,
                setting_prefix,
            )

    models: dict[str, ModelHandler] = {
        ModelType.TEXT_SMALL: sized(generate_text, ModelType.TEXT_SMALL, "SMALL_MODEL"),
        ModelType.TEXT_LARGE: sized(generate_text, ModelType.TEXT_LARGE, "LARGE_MODEL"),
        ModelType.OBJECT_SMALL: sized(generate_object, ModelType.OBJECT_SMALL, "SMALL_MODEL"),
        ModelType.OBJECT_LARGE: sized(generate_object, ModelType.OBJECT_LARGE, "LARGE_MODEL"),
        ModelType.TEXT_EMBEDDING: bind(embed_text),
        ModelType.IMAGE_DESCRIPTION: bind(describe_image),
        ModelType.TEXT_TO_SPEECH: bind(text_to_speech),
        ModelType.TRANSCRIPTION: bind(transcribe),
        ModelType.IMAGE: bind(generate_image),
    }
    return Plugin(
        name=name,
        description=f"Text, object, embedding, image and audio models from an OpenAI-compatible API ({name})",
        init=init,
        models=models,
        services=[client_pool_service(client_pool_type(name))],
        priority=priority,
    )


openai_plugin = create_openai_plugin()
