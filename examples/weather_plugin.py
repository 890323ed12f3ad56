"""A complete example plugin: weather forecasts for an agent, offline and deterministic.

It has one of each part a plugin can bring: a service, two providers (one dynamic), an action, an evaluator, an
event handler, an HTTP route, a task worker and a database table. Run it with ``python examples/weather_plugin.py``:
it starts an agent on a throw-away SQLite file, lets a scripted model choose the ``GET_FORECAST`` action (no LLM
offline can choose actions) and prints the conversation. ``docs/plugins.md`` explains each part.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from sqlalchemy import BigInteger, Column, MetaData, Table, Text

from pyeliza import (
    Action,
    ActionResult,
    Content,
    Evaluator,
    EventType,
    HandlerOptions,
    Memory,
    Plugin,
    Provider,
    ProviderResult,
    Route,
    Service,
    State,
    TaskWorker,
)
from pyeliza.errors import ServiceError
from pyeliza.storage.sql.sqlite import SqliteDatabase
from pyeliza.storage.sql.sqlite.database import WriteTx
from pyeliza.types import EventPayload, HandlerCallback, RouteRequest, Task, new_uuid, now_ms

if TYPE_CHECKING:
    from pyeliza.runtime import AgentRuntime

logger = logging.getLogger("pyeliza.examples.weather")

WEATHER_SERVICE = "weather"
DEFAULT_CITY = "Lisbon"
SUMMARIES = ("sunny", "cloudy", "rainy", "windy", "foggy")
CITY_PATTERN = re.compile(r"\b(?:in|for|at)\s+([A-Z][a-zA-Z-]+)")

schema = MetaData()
reports = Table(
    "weather_reports",
    schema,
    Column("id", Text, primary_key=True),
    Column("agent_id", Text, nullable=False),
    Column("city", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class Forecast:
    city: str
    summary: str
    high_c: int

    def sentence(self) -> str:
        return f"{self.city}: {self.summary}, up to {self.high_c} °C."


class WeatherService(Service):
    """Makes forecasts (a hash of city and day stands in for a weather API) and counts what it served."""

    service_type: ClassVar[str] = WEATHER_SERVICE
    capability_description: ClassVar[str] = "Daily weather forecasts by city"

    def __init__(self, runtime: AgentRuntime | None = None, default_city: str = DEFAULT_CITY) -> None:
        super().__init__(runtime)
        self.default_city = default_city
        self.served = 0
        self.messages_seen = 0

    @classmethod
    async def start(cls, runtime: AgentRuntime) -> Self:
        city = runtime.get_setting("WEATHER_DEFAULT_CITY")
        return cls(runtime, str(city) if city else DEFAULT_CITY)

    async def stop(self) -> None:
        logger.info("weather service served %d forecasts", self.served)

    def forecast(self, city: str, day: int | None = None) -> Forecast:
        day = day if day is not None else now_ms() // 86_400_000
        digest = hashlib.sha256(f"{city.lower()}:{day}".encode()).digest()
        self.served += 1
        return Forecast(city=city, summary=SUMMARIES[digest[0] % len(SUMMARIES)], high_c=8 + digest[1] % 25)


def weather_service(runtime: AgentRuntime) -> WeatherService:
    service = runtime.get_typed_service(WEATHER_SERVICE, WeatherService)
    if service is None:
        raise ServiceError("the weather service is not running: is the weather plugin registered and initialised?")
    return service


def city_in(text: str | None, default: str) -> str:
    found = CITY_PATTERN.search(text or "")
    return found.group(1) if found else default


# -- database --------------------------------------------------------------------------------------------------
async def save_report(runtime: AgentRuntime, forecast: Forecast) -> None:
    """Insert a row into the plugin's own table (migrated at initialise from ``schema``)."""
    row = (new_uuid(), runtime.agent_id, forecast.city, forecast.summary, now_ms())
    connection = await runtime.get_connection()
    if isinstance(connection, SqliteDatabase):

        def insert(tx: WriteTx) -> None:
            tx.conn.execute("INSERT INTO weather_reports VALUES (?, ?, ?, ?, ?)", row)

        await connection.write(insert)
    else:
        await connection.execute("weather report", "INSERT INTO weather_reports VALUES ($1, $2, $3, $4, $5)", *row)


async def count_reports(runtime: AgentRuntime) -> int:
    connection = await runtime.get_connection()
    if isinstance(connection, SqliteDatabase):

        def count(conn: sqlite3.Connection) -> int:
            query = "SELECT count(*) FROM weather_reports WHERE agent_id = ?"
            return int(conn.execute(query, (runtime.agent_id,)).fetchone()[0])

        return await connection.read(count)
    query = "SELECT count(*) FROM weather_reports WHERE agent_id = $1"
    return int(await connection.fetchval("weather report count", query, runtime.agent_id))


# -- providers -------------------------------------------------------------------------------------------------
async def current_weather(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    service = weather_service(runtime)
    forecast = service.forecast(city_in(message.content.text, service.default_city))
    return ProviderResult(
        text=f"# Weather today\n{forecast.sentence()}",
        values={"weatherCity": forecast.city, "weatherSummary": forecast.summary},
        data={"forecast": forecast.__dict__},
    )


async def weather_reports_count(runtime: AgentRuntime, message: Memory, state: State) -> ProviderResult:
    total = await count_reports(runtime)
    return ProviderResult(text=f"{runtime.character.name} has given {total} forecasts.", values={"reports": total})


# -- action ----------------------------------------------------------------------------------------------------
async def has_weather_service(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    return runtime.has_service(WEATHER_SERVICE)


async def get_forecast(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> ActionResult:
    service = weather_service(runtime)
    forecast = service.forecast(city_in(message.content.text, service.default_city))
    await save_report(runtime, forecast)
    if callback is not None:
        await callback(Content(text=f"Forecast for {forecast.sentence()}", actions=["GET_FORECAST"]))
    return ActionResult(
        text=f"Told the user the forecast for {forecast.city}.",
        values={"lastForecastCity": forecast.city},
        data={"actionName": "GET_FORECAST", "forecast": forecast.__dict__},
    )


# -- evaluator -------------------------------------------------------------------------------------------------
async def mentions_weather(runtime: AgentRuntime, message: Memory, state: State | None) -> bool:
    return any(word in (message.content.text or "").lower() for word in ("weather", "forecast", "rain", "sun"))


async def remember_city(
    runtime: AgentRuntime,
    message: Memory,
    state: State | None,
    options: HandlerOptions | None,
    callback: HandlerCallback | None,
    responses: list[Memory] | None,
) -> None:
    """Remember the last city each room asked about, in the agent's key-value cache."""
    city = city_in(message.content.text, "")
    if city:
        await runtime.set_cache(f"weather:last-city:{message.room_id}", city)


# -- event, route, task worker ---------------------------------------------------------------------------------
async def count_message(payload: EventPayload) -> None:
    runtime: AgentRuntime = payload["runtime"]
    service = runtime.get_typed_service(WEATHER_SERVICE, WeatherService)
    if service is not None:
        service.messages_seen += 1


async def forecast_route(request: RouteRequest, runtime: AgentRuntime) -> dict[str, Any]:
    forecast = weather_service(runtime).forecast(request.params["city"])
    return {"city": forecast.city, "summary": forecast.summary, "highC": forecast.high_c}


async def refresh_forecasts(runtime: AgentRuntime, options: dict[str, Any], task: Task) -> None:
    """Runs for every queued task named WEATHER_REFRESH (the bootstrap task service picks them up)."""
    for city in options.get("cities", [DEFAULT_CITY]):
        await save_report(runtime, weather_service(runtime).forecast(str(city)))


weather_plugin = Plugin(
    name="weather",
    description="Daily weather forecasts: a provider, an action, a route and a table of given forecasts",
    services=[WeatherService],
    providers=[
        Provider(name="CURRENT_WEATHER", get=current_weather, description="Today's weather", position=50),
        Provider(name="WEATHER_REPORTS", get=weather_reports_count, description="Forecasts given", dynamic=True),
    ],
    actions=[
        Action(
            name="GET_FORECAST",
            description="Tell the user the weather forecast for a city",
            handler=get_forecast,
            validate=has_weather_service,
            similes=["WEATHER", "FORECAST"],
        )
    ],
    evaluators=[
        Evaluator(
            name="REMEMBER_CITY", description="Remember the city", handler=remember_city, validate=mentions_weather
        )
    ],
    events={EventType.MESSAGE_RECEIVED: [count_message]},
    routes=[Route(type="GET", path="/forecast/:city", handler=forecast_route, name="Forecast", public=True)],
    task_workers=[TaskWorker(name="WEATHER_REFRESH", execute=refresh_forecasts)],
    schema=schema,
    dependencies=["bootstrap"],
)


async def main() -> None:
    from pyeliza.plugins.bootstrap import bootstrap_plugin
    from pyeliza.plugins.classic import classic_plugin
    from pyeliza.testing import Conversation, ScriptedModel, runtime_for_test, xml_reply
    from pyeliza.types import ModelType

    planner = ScriptedModel([xml_reply(actions=["GET_FORECAST"], thought="The user wants a forecast.")])
    async with runtime_for_test(
        plugins=[bootstrap_plugin, classic_plugin, weather_plugin], models={ModelType.TEXT_LARGE: planner}
    ) as runtime:
        chat = await Conversation.start(runtime)
        question = "What will the weather be in Porto?"
        print(f"user:  {question}")
        print(f"agent: {await chat.say(question)}")
        print(f"forecasts stored: {await count_reports(runtime)}")


if __name__ == "__main__":
    asyncio.run(main())
