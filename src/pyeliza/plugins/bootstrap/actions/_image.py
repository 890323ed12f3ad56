"""GENERATE_IMAGE: write an image prompt and render it with the IMAGE model — §7.3.13 (valid only with one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ....prompts import IMAGE_PROMPT_TEMPLATE, compose_prompt_from_state, parse_xml_tree
from ....types import (
    Action,
    ActionResult,
    Content,
    ContentType,
    HandlerCallback,
    HandlerOptions,
    Media,
    Memory,
    ModelType,
    State,
    new_uuid,
    now_ms,
)
from ._examples import exchange

if TYPE_CHECKING:
    from ....runtime import AgentRuntime

_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp", "bmp")


async def _validate(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    return bool(runtime.models.get(ModelType.IMAGE))


def _first_url(result: Any) -> str | None:
    items = result if isinstance(result, list) else [result]
    for item in items:
        if isinstance(item, str) and item:
            return item
        if isinstance(item, dict) and item.get("url"):
            return str(item["url"])
    return None


async def _handler(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    providers = [p for r in responses or [] for p in r.content.providers or []]
    state = await runtime.compose_state(message, [*providers, "RECENT_MESSAGES"])
    template = (runtime.character.templates or {}).get("imageGenerationTemplate") or IMAGE_PROMPT_TEMPLATE
    answer = await runtime.use_model(ModelType.TEXT_LARGE, {"prompt": compose_prompt_from_state(state, template)})
    parsed = (parse_xml_tree(answer) if isinstance(answer, str) else None) or {}
    image_prompt = str(parsed.get("prompt") or message.content.text or "").strip()
    url = _first_url(await runtime.use_model(ModelType.IMAGE, {"prompt": image_prompt}))
    if url is None:
        return ActionResult(
            success=False, error="the image model returned no image", data={"actionName": "GENERATE_IMAGE"}
        )
    suffix = urlparse(url).path.rsplit(".", 1)[-1].lower() if "." in urlparse(url).path else ""
    extension = suffix if suffix in _EXTENSIONS else "png"
    attachment = Media(
        id=new_uuid(), url=url, title=f"Generated_Image_{now_ms()}.{extension}", content_type=ContentType.IMAGE
    )
    if callback is not None:
        await callback(
            Content(
                text=image_prompt,
                attachments=[attachment],
                thought=str(parsed.get("thought") or ""),
                actions=["GENERATE_IMAGE"],
                source=message.content.source,
            )
        )
    return ActionResult(
        success=True,
        text=f"Generated an image: {image_prompt}",
        values={"imageGenerated": True, "imageUrl": url, "prompt": image_prompt},
        data={"actionName": "GENERATE_IMAGE", "attachment": attachment.to_json_dict()},
    )


generate_image_action = Action(
    name="GENERATE_IMAGE",
    description="Generate an image from a description the user gives.",
    handler=_handler,
    validate=_validate,
    similes=["DRAW", "CREATE_IMAGE", "RENDER_IMAGE", "VISUALIZE"],
    examples=[exchange("Draw a lighthouse at dusk", "Here it is.", ["GENERATE_IMAGE"])],
)
