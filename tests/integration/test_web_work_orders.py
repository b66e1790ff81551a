"""Work orders over the HTTP API (real HTTP, both databases): route, dispatch, sign for, report back, read."""

from __future__ import annotations

import httpx

from tests.conftest import PARTIES
from tests.web_support import live  # noqa: F401


def client(live, user: str) -> httpx.Client:
    token = live.engine.create_token(f"api-{user}", user)["token"]
    return httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_the_api_dispatches_and_follows_a_work_order(live):
    eng = live.engine
    eng.add_unit("rss", "人社所", "office", "t1", handles=["labour"])
    eng.add_user("rss1", "人社所小李", "office_staff", "rss")
    eng.add_user("jo1", "司法所小周", "office_staff", "justice")
    n = eng.report("go", title="欠薪", category="labour", unit="v1-g1", parties=PARTIES).number
    med, office, other = client(live, "med1"), client(live, "rss1"), client(live, "jo1")
    offices = med.get(f"/cases/{n}/offices").json()["items"]
    assert offices[0] == {"id": "rss", "name": "人社所", "handles": ["labour"], "proposed": True}
    r = med.post(f"/cases/{n}/actions/dispatch", json={"data": {"to": offices[0]["id"], "request": "核实欠薪"}})
    assert r.status_code == 200, r.text
    order = r.json()["work_order"]
    assert order == f"{n}-交1"
    (listed,) = med.get(f"/cases/{n}").json()["work_orders"]
    assert (listed["number"], listed["to"], listed["state"]) == (order, "rss", "pending")
    assert [d["clock"] for d in listed["deadlines"]] == ["order_sign"]
    assert office.post(f"/cases/{order}/actions/sign", json={"data": {}}).status_code == 200
    assert office.post(f"/cases/{order}/actions/feedback", json={"data": {"result": "已支付"}}).status_code == 200
    assert office.get(f"/cases/{order}").json()["parent"] == n
    assert office.get(f"/cases/{n}").status_code == 200  # the parent, read-only
    assert office.post(f"/cases/{n}/actions/note", json={"data": {"text": "x"}}).status_code == 403
    assert other.get(f"/cases/{order}").status_code == 403
    assert [c["number"] for c in other.get("/cases").json()["items"]] == []
    assert med.post(f"/cases/{order}/actions/approve", json={"data": {}}).json()["to_state"] == "done"
    for c in (med, office, other):
        c.close()
