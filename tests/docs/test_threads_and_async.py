"""The "Threads and async" page's FastAPI application, exercised concurrently through httpx.

The page's first code block is the application. A listener that takes 0.2 s per change stands for
real work on the caller's thread: with ``def`` and ``anyio.to_thread`` endpoints the event loop keeps
ticking while twenty requests run and they overlap; an ``async def`` endpoint that calls the engine
directly stalls the loop for as long as each call lasts — what the page warns about.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "threads.md"
SLOW = 0.2


def page_app() -> dict:
    first = re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.M | re.S)[0]
    namespace: dict = {"__name__": "threads_page"}
    exec(compile(first, str(PAGE), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def page():
    ns = page_app()
    engine, app = ns["engine"], ns["app"]
    engine.on("assess", lambda outcome: time.sleep(SLOW))  # real work a host does after each change

    @app.post("/blocking/{number}/assess")
    async def blocking(number: str) -> dict:  # what not to do: the engine on the event loop
        return {"state": engine.act(number, "assess", "li", risk="low").to_state}

    yield ns
    engine.close()


async def run_with_heartbeat(app, paths: list[str]) -> tuple[list[httpx.Response], float, float]:
    """Post to every path at once; the longest gap between ticks of a 10 ms heartbeat, and the wall time."""
    gaps: list[float] = []
    stop = asyncio.Event()

    async def heartbeat():
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    started = time.perf_counter()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://workspace") as client:
        answers = await asyncio.gather(*(client.post(p) for p in paths))
    elapsed = time.perf_counter() - started
    stop.set()
    await beat
    return answers, max(gaps), elapsed


def new_cases(app, n: int) -> list[str]:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://workspace") as c:
            made = await asyncio.gather(*(c.post("/cases", params={"title": f"纠纷{i}"}) for i in range(n)))
        assert all(r.status_code == 200 for r in made), [r.text for r in made]
        return [r.json()["number"] for r in made]

    return asyncio.run(go())


def test_threaded_endpoints_keep_the_event_loop_free_and_overlap(page):
    app = page["app"]
    numbers = new_cases(app, 20)
    assert len(set(numbers)) == 20
    answers, worst_gap, elapsed = asyncio.run(run_with_heartbeat(app, [f"/cases/{n}/assess" for n in numbers]))
    assert [a.json()["state"] for a in answers] == ["assessed"] * 20
    assert worst_gap < SLOW, f"the event loop stalled for {worst_gap:.3f} s"
    assert elapsed < 20 * SLOW * 0.75, f"twenty requests took {elapsed:.2f} s: they did not overlap"
    engine = page["engine"]
    assert all(engine.case(n)["state"] == "assessed" for n in numbers)


def test_calling_the_engine_inside_async_def_blocks_the_loop(page):
    app = page["app"]
    numbers = new_cases(app, 3)
    answers, worst_gap, elapsed = asyncio.run(run_with_heartbeat(app, [f"/blocking/{n}/assess" for n in numbers]))
    assert [a.json()["state"] for a in answers] == ["assessed"] * 3
    assert worst_gap >= SLOW, worst_gap  # the heartbeat could not tick while the engine ran on the loop
    assert elapsed >= 3 * SLOW  # one after the other
