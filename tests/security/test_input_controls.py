"""Control characters are refused at input on every way in, and stripped from exports of older rows.

A bell in a title once made the unit's XLSX ledger for the month unreadable,
and a NUL byte was a server error on PostgreSQL. Each way in (engine, HTTP API,
command line, web form) must refuse them with a ValidationError naming the field.
"""

from __future__ import annotations

import io

import httpx
import pytest

from tests.conftest import PARTIES, cli_runner, make_db_url, report
from disputeflow.workflow.errors import ValidationError
from disputeflow.workflow.runtime import runtime_of

BELL_TITLE = "欠薪\u0007纠纷"


def refused(fn, *args, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kw)
    return exc.value


@pytest.mark.parametrize("bad", ["\u0007", "\x00", "\x1b[31m", "\u0085", "\u2028", "\u202e", "\t", "\n"])
def test_a_title_with_a_control_character_is_refused_naming_the_field(engine, bad):
    err = refused(report, engine, title=f"欠薪{bad}纠纷")
    assert [e.field for e in err.errors] == ["title"]
    assert "纠纷名称" in err.zh and "控制字符" in err.zh
    assert engine.list_cases("sup") == []


def test_a_nul_byte_anywhere_in_intake_is_a_validation_error_on_both_databases(engine):
    parties = [{"name": "张\x00三", "role": "applicant"}, {"name": "李四", "address": "甲村\x00"}]
    err = refused(report, engine, parties=parties, description="情况\x00说明", note="备\x00注")
    assert {e.field for e in err.errors} == {"note"}  # the note is read first, on its own
    err = refused(report, engine, parties=parties, description="情况\x00说明")
    assert {e.field for e in err.errors} == {"parties[1].name", "parties[2].address", "description"}


def test_long_texts_keep_line_breaks_and_tabs_but_not_other_controls(engine):
    n = report(engine, description="第一行\r\n第二行\t（续）")
    assert engine.case(n, "sup")["description"] == "第一行\n第二行\t（续）"
    err = refused(report, engine, description="第一行\u0007")
    assert [e.field for e in err.errors] == ["description"]


def test_every_text_field_of_an_action_and_the_note_refuse_controls(engine):
    n = report(engine)
    err = refused(engine.act, n, "note", "go", text="走访\u0008记录")
    assert [e.field for e in err.errors] == ["text"] and "控制字符" in err.zh
    err = refused(engine.act, n, "note", "go", text="走访记录", note="备注\x00")
    assert [e.field for e in err.errors] == ["note"]
    err = refused(engine.act, n, "add_party", "go", party=[{"name": "王\u0007五"}])
    assert [e.field for e in err.errors] == ["party[1].name"]
    assert [e["action"] for e in engine.history(n, "sup")] == ["report"]


def test_bulk_refuses_the_item_with_a_control_character(engine):
    n = report(engine)
    with pytest.raises(ValidationError) as exc:
        engine.act_many([(n, "note", "go", {"text": "正常"}), (n, "note", "go", {"text": "异常\x1f"})])
    assert "text" in {e.field for e in exc.value.errors}


def test_units_users_and_key_persons_refuse_controls(engine):
    assert {e.field for e in refused(engine.add_unit, "v3", "丙\u0007村", "village", "t1").errors} == {"name"}
    assert {e.field for e in refused(engine.add_unit, "v\x003", "丙村", "village", "t1").errors} == {"id"}
    assert {e.field for e in refused(engine.add_user, "u1", "小\x00张", "mediator", "v1").errors} == {"name"}
    assert {e.field for e in refused(engine.add_user, "u1", "小张", "mediator", "v1",
                                     email="a@b.c\u0007").errors} == {"email"}
    n = report(engine)
    err = refused(engine.add_person, "go", name="王\u0007大锤", cases=[n], risk="high", grid_officer="go",
                  lead_official="lead", address="甲村\x00", reasons={"threat": "扬言\u0007报复"})
    assert {e.field for e in err.errors} == {"name", "address", "reasons.threat"}
    pid = engine.add_person("go", name="王大锤", cases=[n], risk="high", grid_officer="go", lead_official="lead")["id"]
    err = refused(engine.record_contact, pid, "go", method="visit", state="稳定\x00", note="备\u2029注")
    assert {e.field for e in err.errors} == {"state", "note"}


# --------------------------------------------------------------------------- exports of rows stored earlier

def test_the_ledger_still_exports_when_an_old_row_holds_control_characters(engine):
    from openpyxl import load_workbook

    n = report(engine)
    with runtime_of(engine).store.write() as tx:  # a row stored before input was checked
        tx.execute("UPDATE cases SET title = :t, description = :d WHERE number = :n",
                   {"t": BELL_TITLE, "d": "情况\u0007说明\n第二行", "n": n})
    _, body, _ = engine.report_file("ledger", fmt="xlsx", actor="sup", month="2026-03")
    ws = load_workbook(io.BytesIO(body))["台账"]
    titles = [c.value for c in ws["C"]]
    assert "欠薪纠纷" in titles
    _, body, _ = engine.report_file("ledger", fmt="csv", actor="sup", month="2026-03")
    text = body.decode("utf-8-sig")
    assert "欠薪纠纷" in text and "\u0007" not in text


# --------------------------------------------------------------------------- the HTTP API and the command line

@pytest.fixture
def api_client(engine):
    from tests.web_support import LiveServer
    from disputeflow.web.app import create_app

    srv = LiveServer(create_app(engine, secret="test-secret"))
    token = engine.create_token("system-go", "go")["token"]
    with httpx.Client(base_url=srv.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        yield c
    srv.stop()


def test_the_api_answers_a_nul_or_bell_with_a_problem_naming_the_field(api_client, engine):
    body = {"title": "欠薪\u0000纠纷", "category": "labour", "unit": "v1-g1", "parties": PARTIES}
    r = api_client.post("/cases", json=body)
    assert r.status_code == 400, r.text
    doc = r.json()
    assert [e["field"] for e in doc["errors"]] == ["title"] and "控制字符" in doc["detail"]
    n = report(engine)
    r = api_client.post(f"/cases/{n}/actions/add_party", json={"data": {"party": [{"name": "王\u0007五"}]}})
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["party[1].name"]
    r = api_client.post(f"/cases/{n}/actions/note", json={"data": {"text": "记录"}, "note": "备\x00注"},
                        headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "control character" in r.json()["detail"]


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    run("unit", "add", "t1", "--name", "试点镇", "--kind", "town")
    run("unit", "add", "v1", "--name", "甲村", "--parent", "t1")
    run("user", "add", "go", "--name", "小王", "--role", "grid_officer", "--unit", "v1")
    yield run
    drop()


def test_the_command_line_refuses_a_bell_in_a_title_with_exit_2_and_a_chinese_line(cli):
    p = cli("--as", "go", "case", "open", "--title", BELL_TITLE, "--category", "labour", "--unit", "v1",
            "--party", "张三:applicant", ok=False)
    assert p.returncode == 2, p.stderr
    assert "纠纷名称" in p.stderr and "控制字符" in p.stderr and "Traceback" not in p.stderr
    p = cli("--as", "go", "--json", "case", "list")
    assert "欠薪" not in p.stdout
    p = cli("unit", "add", "v2", "--name", "乙\u0007村", "--parent", "t1", ok=False)
    assert p.returncode == 2 and "单位名称" in p.stderr


def test_a_nul_in_a_url_is_never_a_server_error(api_client, engine):
    """PostgreSQL cannot even compare text holding NUL: the store answers its refusal as bad input (400).
    SQLite compares it, finds nothing, and says so (404, or an empty list)."""
    n = report(engine)
    for path in (f"/cases/{n}%00", "/cases?unit=v1%00", "/persons?unit=v1%00", f"/cases/{n}%00/history"):
        r = api_client.get(path)
        if runtime_of(engine).store.is_sqlite:
            assert r.status_code in (200, 404), (path, r.status_code, r.text)
        else:
            assert r.status_code == 400 and "空字符" in r.json()["detail"], (path, r.status_code, r.text)
    r = api_client.post(f"/cases/{n}%00/actions/note", json={"data": {"text": "记录"}})
    assert r.status_code == (404 if runtime_of(engine).store.is_sqlite else 400), r.text
