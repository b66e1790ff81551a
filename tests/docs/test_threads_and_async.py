"""The "Threads and async" page's FastAPI application, exercised concurrently through httpx.

The page's first code block is the application. A listener stands for real work on the caller's
thread, and it is a gate only the event loop can open: each call waits, on its own thread, until a
coroutine on the loop releases it. With ``def`` and ``anyio.to_thread`` endpoints the loop keeps
running while the engine works, so it sees several calls waiting at once and lets them all through;
an ``async def`` endpoint that calls the engine directly holds the loop inside the call, so the
releasing coroutine never runs and every call gives up waiting. Nothing here depends on how fast the
machine is: the proof is who opened the gate, not how long anything took.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "threads.md"
PATIENCE = 60.0  # how long a threaded call waits for the loop; a safety net, never reached when it works
ON_THE_LOOP = 0.3  # how long a call on the loop waits for a release that cannot come


@dataclass
class Gate:
    """Calls in progress wait here until the event loop opens the gate."""

    patience: float = PATIENCE
    opened: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: int = 0
    peak: int = 0
    released: list[bool] = field(default_factory=list)
    gave_up: bool = False

    def wait(self) -> None:
        with self.lock:
            self.waiting += 1
            self.peak = max(self.peak, self.waiting)
        let_through = self.opened.wait(0 if self.gave_up else self.patience)
        with self.lock:
            self.waiting -= 1
            self.released.append(let_through)
            self.gave_up = self.gave_up or not let_through  # one wasted wait is proof enough


def page_app() -> dict:
    first = re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.M | re.S)[0]
    namespace: dict = {"__name__": "threads_page"}
    exec(compile(first, str(PAGE), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def page():
    ns = page_app()
    engine, app = ns["engine"], ns["app"]
    ns["gate"] = Gate()
    engine.on("assess", lambda outcome: ns["gate"].wait())  # work a host does after each change

    @app.post("/blocking/{number}/assess")
    async def blocking(number: str) -> dict:  # what not to do: the engine on the event loop
        return {"state": engine.act(number, "assess", "li", risk="low").to_state}

    yield ns
    engine.close()


async def post_all_and_open(app, paths: list[str], gate: Gate, open_at: int) -> list[httpx.Response]:
    """Post to every path at once while a coroutine on the loop opens the gate once ``open_at`` calls wait."""

    async def opener():
        while not gate.opened.is_set():
            if gate.waiting >= open_at:
                gate.opened.set()
            await asyncio.sleep(0.005)

    opening = asyncio.create_task(opener())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://workspace") as client:
        answers = await asyncio.gather(*(client.post(p) for p in paths))
    opening.cancel()
    return list(answers)


def new_cases(app, n: int) -> list[str]:
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://workspace") as c:
            made = await asyncio.gather(*(c.post("/cases", params={"title": f"纠纷{i}"}) for i in range(n)))
        assert all(r.status_code == 200 for r in made), [r.text for r in made]
        return [r.json()["number"] for r in made]

    return asyncio.run(go())


def test_threaded_endpoints_keep_the_event_loop_free_and_overlap(page):
    app, gate = page["app"], Gate()
    page["gate"] = gate
    numbers = new_cases(app, 20)
    assert len(set(numbers)) == 20
    answers = asyncio.run(post_all_and_open(app, [f"/cases/{n}/assess" for n in numbers], gate, open_at=2))
    assert [a.json()["state"] for a in answers] == ["assessed"] * 20
    assert gate.released == [True] * 20, "a call gave up waiting: the event loop could not run while it worked"
    assert gate.peak >= 2, "the calls never overlapped"
    engine = page["engine"]
    assert all(engine.case(n)["state"] == "assessed" for n in numbers)


def test_calling_the_engine_inside_async_def_blocks_the_loop(page):
    app, gate = page["app"], Gate(patience=ON_THE_LOOP)
    page["gate"] = gate
    numbers = new_cases(app, 3)
    answers = asyncio.run(post_all_and_open(app, [f"/blocking/{n}/assess" for n in numbers], gate, open_at=1))
    assert [a.json()["state"] for a in answers] == ["assessed"] * 3
    assert gate.released == [False] * 3  # the loop was inside each call, so nothing on it could open the gate
    assert gate.peak == 1  # one after the other
