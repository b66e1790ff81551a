"""Every text has a length limit, numbers and identifiers have a form, times lie where they make sense.

One phone rule and one resident-ID rule (disputeflow.workflow.inputs) serve intake parties,
add_party, key persons and users; wrong types are refused rather than turned
into their ``str()``; a case has at most PARTIES_MAX parties.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import PARTIES, cli_runner, make_db_url, report
from disputeflow.workflow import inputs
from disputeflow.workflow.errors import ValidationError
from disputeflow.workflow.runtime import runtime_of

MEGABYTE = "长" * (1 << 20)


def refused(fn, *args, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kw)
    return exc.value


def fields_of(err: ValidationError) -> set[str]:
    return {e.field for e in err.errors}


# --------------------------------------------------------------------------- the one phone and ID rule

@pytest.mark.parametrize("typed, stored", [
    ("13812348000", "13812348000"), ("138-1234-8000", "13812348000"), ("138 1234 8000", "13812348000"),
    ("+86 138 1234 8000", "13812348000"), ("１３８１２３４８０００", "13812348000"),
    ("0571-88886666", "0571-88886666"), ("057188886666", "0571-88886666"), ("(0571) 8888 6666", "0571-88886666"),
    ("010-12345678", "010-12345678"), ("0851-8681234", "0851-8681234"),
])
def test_phones_typed_with_common_separators_are_normalised(typed, stored):
    errors = []
    assert inputs.phone("phone", typed, errors) == stored and errors == []


@pytest.mark.parametrize("typed", ["not a phone", "12812348000", "1381234800", "0571-123", "138123480001", "1" * 41])
def test_malformed_phones_are_refused(typed):
    errors = []
    assert inputs.phone("phone", typed, errors) is None
    assert len(errors) == 1 and "电话号码" in errors[0].zh


@pytest.mark.parametrize("typed", ["123", "110105194912310021", "11010519491231002Y", "1101051949123100"])
def test_id_numbers_without_a_valid_check_digit_are_refused(typed):
    errors = []
    assert inputs.id_number("id_number", typed, errors) is None and "身份证" in errors[0].zh


def test_the_same_rule_holds_for_parties_added_later_key_persons_and_users(engine):
    n = report(engine)
    err = refused(engine.act, n, "add_party", "go", party=[{"name": "王五", "phone": "not a phone", "id_number": "123"}])
    assert fields_of(err) == {"party[1].phone", "party[1].id_number"}
    err = refused(engine.add_person, "go", name="王大锤", cases=[n], risk="high", grid_officer="go",
                  lead_official="lead", phone="not a phone", id_number="123", address=MEGABYTE)
    assert fields_of(err) == {"phone", "id_number", "address"}
    assert {e.field for e in refused(engine.add_user, "u1", "小张", "mediator", "v1", phone="not a phone").errors} \
        == {"phone"}
    engine.add_user("u2", "小李", "mediator", "v1", phone="138 1234 8000")
    assert [u["phone"] for u in engine.users() if u["id"] == "u2"] == ["13812348000"]
    engine.act(n, "add_party", "go", party=[{"name": "王五", "phone": "138-1234-8001", "id_number": "11010519491231002x"}])
    pid = engine.add_person("go", name="王大锤", cases=[n], risk="high", grid_officer="go", lead_official="lead",
                            phone="0571 8888 6666", id_number="11010519491231002x")["id"]
    person = engine.person(pid, "go")
    assert (person["phone"], person["id_number"]) == ("0571-88886666", "11010519491231002X")
    party = engine.case(n, "sup")["parties"][-1]
    assert (party["name"], party["phone"], party["id_number"]) == ("王五", "13812348001", "11010519491231002X")


# --------------------------------------------------------------------------- lengths and types

def test_a_megabyte_party_name_is_refused_at_intake_and_on_add_party(engine):
    err = refused(report, engine, parties=[{"name": MEGABYTE}])
    assert fields_of(err) == {"parties[1].name"} and f"最多 {inputs.NAME_MAX} 字" in err.zh
    n = report(engine)
    err = refused(engine.act, n, "add_party", "go", party=[{"name": "王五", "address": MEGABYTE}])
    assert fields_of(err) == {"party[1].address"}
    assert engine.case(n, "sup")["party_count"] == 2


def test_a_note_is_bounded_and_must_be_text(engine):
    err = refused(report, engine, note="记" * (inputs.NOTE_MAX + 1))
    assert fields_of(err) == {"note"}
    n = report(engine)
    err = refused(engine.act, n, "note", "go", text={"text": "对象不是文字"})
    assert fields_of(err) == {"text"} and "应为文字" in err.zh
    err = refused(engine.act, n, "note", "go", text="记录", note={"text": "对象"})
    assert fields_of(err) == {"note"}
    err = refused(report, engine, title=["列表"], description={"a": 1})
    assert fields_of(err) == {"title", "description"}
    assert [e["action"] for e in engine.history(n, "sup")] == ["report"]


def test_a_case_has_at_most_the_documented_number_of_parties(engine):
    many = [{"name": f"当事人{i}"} for i in range(inputs.PARTIES_MAX + 1)]
    err = refused(report, engine, parties=many)
    assert fields_of(err) == {"parties"} and str(inputs.PARTIES_MAX) in err.zh
    n = report(engine, parties=many[:inputs.PARTIES_MAX - 1])
    engine.act(n, "add_party", "go", party=[{"name": "最后一位"}])
    err = refused(engine.act, n, "add_party", "go", party=[{"name": "多出一位"}])
    assert fields_of(err) == {"party"} and "分案" in err.zh


# --------------------------------------------------------------------------- times

def test_a_dispute_cannot_have_occurred_in_the_future(engine):
    err = refused(report, engine, occurred_at="9999-01-01T00:00+08:00")  # no year a record can name
    assert fields_of(err) == {"occurred_at"} and "超出可用范围" in err.zh
    err = refused(report, engine, occurred_at="2026-03-03T10:00+08:00")  # an hour after the clock's now
    assert fields_of(err) == {"occurred_at"} and "晚于当前时间" in err.zh
    assert report(engine, occurred_at="2026-03-03T09:03+08:00")  # within the allowed skew
    assert report(engine, occurred_at="2026-02-20T09:00+08:00")


def test_a_supervision_deadline_or_an_extension_cannot_lie_in_the_past(engine):
    n = report(engine)
    err = refused(engine.act, n, "supervise", "sup", level="town", authority="镇综治中心",
                  deadline="2026-03-01T17:00+08:00")
    assert fields_of(err) == {"deadline"} and "早于当前时间" in err.zh
    engine.act(n, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    err = refused(engine.act, n, "extend", "sup", clock="assess", until="2026-03-02T17:00+08:00", reason="补充材料")
    assert fields_of(err) == {"until"}


# --------------------------------------------------------------------------- over HTTP and on the command line

@pytest.fixture
def api_client(engine):
    from tests.web_support import LiveServer
    from disputeflow.web.app import create_app

    srv = LiveServer(create_app(engine, secret="test-secret"))
    token = engine.create_token("system-go", "go")["token"]
    with httpx.Client(base_url=srv.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        yield c
    srv.stop()


def test_the_api_refuses_a_megabyte_party_an_object_note_and_a_future_occurrence(api_client, engine):
    n = report(engine)
    r = api_client.post(f"/cases/{n}/actions/add_party", json={"data": {"party": [{"name": MEGABYTE}]}})
    assert r.status_code == 400, r.text[:500]
    assert [e["field"] for e in r.json()["errors"]] == ["party[1].name"]
    r = api_client.post(f"/cases/{n}/actions/note", json={"data": {"text": {"text": "对象"}}})
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["text"]
    body = {"title": "欠薪纠纷", "category": "labour", "unit": "v1-g1", "parties": PARTIES,
            "occurred_at": "9999-12-31T00:00+08:00"}
    r = api_client.post("/cases", json=body)
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["occurred_at"]
    with runtime_of(engine).store.read() as tx:
        names = [row[0] for row in tx.query("SELECT name FROM parties", {})]
    assert all(len(name) <= inputs.NAME_MAX for name in names)


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


def test_the_command_line_refuses_a_bad_phone_and_a_future_time_with_exit_2(cli):
    p = cli("--as", "go", "case", "open", "--title", "欠薪纠纷", "--category", "labour", "--unit", "v1",
            "--party", "张三:applicant:not a phone", ok=False)
    assert p.returncode == 2 and "电话号码" in p.stderr and "Traceback" not in p.stderr
    p = cli("--as", "go", "--json", "case", "open", "--title", "欠薪纠纷", "--category", "labour", "--unit", "v1",
            "--party", "张三:applicant:138-1234-8000")
    assert json.loads(p.stdout)["parties"][0]["phone"] == "138****8000"
    p = cli("user", "add", "u9", "--name", "小赵", "--role", "mediator", "--unit", "v1", "--phone", "123", ok=False)
    assert p.returncode == 2 and "电话号码" in p.stderr
