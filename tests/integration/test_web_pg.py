"""The essentials of the workspace and API on both databases (SQLite file and PostgreSQL).

The web layer's other tests run on SQLite; these repeat the paths that touch
storage of their own (sign-in failures, tokens, work lists) on PostgreSQL too.
"""

from __future__ import annotations

import httpx

from tests.conftest import report
from tests.web_support import PASSWORD, client, live, login, post_form  # noqa: F401


def test_sign_in_lock_out_work_list_and_action(live, clock):
    eng = live.engine
    n = report(eng)
    c = client(live)
    for _ in range(5):
        assert post_form(c, "/login", "/login", {"user_id": "med1", "password": "nope-nope"}).status_code == 401
    assert post_form(c, "/login", "/login", {"user_id": "med1", "password": PASSWORD}).status_code == 429
    clock.advance(minutes=16)
    med = login(live, "med1")
    assert n in med.get("/").text
    r = post_form(med, f"/cases/{n}", f"/cases/{n}/act/assess", {"version": "1", "risk": "low"})
    assert r.status_code == 303 and eng.case(n)["state"] == "assessed"
    eng.act(n, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    assert n in med.get("/supervised").text


def test_token_scope_and_paging(live):
    eng = live.engine
    numbers = [report(eng, title=f"纠纷{i}") for i in range(3)]
    token = eng.create_token("grid platform", "sup", "v1")["token"]
    api = httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"})
    page = api.get("/cases", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert api.get(f"/cases/{numbers[0]}").json()["number"] == numbers[0]
    eng.revoke_token(1)
    assert api.get("/cases").status_code == 401
