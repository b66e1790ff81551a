"""Extreme times and numbers are refused as bad input everywhere, never a server error.

Years 1 and 9999 (and zones that push them past datetime's ends), months and
days in those years, years beyond any calendar, and integers past 64 bits in
ids, versions and counts: the API answers a 400 problem document naming the
field in Chinese, the workspace a 400 page, the command line exit 2 with one
line. Each hostile input is one request; the totals are asserted so that a
shrinking list is noticed.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import cli_runner, report
from tests.web_support import csrf_of, live, login, sqlite_url  # noqa: F401

CJK = re.compile(r"[\u4e00-\u9fff]")
TIMES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00",
         "9999-12-31T23:59:59+00:00", "1900-12-31", "2101-01-01"]
MONTHS = ["0001-01", "9999-12", "1900-12", "2101-01"]
YEARS = ["1", "9999", "0", "-1", str(2**64)]
BIG = [str(2**64), str(2**63), str(-(2**63) - 1)]
PAGE_TIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "2101-01-01T00:00"]


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def seeded(eng) -> tuple[str, int]:
    n = report(eng)
    pid = eng.add_person("sup", name="王五", cases=[n], risk="high", grid_officer="go", lead_official="lead")["id"]
    return n, pid


def api_requests(n: str, pid: int) -> list[tuple[str, str, str, dict]]:
    """(field, method, path, httpx keyword arguments) for every hostile API request."""
    out = []
    for t in TIMES:
        out += [
            ("as_of", "GET", "/overdue", {"params": {"as_of": t}}),
            ("deadline", "POST", f"/cases/{n}/actions/supervise",
             {"json": {"data": {"level": "town", "authority": "镇综治中心", "deadline": t}}}),
            ("until", "POST", f"/cases/{n}/actions/extend",
             {"json": {"data": {"clock": "assess", "until": t, "reason": "材料不全"}}}),
            ("occurred_at", "POST", "/cases", {"json": {"title": "t", "category": "neighbour", "unit": "v1-g1",
                                                        "parties": [{"name": "张三"}], "occurred_at": t}}),
            ("at", "POST", f"/persons/{pid}/contacts", {"json": {"method": "visit", "at": t}}),
            ("date", "GET", "/reports/agenda", {"params": {"date": t[:10], "unit": "t1", "format": "json"}}),
            ("from", "GET", "/reports/stats", {"params": {"start": t[:10], "end": "2026-03-01", "unit": "t1",
                                                           "format": "json"}}),
        ]
    for m in MONTHS:
        out += [("month", "GET", "/reports/ledger", {"params": {"month": m, "unit": "t1", "format": "json"}}),
                ("month", "GET", "/reports/nil", {"params": {"month": m, "unit": "v1", "format": "json"}})]
    out += [("year", "GET", "/reports/stats", {"params": {"year": y, "unit": "t1", "format": "json"}}) for y in YEARS]
    for b in BIG:
        out += [
            ("person_id", "GET", f"/persons/{b}", {}),
            ("person_id", "POST", f"/persons/{b}/contacts", {"json": {"method": "visit"}}),
            ("ids.0", "POST", "/notifications/read", {"json": {"ids": [int(b)]}}),
            ("expected_version", "POST", f"/cases/{n}/actions/note", {"json": {"data": {"text": "x"},
                                                                               "expected_version": int(b)}}),
            ("limit", "GET", "/cases", {"params": {"limit": b}}),
            ("offset", "GET", "/history", {"params": {"offset": b}}),
        ]
    return out


def test_api_refuses_extreme_values_with_a_chinese_400_naming_the_field(live):
    eng = live.engine
    n, pid = seeded(eng)
    version = eng.case(n)["version"]
    api = httpx.Client(base_url=live.url + "/api/v1", timeout=60,
                       headers={"Authorization": "Bearer " + eng.create_token("t", "sup")["token"]})
    tried = api_requests(n, pid)
    for field, method, path, kwargs in tried:
        if path == "/history":
            path = f"/cases/{n}/history"
        r = api.request(method, path, **kwargs)
        assert r.status_code == 400, (method, path, kwargs, r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith("application/problem+json")
        doc = r.json()
        assert CJK.search(doc["detail"]) and doc["title"] == "输入有误", doc
        assert field in [e["field"] for e in doc.get("errors", [])] or field in doc["detail"], (field, doc)
    assert len(tried) == 80
    assert eng.case(n)["supervision"] is None and eng.case(n)["version"] == version  # nothing was written


def test_workspace_refuses_extreme_values_with_a_400_page(live):
    eng = live.engine
    n, pid = seeded(eng)
    version = eng.case(n)["version"]
    sup = login(live, "sup")
    tried = 0

    def check(r, *expect):
        nonlocal tried
        tried += 1
        assert r.status_code == 400, (r.request.url, r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("text/html")
        assert any(e in r.text for e in expect), (r.request.url, expect)

    for t in TIMES:
        check(sup.get("/persons", params={"day": t[:10]}), "超出可用范围", "无效")
        check(sup.get("/reports/download", params={"kind": "stats", "start": t[:10], "end": "2026-03-01",
                                                   "unit": "t1"}), "超出可用范围", "无效")
        check(sup.get("/reports/download", params={"kind": "agenda", "date": t[:10], "unit": "t1"}), "超出可用范围", "无效")
    for m in MONTHS:
        check(sup.get("/reports/download", params={"kind": "ledger", "month": m, "unit": "t1", "format": "csv"}),
              "超出可用范围", "无效")
    for b in BIG:
        check(sup.get(f"/persons/{b}"), "person_id")
    for t in PAGE_TIMES:
        token = csrf_of(sup.get(f"/cases/{n}").text)
        check(sup.post(f"/cases/{n}/act/supervise", data={"csrf": token, "level": "town", "authority": "镇综治中心",
                                                           "deadline": t}), "超出可用范围")
        token = csrf_of(sup.get(f"/persons/{pid}").text)
        check(sup.post(f"/persons/{pid}/contact", data={"csrf": token, "method": "visit", "at": t}), "超出可用范围")
        token = csrf_of(sup.get("/report").text)
        check(sup.post("/report", data={"csrf": token, "title": "t", "category": "neighbour", "unit": "v1-g1",
                                        "party_name": "张三", "occurred_at": t}), "超出可用范围")
    token = csrf_of(sup.get(f"/cases/{n}").text)
    check(sup.post(f"/cases/{n}/act/note", data={"csrf": token, "text": "x", "version": str(2**64)}), "expected_version")
    assert tried == 38
    assert eng.case(n)["version"] == version


def test_cli_refuses_extreme_values_with_exit_2(db_url, tmp_path):
    from tests.conftest import build_town
    from disputeflow import Engine

    eng = Engine(db_url)
    eng.init()
    build_town(eng)
    n = report(eng)
    eng.close()
    run = cli_runner(db_url, tmp_path)
    commands = [
        ("--as", "sup", "overdue", "--as-of", "0001-01-01"),
        ("--as", "sup", "overdue", "--as-of", "9999-12-31T23:59-14:00"),
        ("--as", "sup", "--now", "9999-12-31T23:59:59+00:00", "overdue"),
        ("--as", "sup", "case", "do", n, "supervise", "--set", "level=town", "--set", "authority=镇",
         "--set", "deadline=9999-12-31"),
        ("--as", "sup", "case", "do", n, "note", "--set", "text=x", "--expect-version", str(2**64)),
        ("--as", "sup", "report", "ledger", "--month", "0001-01", "--out", "-", "--format", "csv"),
        ("--as", "sup", "report", "stats", "--year", str(2**64), "--format", "json", "--out", "-"),
        ("--as", "sup", "report", "agenda", "--date", "9999-12-31", "--format", "md", "--out", "-"),
        ("--as", "sup", "person", "show", str(2**64)),
        ("--as", "sup", "person", "due", "--day", "0001-01-01"),
        ("--as", "sup", "calendar", "show", "9999"),
    ]
    for args in commands:
        p = run(*args, ok=False)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert CJK.search(p.stderr), p.stderr
    assert len(commands) == 11
