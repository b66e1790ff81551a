"""One engine serves readers of every language at once: the language is an argument of each call.

Requests in Chinese and in English run at the same moment against the same
app; each must come back wholly in its reader's language, and neither the
engine nor its runtime may be copied (or built again) to get there.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.conftest import report
from tests.web_support import live, login, sqlite_url  # noqa: F401

REQUESTS = 24


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def _no_copies(monkeypatch) -> list[str]:
    """Make any copy of the engine or its runtime, or a second runtime, fail loudly; returns what was tried."""
    from disputeflow import Engine
    from disputeflow.workflow import runtime

    tried: list[str] = []

    def refuse(what):
        def copy_hook(self, *args):
            tried.append(what)
            raise AssertionError(f"{what} copied")
        return copy_hook

    for cls in (Engine, runtime.Runtime):
        monkeypatch.setattr(cls, "__copy__", refuse(cls.__name__), raising=False)
        monkeypatch.setattr(cls, "__deepcopy__", refuse(cls.__name__), raising=False)
    built = runtime.Runtime.__init__

    def count_init(self, *args, **kwargs):
        tried.append("Runtime()")
        built(self, *args, **kwargs)

    monkeypatch.setattr(runtime.Runtime, "__init__", count_init)
    return tried


def test_concurrent_readers_each_get_their_own_language(live, monkeypatch):
    engine = live.engine
    number = report(engine)
    d = engine.definition()
    token = engine.create_token("languages", "med1")["token"]
    pages = {lang: login(live, "med1") for lang in ("zh_CN", "en")}
    pages["en"].get("/lang/en")
    tried = _no_copies(monkeypatch)
    expect = {lang: {"state": d.state_label("reported", lang), "action": d.action_label("assess", lang),
                     "event": d.action_label("report", lang)} for lang in ("zh_CN", "en")}
    assert expect["zh_CN"]["state"] != expect["en"]["state"]

    def api_call(i: int, lang: str) -> None:
        with httpx.Client(base_url=live.url + "/api/v1", timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            kind = i % 4
            if kind == 0:
                doc = c.get(f"/cases/{number}", params={"lang": lang}).json()
                got = {"state": doc["state_label"]}
            elif kind == 1:
                doc = c.get("/cases", params={"lang": lang}).json()
                got = {"state": doc["items"][0]["state_label"]}
            elif kind == 2:
                doc = c.get(f"/cases/{number}/actions", params={"lang": lang}).json()
                got = {"action": {a["action"]: a["label"] for a in doc["items"]}["assess"]}
            else:
                doc = c.get(f"/cases/{number}/history", params={"lang": lang}).json()
                rows = doc["items"] if isinstance(doc, dict) else doc
                got = {"event": rows[0]["action_label"]}
        results[i] = (lang, got)

    def page_call(i: int, lang: str) -> None:
        html = pages[lang].get(f"/cases/{number}").text
        other = "en" if lang == "zh_CN" else "zh_CN"
        results[i] = (lang, {"state": expect[lang]["state"] if expect[lang]["state"] in html
                             and expect[other]["state"] not in html else html[:200]})

    results: list = [None] * REQUESTS
    barrier = threading.Barrier(REQUESTS)

    def run(i: int) -> None:
        lang = ("zh_CN", "en")[i % 2]
        barrier.wait(timeout=60)
        (page_call if i % 3 == 0 else api_call)(i, lang)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for c in pages.values():
        c.close()
    assert all(r is not None for r in results), results
    for lang, got in results:
        assert got == {k: expect[lang][k] for k in got}, (lang, got)
    assert {lang for lang, _ in results} == {"zh_CN", "en"}
    assert tried == []  # no engine copy, no runtime copy, no second runtime
