"""Numbers typed into free text are masked for the readers that see party phones masked, on every surface.

A phone and an identity number are typed into a case's title, description and a
note. A grid officer (and an administrator) must not see either in full through
the facade, the command line, lists, the board or the reports; a mediator or a
supervisor, who see party phones in full, still see them as typed.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import PARTIES, cli_runner

PHONE, PHONE_MASKED = "13700001111", "137****1111"
ID_NO, ID_MASKED = "110105198001010011", "**************0011"
TITLE = f"邻里纠纷（{PHONE}反映）"
DESCRIPTION = f"对方电话{PHONE}，身份证{ID_NO}，多次争吵"
NOTE = f"回电{PHONE}，核对身份证{ID_NO}"


def _open(engine) -> str:
    number = engine.report("go", title=TITLE, category="neighbour", unit="v1-g1", parties=PARTIES, source="grid",
                           description=DESCRIPTION).number
    engine.act(number, "note", "go", text=NOTE)
    return number


def _hidden(text: str) -> None:
    assert PHONE not in text and ID_NO not in text, text
    assert PHONE_MASKED in text and ID_MASKED in text


def _shown(text: str) -> None:
    assert PHONE in text and ID_NO in text, text


def test_facade_case_and_history(engine):
    number = _open(engine)
    for reader in ("go", "admin"):
        doc = engine.case(number, reader)
        assert PHONE not in doc["title"] and PHONE_MASKED in doc["title"]
        _hidden(doc["description"])
        history = json.dumps(engine.history(number, reader), ensure_ascii=False)
        _hidden(history)
        assert NOTE not in history
    for reader in ("med1", "sup"):
        doc = engine.case(number, reader)
        assert doc["title"] == TITLE and doc["description"] == DESCRIPTION
        history = engine.history(number, reader)
        assert any(h["data"].get("text") == NOTE for h in history)


def test_lists_board_and_work_list(engine, clock):
    from datetime import timedelta

    number = _open(engine)
    [row] = [r for r in engine.list_cases("go") if r["number"] == number]
    assert row["title"] != TITLE and PHONE_MASKED in row["title"]
    [row] = [r for r in engine.list_cases("med1") if r["number"] == number]
    assert row["title"] == TITLE
    assert [i["title"] for i in engine.my_work("go")["items"]] == [TITLE.replace(PHONE, PHONE_MASKED)]
    assert [i["title"] for i in engine.my_work("med1")["items"]] == [TITLE]
    later = clock.now() + timedelta(days=5)
    assert {r["title"] for r in engine.overdue(as_of=later, actor="admin")} == {TITLE.replace(PHONE, PHONE_MASKED)}
    assert {r["title"] for r in engine.overdue(as_of=later, actor="sup")} == {TITLE}


def test_cli_case_show_and_history(engine, db_url, tmp_path):
    number = _open(engine)
    run = cli_runner(db_url, tmp_path)
    for args in (("case", "show", number), ("case", "history", number)):
        _hidden(run("--as", "go", *args).stdout)
        _hidden(run("--as", "go", "--json", *args).stdout)
        _shown(run("--as", "med1", *args).stdout)
        _shown(run("--as", "med1", "--json", *args).stdout)


def test_reports_and_paperwork(engine):
    number = _open(engine)
    for reader in ("sup", "admin"):  # a ledger travels upward: masked like its party names, whoever reads it
        for fmt in ("csv", "html", "json"):
            body = engine.report_file("ledger", fmt=fmt, actor=reader, month="2026-03")[1].decode("utf-8-sig")
            assert PHONE not in body and PHONE_MASKED in body
        for fmt in ("md", "json"):
            body = engine.report_file("agenda", fmt=fmt, actor=reader, date="2026-03-03")[1].decode("utf-8")
            assert PHONE not in body and PHONE_MASKED in body
    # The acceptance register prints the description (纠纷简要情况); no paper prints the audit log's notes.
    _hidden(engine.report_file("acceptance", actor="admin", number=number)[1].decode("utf-8"))
    _shown(engine.report_file("acceptance", actor="sup", number=number)[1].decode("utf-8"))
    assert "回电" not in engine.report_file("record", actor="sup", number=number)[1].decode("utf-8")


@pytest.mark.parametrize("role", ["grid_officer", "admin"])
def test_the_rule_itself(role):
    from disputeflow.workflow.masking import mask_party, mask_text

    assert mask_text({"text": NOTE, "n": 3}, role) == {"text": NOTE.replace(PHONE, PHONE_MASKED).replace(ID_NO, ID_MASKED),
                                                      "n": 3}
    assert mask_text(NOTE, "mediator") == NOTE and mask_text(None, role) is None
    party = mask_party({"name": f"张三{PHONE}", "phone": PHONE, "address": f"甲村 {PHONE}"}, role)
    assert party == {"name": f"张三{PHONE_MASKED}", "phone": PHONE_MASKED, "address": f"甲村 {PHONE_MASKED}"}
