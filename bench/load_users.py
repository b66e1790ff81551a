"""Locust users for ``bench_load.py``: people on the web workspace and other systems on the API.

Not a benchmark by itself (``run.py`` only picks up ``bench_*.py``); ``bench_load.py`` runs it with
``locust --headless`` in a process of its own and reads what it writes. The run's settings come
from the JSON file named by ``DISPUTEFLOW_LOAD_CONFIG``:

- ``password``; ``field`` (grid officers and mediators), ``town`` and ``county`` (supervisors at a
  town and above one): user ids, handed out in turn; ``tokens``: API bearer tokens;
- ``phones`` and ``names``: search terms that find cases in the data set;
- ``think``: ``[min, max]`` seconds a user waits between two requests;
- ``skip``: endpoints left out (only ``dashboard``: its supervisors open the board instead);
- ``seconds``: how long to measure; the run stops that long after the last user signed in;
- ``out``: where to write every request's time in ms, by endpoint, taken from when the last user
  has signed in (sign-in, an argon2 hash each, is timed too but apart) until the run is told to
  stop (requests then in flight finish and count), with the failures.

Field users open their work list, a case from it, and add a note to it (the ``note`` action,
which every open case accepts); supervisors open the board, the dashboard and search by phone
and by a party's name; API clients list, show and note cases. Every case a user touches comes
from a list the server gave that user, so it lies within the user's jurisdiction whatever the
data set.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import unquote

import gevent
from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

CONFIG = json.loads(open(os.environ["DISPUTEFLOW_LOAD_CONFIG"], encoding="utf-8").read())
THINK = between(*CONFIG.get("think", [1.0, 5.0]))
CASE_LINK = re.compile(r'href="/cases/([^"/?#]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_turns = {key: itertools.count() for key in ("field", "town", "county", "tokens", "supervisor")}
_times: dict[str, list[float]] = {}
_failures: dict[str, list[str]] = {}
_window = {"from": None, "stop": None}
_ready = {"expected": None, "count": 0}
_env: dict = {}


def _why(r) -> str:
    """What went wrong: the answer's start, or the error when there was no answer (status 0)."""
    return r.text[:300] if r.status_code else repr(r.error)[:300]


def _like_a_browser(client) -> None:
    """Retry once a request sent on a connection the server had just closed as idle.

    uvicorn closes a keep-alive connection after 5 s without a request, and a user who thinks
    for up to 5 s can send on it just as it closes (the reset comes before any answer); browsers
    resend then, and so do these users, once, so the figures are not of a race in the test.
    """
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None, raise_on_status=False)
    client.mount("http://", HTTPAdapter(max_retries=retry))


def _next(key: str) -> str:
    pool = CONFIG[key]
    return pool[next(_turns[key]) % len(pool)]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kw):
    if _window["from"] is None and not name.startswith("sign in"):
        return  # users are still signing in: not yet the load the figures describe
    if _window["stop"] is not None and (start_time or 0) >= _window["stop"]:
        return  # begun after the run was told to stop
    _times.setdefault(name, []).append(response_time)
    if exception is not None:
        _failures.setdefault(name, []).append(str(exception)[:300])


def _open_window() -> None:
    """The figures start once every user is spawned and has signed in (or got its token)."""
    if _window["from"] is None and _ready["expected"] and _ready["count"] >= _ready["expected"]:
        _window["from"] = time.time()
        gevent.spawn_later(CONFIG["seconds"], lambda: _env["environment"].runner.quit())  # a window of that length


@events.init.add_listener
def _init(environment, **kw):
    _env["environment"] = environment


def _signed_in() -> None:
    _ready["count"] += 1
    _open_window()


@events.spawning_complete.add_listener
def _spawned(user_count, **kw):
    _ready["expected"] = user_count
    _open_window()


@events.test_stopping.add_listener
def _stopping(**kw):
    _window["stop"] = time.time()  # requests in flight still finish (--stop-timeout) and count


@events.quitting.add_listener
def _write(environment, **kw):
    end = _window["stop"] or time.time()
    with open(CONFIG["out"], "w", encoding="utf-8") as f:
        json.dump({"seconds": end - (_window["from"] or end), "times": _times, "failures": _failures}, f,
                  ensure_ascii=False)


class _Person(HttpUser):
    """A person signed in to the workspace through the sign-in form (CSRF token from the form page)."""

    abstract = True
    wait_time = THINK
    pool = "field"

    def on_start(self):
        self.user_id = _next(self.pool)
        _like_a_browser(self.client)
        self.cases: list[str] = []
        self.csrf = ""
        page = self.client.get("/login", name="sign in (form)")
        token = CSRF.search(page.text)
        with self.client.post("/login", name="sign in", allow_redirects=False, catch_response=True,
                              data={"csrf": token.group(1) if token else "", "user_id": self.user_id,
                                    "password": CONFIG["password"], "next": "/"}) as r:
            if r.status_code != 303:
                r.failure(f"sign-in of {self.user_id} answered {r.status_code}")
        _signed_in()

    def _page(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{name} answered {r.status_code}: {_why(r)}")
            return r


class FieldUser(_Person):
    """A grid officer or mediator: the work list, a case from it, a note on it."""

    weight = 4

    @task(3)
    def my_work(self):
        r = self._page("/", "my work")
        found = [unquote(n) for n in CASE_LINK.findall(r.text)]
        if found:
            self.cases = found

    @task(3)
    def case_page(self):
        if not self.cases:
            return self.my_work()
        r = self._page(f"/cases/{random.choice(self.cases)}", "case page")
        token = CSRF.search(r.text)
        if token:
            self.csrf = token.group(1)

    @task(1)
    def add_note(self):
        if not (self.cases and self.csrf):
            return self.case_page()
        number = random.choice(self.cases)
        with self.client.post(f"/cases/{number}/act/note", name="case page act (note)", allow_redirects=False,
                              catch_response=True, data={"csrf": self.csrf, "text": "负载测试备注",
                                                         "next": f"/cases/{number}"}) as r:
            if r.status_code != 303:
                r.failure(f"note answered {r.status_code}: {_why(r)}")


class SupervisorUser(_Person):
    """A supervisor at a town or above one (in turn): the board, the dashboard, search."""

    weight = 3

    def on_start(self):
        self.pool = "county" if CONFIG.get("county") and next(_turns["supervisor"]) % 2 else "town"
        super().on_start()

    @task(3)
    def board(self):
        self._page("/board", f"board ({self.pool})")

    @task(1)
    def dashboard(self):
        if "dashboard" in CONFIG.get("skip", []):
            return self.board()  # to see what the rest costs without it
        self._page("/dashboard", "dashboard")

    @task(2)
    def search_phone(self):
        self._page(f"/search?phone={random.choice(CONFIG['phones'])}", "search by phone")

    @task(2)
    def search_name(self):
        self._page(f"/search?party={random.choice(CONFIG['names'])}", "search by party name")


class ApiUser(HttpUser):
    """Another system with a bearer token: list cases, show one, note one."""

    weight = 3
    wait_time = THINK

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_next('tokens')}"
        _like_a_browser(self.client)
        self.cases: list[str] = []
        _signed_in()

    def _get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{name} answered {r.status_code}: {_why(r)}")
            return r

    @task(3)
    def list_cases(self):
        r = self._get("/api/v1/cases?limit=20", "api list")
        if r.status_code == 200:
            self.cases = [c["number"] for c in r.json()["items"]] or self.cases

    @task(3)
    def show(self):
        if not self.cases:
            return self.list_cases()
        self._get(f"/api/v1/cases/{random.choice(self.cases)}", "api show")

    @task(1)
    def act(self):
        if not self.cases:
            return self.list_cases()
        number = random.choice(self.cases)
        with self.client.post(f"/api/v1/cases/{number}/actions/note", name="api act (note)", catch_response=True,
                              json={"data": {"text": "接口负载测试备注"}}) as r:
            if r.status_code != 200:
                r.failure(f"api act answered {r.status_code}: {_why(r)}")
