"""An API token narrowed to a unit stays inside it, whatever roles its user holds on cases elsewhere.

The lead official ``lead`` (town-wide) is named on a case of 乙村 (v2) and on a
key person there; a token of theirs narrowed to 甲村 (v1) must not read, list,
act on or report anything of v2 through the real HTTP API. A token issued for
the user's own unit keeps the user's full reach (checked last).
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import PARTIES, report
from tests.web_support import live, sqlite_url  # noqa: F401


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def town(live):
    """Two cases, one per village, the v2 one led by ``lead``; a key person in v2 in ``lead``'s charge."""
    eng = live.engine
    a = report(eng)
    b = eng.report("med2", title="乙村土地纠纷", category="land", unit="v2", parties=PARTIES).number
    eng.act(b, "assign_lead", "sup", official="lead")
    eng.act(b, "assign", "sup", mediator="med1")  # a v1 mediator named on the v2 case
    pid = eng.add_person("sup", name="王大锤", cases=[b], risk="high", grid_officer="go", lead_official="lead",
                         unit="v2", id_number="110105198001011238", phone="13700001111")["id"]
    eng.dispatch()  # inbox messages for the assignments
    clients = []

    def client(user: str, unit: str | None = None) -> httpx.Client:
        token = eng.create_token(f"platform-{user}", user, unit)["token"]
        c = httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        clients.append(c)
        return c

    yield {"eng": eng, "a": a, "b": b, "pid": pid, "client": client}
    for c in clients:
        c.close()


def refused(r: httpx.Response) -> None:
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_narrowed_token_cannot_read_or_act_on_a_named_case_outside_its_unit(town):
    eng, b = town["eng"], town["b"]
    lead_v1 = town["client"]("lead", "v1")
    refused(lead_v1.get(f"/cases/{b}"))
    refused(lead_v1.get(f"/cases/{b}/history"))
    refused(lead_v1.get(f"/cases/{b}/actions"))
    before = eng.case(b)["version"]
    refused(lead_v1.post(f"/cases/{b}/actions/note", json={"data": {"text": "越权备注"}}))
    assert eng.case(b)["version"] == before
    assert all(e["action"] != "note" for e in eng.history(b))
    # the v1 mediator named on the v2 case, through a token of their own unit: unbounded (their own reach)
    med1 = town["client"]("med1")
    assert med1.get(f"/cases/{b}").status_code == 200


def test_narrowed_token_lists_and_board_stay_inside_its_unit(town, clock):
    a, b = town["a"], town["b"]
    lead_v1 = town["client"]("lead", "v1")
    assert {c["number"] for c in lead_v1.get("/cases").json()["items"]} == {a}
    clock.advance(days=10)  # both assess clocks overdue
    assert {r["number"] for r in lead_v1.get("/overdue").json()["items"]} == {a}
    # an administrator's token narrowed to v1 is bounded too
    admin_v1 = town["client"]("admin", "v1")
    assert {c["number"] for c in admin_v1.get("/cases").json()["items"]} == {a}
    refused(admin_v1.get(f"/cases/{b}"))
    assert {r["number"] for r in admin_v1.get("/overdue").json()["items"]} == {a}


def test_narrowed_token_sees_no_key_person_outside_its_unit(town):
    pid = town["pid"]
    lead_v1 = town["client"]("lead", "v1")
    r = lead_v1.get(f"/persons/{pid}")
    refused(r)
    assert "王大锤" not in r.text and "110105198001011238" not in r.text and "13700001111" not in r.text
    assert lead_v1.get("/persons").json()["items"] == []
    r = lead_v1.post(f"/persons/{pid}/contacts", json={"method": "visit", "state": "平稳"})
    refused(r)
    # the same user through a town-wide token: the person's details, as before
    lead = town["client"]("lead")
    doc = lead.get(f"/persons/{pid}").json()
    assert doc["name"] == "王大锤" and doc["id_number"] == "110105198001011238"


def test_narrowed_token_reports_only_its_unit(town):
    from disputeflow.workflow.timeutil import to_local

    local = to_local(town["eng"].clock.now())
    month = f"{local.year:04d}-{local.month:02d}"
    admin_v1 = town["client"]("admin", "v1")
    refused(admin_v1.get("/reports/ledger", params={"month": month, "unit": "t1", "format": "json"}))
    refused(admin_v1.get("/reports/ledger", params={"month": month, "unit": "v2", "format": "json"}))
    own = admin_v1.get("/reports/ledger", params={"month": month, "format": "csv"})
    assert own.status_code == 200
    text = own.content.decode("utf-8-sig")
    assert town["a"] in text and town["b"] not in text


def test_narrowed_token_inbox_holds_only_its_unit(town):
    b = town["b"]
    lead = town["client"]("lead")
    whole = lead.get("/notifications")
    if whole.status_code == 501:
        pytest.skip("in-app inbox not available in this build")
    assert b in {m["case_number"] for m in whole.json()["items"]}
    lead_v1 = town["client"]("lead", "v1")
    doc = lead_v1.get("/notifications").json()
    assert all(m["case_number"] != b for m in doc["items"]) and doc["unread"] == 0
    assert lead_v1.post("/notifications/read", json={"ids": None}).json()["marked"] == 0
    assert lead.get("/notifications").json()["unread"] >= 1
