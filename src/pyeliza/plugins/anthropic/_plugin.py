"""``anthropic_plugin``: Claude text and object models through the Messages API."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pyeliza.types import ModelHandler, ModelType, Plugin

from .._remote import ModelRuntime, client_pool_service, client_pool_type
from ._config import AnthropicConfig
from ._messages import generate_object, generate_text

logger = logging.getLogger("pyeliza.plugins.anthropic")


def _handler(operation: Callable[..., Awaitable[Any]], model_type: str, size: str) -> ModelHandler:
    async def handler(runtime: ModelRuntime, params: Any) -> Any:
        return await operation(AnthropicConfig.load(runtime), runtime, params, model_type, size)

    handler.__qualname__ = f"anthropic.{operation.__name__}.{model_type}"
    return handler


async def _init(config: dict[str, str], runtime: ModelRuntime) -> None:
    if not AnthropicConfig.load(runtime).api_key:
        logger.warning("anthropic: ANTHROPIC_API_KEY is not set; model calls will fail until it is configured")


anthropic_plugin = Plugin(
    name="anthropic",
    description="Text and object models from Anthropic's Messages API",
    init=_init,
    services=[client_pool_service(client_pool_type("anthropic"))],
    models={
        ModelType.TEXT_SMALL: _handler(generate_text, ModelType.TEXT_SMALL, "small"),
        ModelType.TEXT_LARGE: _handler(generate_text, ModelType.TEXT_LARGE, "large"),
        ModelType.OBJECT_SMALL: _handler(generate_object, ModelType.OBJECT_SMALL, "small"),
        ModelType.OBJECT_LARGE: _handler(generate_object, ModelType.OBJECT_LARGE, "large"),
    },
)
