"""Referrals from the command line: refer to the police station, the office reports back, the mediator closes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner, make_db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request, tmp_path):
    url, drop = make_db_url(request.param, tmp_path)
    run = cli_runner(url, tmp_path)
    run("init")
    for args in (["unit", "add", "sr", "--name", "双乳镇", "--kind", "town"],
                 ["unit", "add", "cun", "--name", "东村", "--kind", "village", "--parent", "sr"],
                 ["unit", "add", "pcs", "--name", "派出所", "--kind", "office", "--parent", "sr"],
                 ["user", "add", "m1", "--name", "调解员", "--role", "mediator", "--unit", "cun"],
                 ["user", "add", "p1", "--name", "派出所小王", "--role", "office_staff", "--unit", "pcs"]):
        run(*args)
    yield run
    drop()


def test_refer_to_the_police_then_the_office_reports_back_and_the_case_closes(cli):
    number = json.loads(cli("--json", "--as", "m1", "case", "open", "--title", "酒后互殴索赔", "--category",
                            "neighbour", "--unit", "cun", "--party", "王某:applicant:13712345678").stdout)["number"]
    cli("--as", "m1", "case", "do", number, "assess", "--set", "risk=medium")
    done = json.loads(cli("--json", "--as", "m1", "case", "do", number, "refer", "--set", "to=police",
                          "--set", "unit=pcs", "--set", "request=涉嫌殴打他人，请依法处理并反馈").stdout)
    ref = f"{number}-移1"
    assert (done["to_state"], done["referral"], done["work_order"]) == ("referred", ref, ref)
    shown = json.loads(cli("--json", "--as", "m1", "case", "show", number).stdout)
    (w,) = shown["work_orders"]
    assert (w["number"], w["workflow"], w["to"], w["state"]) == (ref, "referral", "pcs", "awaiting")
    assert [(d["clock"], d["due_at"]) for d in w["deadlines"]] == [("referral_feedback", "2026-03-18T09:00:00+08:00")]
    early = cli("--as", "m1", "case", "do", number, "close_referral", "--set", "result=x", ok=False)
    assert early.returncode == 2 and ref in early.stderr

    cli("--as", "p1", "case", "do", ref, "feedback", "--set", "result=已调查，对王某之子行政警告")
    text = cli("--as", "m1", "case", "show", number).stdout
    assert ref in text and "派出所" in text and "已反馈" in text and "公安机关" in text
    closed = json.loads(cli("--json", "--as", "m1", "case", "do", number, "close_referral",
                            "--set", "result=派出所已处理，双方不再要求调解").stdout)
    assert closed["to_state"] == "referral_closed"
    listed = json.loads(cli("--json", "--as", "m1", "case", "list", "--state", "referral_closed").stdout)
    assert [c["number"] for c in listed] == [number]


def test_a_court_entrusted_case_from_the_cli_shows_its_court(cli):
    p = cli("--json", "--as", "m1", "case", "open", "--title", "借款纠纷", "--category", "contract", "--unit", "cun",
            "--party", "李某:applicant", "--source", "court", "--set", "court_name=某县人民法院",
            "--set", "court_case_number=（2026）某0123民诉前调45号")
    number = json.loads(p.stdout)["number"]
    text = cli("--as", "m1", "case", "show", number).stdout
    assert "法院委派/委托调解" in text and "某县人民法院" in text and "（2026）某0123民诉前调45号" in text
