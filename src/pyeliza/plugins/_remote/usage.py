"""Token usage in the shape the runtime writes onto ``useModel:<KEY>`` log rows."""

from __future__ import annotations

from pyeliza.types import TokenUsage


def token_usage(
    prompt_tokens: int | None, completion_tokens: int | None, total_tokens: int | None = None
) -> TokenUsage:
    """Build TokenUsage from provider counts; a missing total is the sum of the parts."""
    prompt = int(prompt_tokens or 0)
    completion = int(completion_tokens or 0)
    total = int(total_tokens) if total_tokens is not None else prompt + completion
    return TokenUsage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)


def add_usage(first: TokenUsage | None, second: TokenUsage | None) -> TokenUsage | None:
    """Sum two usages (a retried object call costs both attempts)."""
    if first is None:
        return second
    if second is None:
        return first
    return TokenUsage(
        prompt_tokens=first.prompt_tokens + second.prompt_tokens,
        completion_tokens=first.completion_tokens + second.completion_tokens,
        total_tokens=first.total_tokens + second.total_tokens,
    )
