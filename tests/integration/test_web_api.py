"""The HTTP API over real HTTP: tokens, every route, every refusal as a problem document."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import PARTIES, report
from tests.web_support import live, sqlite_url  # noqa: F401
from disputeflow.workflow.runtime import runtime_of

PROBLEM = "application/problem+json"


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def api(live):
    """A client factory: ``api(user, unit=None)`` gives an httpx client holding a fresh token."""
    clients = []

    def make(user: str, unit: str | None = None) -> httpx.Client:
        token = live.engine.create_token(f"system-{user}", user, unit)["token"]
        c = httpx.Client(base_url=live.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        clients.append(c)
        return c

    make.live = live
    yield make
    for c in clients:
        c.close()


def is_problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    doc = r.json()
    assert doc["status"] == status and doc["type"].startswith("urn:disputeflow:problem:") and doc["title"]
    assert doc["detail"]
    return doc


def test_openapi_document_describes_the_api(api):
    r = httpx.get(api.live.url + "/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {"/cases", "/cases/{number}", "/cases/{number}/actions", "/cases/{number}/actions/{action}",
            "/cases/{number}/history", "/overdue", "/notifications", "/health"} <= paths


def test_no_token_bad_token_and_revoked_token_are_401(api):
    base = api.live.url + "/api/v1"
    is_problem(httpx.get(base + "/cases"), 401)
    is_problem(httpx.get(base + "/cases", headers={"Authorization": "Bearer dfk_nope"}), 401)
    is_problem(httpx.get(base + "/cases", headers={"Authorization": "Basic abc"}), 401)
    t = api.live.engine.create_token("hotline", "sup")
    ok = httpx.get(base + "/cases", headers={"Authorization": f"Bearer {t['token']}"})
    assert ok.status_code == 200
    api.live.engine.revoke_token(t["id"])
    is_problem(httpx.get(base + "/cases", headers={"Authorization": f"Bearer {t['token']}"}), 401)


def test_tokens_are_stored_hashed(api):
    t = api.live.engine.create_token("hotline", "sup")
    with runtime_of(api.live.engine).store.read() as tx:
        rows = tx.query("SELECT token_hash, prefix FROM api_tokens")
    assert t["token"] not in {r[0] for r in rows} and len(rows[0][0]) == 64


def test_open_show_act_and_history(api):
    c = api("med1")
    r = c.post("/cases", json={"title": "果树越界纠纷", "category": "neighbour", "unit": "v1",
                               "parties": [{"name": "赵大", "phone": "13812345678", "gender": "male", "ethnicity": "汉族"},
                                           {"name": "钱二", "role": "respondent"}],
                               "source": "hotline"})
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    doc = c.get(f"/cases/{number}").json()
    assert doc["state"] == "reported" and doc["parties"][0]["phone"] == "13812345678"
    assert (doc["parties"][0]["gender"], doc["parties"][0]["ethnicity"]) == ("male", "汉族")
    assert {k["clock"] for k in doc["deadlines"]} >= {"assess"}
    acts = c.get(f"/cases/{number}/actions").json()["items"]
    assert "assess" in {a["action"] for a in acts}
    r = c.post(f"/cases/{number}/actions/assess", json={"data": {"risk": "medium"}, "note": "电话核实",
                                                        "expected_version": doc["version"]})
    assert r.status_code == 200 and r.json()["to_state"] == "assessed"
    h = c.get(f"/cases/{number}/history", params={"limit": 1}).json()
    assert h["total"] == 2 and len(h["items"]) == 1 and h["next_offset"] == 1
    assert h["items"][0]["action"] == "report"
    h2 = c.get(f"/cases/{number}/history", params={"limit": 1, "offset": 1}).json()
    assert h2["items"][0]["action"] == "assess" and h2["next_offset"] is None


def test_grid_officer_token_sees_masked_phones(api):
    n = report(api.live.engine)
    doc = api("go").get(f"/cases/{n}").json()
    assert doc["parties"][0]["phone"] == "138****8000"


def test_validation_problem_lists_every_bad_field(api):
    c = api("med1")
    r = c.post("/cases", json={"title": "", "category": "weather", "unit": "nowhere",
                               "parties": [{"name": "赵大", "phone": "123"}]})
    doc = is_problem(r, 400)
    fields = {e["field"] for e in doc["errors"]}
    assert {"title", "category", "unit", "parties[1].phone"} <= fields
    assert api.live.engine.list_cases() == []
    r = c.post("/cases", json={"title": "x", "parties": "nobody", "extra": 1})
    doc = is_problem(r, 400)
    assert {"category", "unit", "parties", "extra"} <= {e["field"] for e in doc["errors"]}
    r = c.post("/cases", content=b"{not json", headers={"content-type": "application/json"})
    is_problem(r, 400)


def test_act_refusals_are_problem_documents(api):
    eng = api.live.engine
    n = report(eng)
    med1, med2, go = api("med1"), api("med2"), api("go")
    is_problem(med2.get(f"/cases/{n}"), 403)
    is_problem(med2.post(f"/cases/{n}/actions/assess", json={"data": {"risk": "low"}}), 403)
    is_problem(go.post(f"/cases/{n}/actions/assess", json={"data": {"risk": "low"}}), 403)
    is_problem(med1.get("/cases/试点-2026-999999"), 404)
    is_problem(med1.post("/cases/试点-2026-999999/actions/assess", json={"data": {}}), 404)
    doc = is_problem(med1.post(f"/cases/{n}/actions/close", json={}), 409)
    assert "assess" in doc["allowed"]
    doc = is_problem(med1.post(f"/cases/{n}/actions/assess", json={"data": {"risk": "extreme", "color": 1}}), 400)
    assert {"risk", "color"} <= {e["field"] for e in doc["errors"]}
    is_problem(med1.post(f"/cases/{n}/actions/assess", json={"data": {"number": "x"}}), 400)
    assert med1.post(f"/cases/{n}/actions/assess", json={"data": {"risk": "low"}, "expected_version": 1}).status_code == 200
    stale = is_problem(med1.post(f"/cases/{n}/actions/mediate", json={"expected_version": 1}), 409)
    assert stale["type"].endswith("conflict")
    assert eng.case(n)["state"] == "assessed"


def test_token_is_narrowed_to_its_unit(api):
    eng = api.live.engine
    a = report(eng)
    b = eng.report("med2", title="乙村纠纷", category="land", unit="v2", parties=PARTIES).number
    town_wide = api("sup")
    only_v2 = api("sup", unit="v2")
    assert {c["number"] for c in town_wide.get("/cases").json()["items"]} == {a, b}
    assert {c["number"] for c in only_v2.get("/cases").json()["items"]} == {b}
    is_problem(only_v2.get(f"/cases/{a}"), 403)
    with pytest.raises(Exception):
        eng.create_token("too wide", "med2", "v1")  # outside the user's own jurisdiction


def test_lists_are_paged(api):
    eng = api.live.engine
    numbers = [report(eng, title=f"纠纷{i}") for i in range(5)]
    c = api("sup")
    first = c.get("/cases", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    seen = []
    offset = 0
    while offset is not None:
        page = c.get("/cases", params={"limit": 2, "offset": offset}).json()
        seen += [i["number"] for i in page["items"]]
        offset = page["next_offset"]
    assert sorted(seen) == sorted(numbers)
    is_problem(c.get("/cases", params={"limit": 0}), 400)
    is_problem(c.get("/cases", params={"limit": "many"}), 400)


def test_overdue_board_with_filters(api, clock):
    eng = api.live.engine
    a = report(eng)
    b = report(eng, title="暴力威胁", flags=["violence"])
    clock.advance(days=4)
    c = api("sup")
    doc = c.get("/overdue").json()
    assert {r["number"] for r in doc["items"]} == {a, b} and doc["total"] == 2
    crit = c.get("/overdue", params={"risk": "critical"}).json()
    assert [r["number"] for r in crit["items"]] == [b]
    assert c.get("/overdue", params={"unit": "v2"}).json()["items"] == []
    is_problem(c.get("/overdue", params={"as_of": "yesterday"}), 400)
    is_problem(c.get("/overdue", params={"unit": "nowhere"}), 404)
    assert api("med2").get("/overdue").json()["items"] == []  # outside med2's village


def test_notifications_follow_the_inbox_contract(api):
    eng = api.live.engine
    c = api("med1")
    from disputeflow.web.pages import inbox_available

    if not inbox_available(eng):
        doc = is_problem(c.get("/notifications"), 501)
        assert "inbox" in doc["detail"] or "消息" in doc["detail"]
        pytest.skip("in-app inbox not available in this build")
    report(eng)
    eng.dispatch()
    doc = c.get("/notifications").json()
    assert doc["unread"] >= 1 and doc["items"]
    assert {"id", "event", "case_number", "title", "body", "created_at", "read_at"} <= set(doc["items"][0])
    case_time = c.get(f"/cases/{doc['items'][0]['case_number']}").json()["reported_at"]
    assert doc["items"][0]["created_at"].endswith("+08:00") and case_time.endswith("+08:00")
    assert doc["items"][0]["created_at"] == "2026-03-03T09:00:00+08:00"
    marked = c.post("/notifications/read", json={"ids": None}).json()["marked"]
    assert marked >= 1 and c.get("/notifications").json()["unread"] == 0
    read = c.get("/notifications").json()["items"][0]
    assert read["read_at"].endswith("+08:00")


def test_health_endpoint(api):
    r = httpx.get(api.live.url + "/api/v1/health")
    assert r.status_code == 200 and r.json()["database"] is True


def test_english_problem_details(api):
    c = api("med2")
    n = report(api.live.engine)
    doc = is_problem(c.get(f"/cases/{n}", headers={"Accept-Language": "en"}), 403)
    assert "outside your jurisdiction" in doc["detail"] and doc["title"] == "Forbidden"


def _person(eng):
    number = report(eng)
    pid = eng.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go", lead_official="lead",
                         phone="13700001111", id_number="110105198001011238", reasons={"threat": "扬言报复"})["id"]
    return pid


def _reads(eng, pid):
    with runtime_of(eng).store.read() as tx:
        return [(a, d) for a, d in tx.query("SELECT actor, data FROM key_person_events WHERE person_id = :p "
                                            "AND action = 'read' ORDER BY seq", {"p": pid})]


def test_key_persons_list_and_show_masked_and_audited(api):
    eng = api.live.engine
    pid = _person(eng)
    paths = set(httpx.get(api.live.url + "/api/v1/openapi.json").json()["paths"])
    assert {"/persons", "/persons/{person_id}", "/persons/{person_id}/contacts"} <= paths
    go = api("go")
    doc = go.get("/persons").json()
    assert [p["id"] for p in doc["items"]] == [pid] and doc["items"][0]["name"] == "王大锤"
    assert doc["next_offset"] is None and not doc["items"][0]["masked"]
    one = go.get(f"/persons/{pid}").json()
    assert one["phone"] == "13700001111" and one["reasons"] == {"threat": "扬言报复"} and one["plan"]
    # in the jurisdiction but not in charge: a masked name, no details
    med1 = api("med1")
    assert med1.get("/persons").json()["items"][0]["name"] == "王**"
    masked = med1.get(f"/persons/{pid}").json()
    assert masked["masked"] and masked["name"] == "王**" and "phone" not in masked and "reasons" not in masked
    assert "王大锤" not in med1.get(f"/persons/{pid}").text
    # outside: refused as a problem document; a token narrowed to another village is outside too
    assert api("med2").get("/persons").json()["items"] == []
    assert "不在您的管辖范围内" in is_problem(api("med2").get(f"/persons/{pid}"), 403)["detail"]
    narrowed = api("sup", unit="v2")
    assert narrowed.get("/persons").json()["items"] == []
    is_problem(narrowed.get(f"/persons/{pid}"), 403)
    assert api("sup").get(f"/persons/{pid}").json()["phone"] == "13700001111"
    is_problem(go.get("/persons/999999"), 404)
    is_problem(go.get("/persons/abc"), 400)
    is_problem(go.get("/persons", params={"status": "gone"}), 400)
    en = go.get("/persons/999999", params={"lang": "en"}).json()
    assert "not found" in en["detail"]
    # every read through the API is on the person's own log, with the reader and the view
    reads = [(a, json.loads(d)) for a, d in _reads(eng, pid)]
    assert ("go", {"view": "list", "masked": False}) in reads and ("go", {"view": "detail", "masked": False}) in reads
    assert ("med1", {"view": "detail", "masked": True}) in reads
    assert ("sup", {"view": "detail", "masked": False}) in reads
    assert all(a != "med2" for a, _ in reads)


def test_key_person_contact_through_the_api(api, clock):
    eng = api.live.engine
    pid = _person(eng)
    go = api("go")
    r = go.post(f"/persons/{pid}/contacts", json={"method": "visit", "state": "情绪稳定"})
    assert r.status_code == 201, r.text
    assert r.json()["met"] and r.json()["risk"] == "critical" and not r.json()["risk_raised"]
    assert eng.person(pid, "go")["contacts"][0]["state"] == "情绪稳定"
    doc = is_problem(go.post(f"/persons/{pid}/contacts", json={"method": "pigeon", "at": "2030-01-01T09:00+08:00"}), 400)
    assert {e["field"] for e in doc["errors"]} == {"method", "at"}
    doc = is_problem(go.post(f"/persons/{pid}/contacts", json={"method": "visit", "at": "yesterday"}), 400)
    assert doc["errors"][0]["field"] == "at"
    is_problem(go.post(f"/persons/{pid}/contacts", json={"method": "visit", "extra": 1}), 400)
    assert "只有责任网格员" in is_problem(api("med1").post(f"/persons/{pid}/contacts", json={"method": "visit"}),
                                       403)["detail"]
    is_problem(api("sup", unit="v2").post(f"/persons/{pid}/contacts", json={"method": "phone"}), 403)
    is_problem(go.post("/persons/999999/contacts", json={"method": "visit"}), 404)
    assert len(eng.person(pid, "go")["contacts"]) == 1


def test_register_a_key_person_through_the_api(api):
    eng = api.live.engine
    number = report(eng)
    go = api("go")
    body = {"name": "李四", "cases": [number], "risk": "high", "grid_officer": "go", "lead_official": "lead",
            "phone": "13700002222", "id_number": "110105198001011238", "reasons": {"threat": "扬言上访"}}
    r = go.post("/persons", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["risk"] == "high" and out["cases"] == [number] and out["duties"]
    assert "13700002222" not in r.text and "110105198001011238" not in r.text
    shown = go.get(f"/persons/{out['id']}").json()
    assert shown["name"] == "李四" and shown["phone"] == "13700002222" and shown["reasons"] == {"threat": "扬言上访"}
    assert eng.case(number)["risk"] == "high"  # the linked case's floor rose to the person's
    # every bad field named at once, nothing written
    doc = is_problem(go.post("/persons", json={**body, "risk": "extreme", "reasons": {"mood": "x"}}), 400)
    assert {"risk", "reasons"} <= {e["field"] for e in doc["errors"]}
    is_problem(go.post("/persons", json={**body, "colour": "red"}), 400)
    doc = is_problem(go.post("/persons", json={**body, "cases": ["不存在-1"]}), 400)
    assert doc["errors"][0]["field"] == "cases" and "不存在-1" in doc["errors"][0]["detail"]
    # the jurisdiction: a mediator of another village may not register a case of this one
    is_problem(api("med2").post("/persons", json=body), 403)
    assert [p["id"] for p in go.get("/persons").json()["items"]] == [out["id"]]
    en = go.post("/persons", json={**body, "risk": "extreme"}, params={"lang": "en"}).json()
    assert "must be one of" in json.dumps(en, ensure_ascii=False)
    # without a case: the unit names the person's place; type, responsible units and 包保 officials
    caseless = {"name": "周某", "risk": "high", "grid_officer": "go", "lead_official": "lead",
                "person_type": "mental_disorder", "stabilise_unit": "v1", "resolve_unit": "justice",
                "keepers": {"town": "lead", "village": "med1"}}
    doc = is_problem(go.post("/persons", json=caseless), 400)
    assert [e["field"] for e in doc["errors"]] == ["unit"]
    r = go.post("/persons", json={**caseless, "unit": "v1-g1"})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["cases"] == [] and out["person_type"] == "mental_disorder"
    assert out["keepers"] == {"county": None, "town": "lead", "village": "med1"}
    shown = go.get(f"/persons/{out['id']}").json()
    assert shown["cases"] == [] and shown["person_type_label"] == "严重精神障碍患者" and shown["resolve_unit"] == "justice"


def test_jurisdiction_reports_as_files_and_data(api):
    from disputeflow.workflow.timeutil import to_local

    engine = api.live.engine
    number = report(engine, parties=PARTIES)
    local = to_local(engine.clock.now())
    month = f"{local.year:04d}-{local.month:02d}"
    sup = api("sup")
    r = sup.get("/reports/ledger", params={"month": month, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"] and "filename*=UTF-8''" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("序号,案件编号") and number in text
    data = sup.get("/reports/stats", params={"month": month, "format": "json"}).json()
    assert data["overall"]["reported"] == 1
    form = sup.get("/reports/month", params={"month": month, "format": "xlsx"})
    assert form.status_code == 200 and form.content[:2] == b"PK" and "filename*=UTF-8''" in form.headers["content-disposition"]
    assert sup.get("/reports/month", params={"month": month, "format": "json"}).json()["overall"]["people"] == 2
    is_problem(sup.get("/reports/month", params={"month": month, "format": "csv"}), 400)
    xlsx = sup.get("/reports/ledger", params={"month": month, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # the facade's rules, as problem documents
    is_problem(api("go").get("/reports/ledger", params={"month": month}), 403)  # a grid officer makes no reports
    is_problem(api("med2").get("/reports/ledger", params={"month": month, "unit": "v1"}), 403)  # another village
    assert "月份" in is_problem(sup.get("/reports/ledger", params={"month": "2026-13"}), 400)["detail"]
    wrong = is_problem(sup.get("/reports/agreement", params={"month": month}), 400)  # paperwork lives under its case
    assert [e["field"] for e in wrong["errors"]] == ["kind"]
    is_problem(sup.get("/reports/ledger", params={"month": month, "format": "pdf"}), 400)
