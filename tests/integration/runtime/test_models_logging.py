"""Each use_model call writes one useModel:<TYPE> row with run id, provider, timing, prompt and usage."""

from __future__ import annotations

from typing import Any

from pyeliza import AgentRuntime
from pyeliza.testing import runtime_for_test
from pyeliza.types import ModelResponse, ModelType, TokenUsage


async def with_usage(runtime: AgentRuntime, params: Any) -> ModelResponse:
    return ModelResponse("answer", TokenUsage(prompt_tokens=3, completion_tokens=2, total_tokens=5))


async def test_text_call_log_row(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url, models={ModelType.TEXT_LARGE: with_usage}) as rt:
        room = "00000000-0000-0000-0000-0000000000c1"
        await rt.ensure_connection("00000000-0000-0000-0000-0000000000c2", room, name="Someone")
        run_id = rt.start_run(room_id=room)
        assert await rt.use_model(ModelType.TEXT_LARGE, "what?") == "answer"
        rt.end_run()
        rows = await rt.get_logs(type="useModel:TEXT_LARGE", count=5)
        assert len(rows) == 1
        body = rows[0].body
        assert rows[0].room_id == room
        assert body["runId"] == run_id
        assert body["provider"] == "test-models"
        assert body["prompt"] == "what?"
        assert body["usage"] == {"promptTokens": 3, "completionTokens": 2, "totalTokens": 5}
        assert body["response"] == "answer"
        assert body["executionTime"] >= 0


async def test_embedding_rows_hide_the_vector(database_url: str) -> None:
    async with runtime_for_test(database_url=database_url) as rt:
        await rt.use_model(ModelType.TEXT_EMBEDDING, "some text")
        rows = await rt.get_logs(type="useModel:TEXT_EMBEDDING", count=10)
        assert rows and all(row.body["response"] == "[array]" for row in rows)
