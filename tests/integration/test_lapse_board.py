"""Key persons' open missed-duty items on the overdue board (engine, API, page, CLI text) and on the linked
case's page, on SQLite and PostgreSQL: one row per person at the card the item has reached, only in the
reader's jurisdiction, gone once a contact closes the item."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from tests.conftest import report
from tests.web_support import PASSWORD, live, login  # noqa: F401
from disputeflow.cli.render import lapses_text
from disputeflow.workflow.timeutil import LOCAL_TZ


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def register(engine, number=None):
    number = number or report(engine)
    pid = engine.add_person("go", name="王大锤", cases=[number], risk="critical", grid_officer="go",
                            lead_official="lead", reasons={"threat": "扬言报复"})["id"]
    return pid, number


def other_town(engine):
    engine.add_unit("t2", "邻镇", "town")
    engine.add_user("sup-t2", "邻镇督办员", "supervisor", "t2")


def four_missed_days(engine, clock):
    """Registered on 3 March; nothing recorded until the evening of the 7th: the 3rd to the 6th are missed."""
    pid, number = register(engine)
    clock.set(local(2026, 3, 7, 21, 30))
    engine.sweep()
    return pid, number


def test_four_missed_days_are_one_board_row_at_the_items_card(engine, clock):
    other_town(engine)
    pid, number = four_missed_days(engine, clock)
    item = [i for i in engine.person(pid, "sup")["missed_items"] if i["closed_at"] is None]
    assert len(item) == 1 and item[0]["level"] in ("level2", "level3")  # climbed past yellow in four days
    got = engine.overdue_lapses(actor="sup")
    assert got["label"] == "重点人员漏报/漏访" and got["total"] == 1
    row = got["items"][0]
    assert row["person_id"] == pid and row["person"] == "王**" and "王大锤" not in str(got)
    assert row["days_missed"] == ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    assert row["level"] == item[0]["level"] and row["link"] == f"/persons/{pid}" and row["unit"] == "v1-g1"
    # not a case: the case rows of the board hold no key-person clock
    assert not [r for r in engine.overdue(actor="sup") if r["clock"].startswith("kp.")]
    # the anchor case's page names the open item
    lapses = engine.case(number, "sup")["key_person_lapses"]
    assert [(x["person_id"], x["level"], len(x["days_missed"])) for x in lapses] == [(pid, row["level"], 4)]
    # a village filter: inside v1, not inside v2
    assert engine.overdue_lapses(unit="v1", actor="sup")["total"] == 1
    assert engine.overdue_lapses(unit="v2", actor="sup")["items"] == []
    # the supervisor of another town sees none, nor does a token narrowed to v2
    assert engine.overdue_lapses(actor="sup-t2") == {"label": "重点人员漏报/漏访", "total": 0, "items": []}
    assert engine.overdue_lapses(actor="med2")["total"] == 0
    text = lapses_text(got, "zh")
    assert "重点人员漏报/漏访：1 人" in text and "王**" in text and "03-03、03-04、03-05、03-06" in text


def test_a_contact_closes_the_item_and_it_leaves_the_board_and_the_case(engine, clock):
    pid, number = four_missed_days(engine, clock)
    assert engine.overdue_lapses(actor="sup")["total"] == 1
    out = engine.record_contact(pid, "go", method="visit", at=local(2026, 3, 7, 21, 0), note="入户见面")
    assert out["met"]
    assert engine.overdue_lapses(actor="sup")["items"] == []
    assert engine.case(number, "sup")["key_person_lapses"] == []
    closed = engine.person(pid, "sup")["missed_items"]
    assert len(closed) == 1 and closed[0]["closed_reason"] == "met"


def test_api_board_page_and_case_page_show_the_item(live, clock):
    eng = live.engine
    other_town(eng)
    eng.set_password("sup-t2", PASSWORD)
    pid, number = four_missed_days(eng, clock)
    level = eng.overdue_lapses(actor="sup")["items"][0]["level"]
    token = eng.create_token("board", "sup", None)["token"]
    narrowed = eng.create_token("board v2", "sup", "v2")["token"]
    with httpx.Client(base_url=live.url + "/api/v1", timeout=30) as c:
        doc = c.get("/overdue", headers={"Authorization": f"Bearer {token}"}).json()
        assert doc["key_person_lapses"]["total"] == 1 and doc["cases"] == doc["total"]  # counted apart
        assert [(r["person_id"], r["person"], r["level"]) for r in doc["key_person_lapses"]["items"]] == [
            (pid, "王**", level)]
        assert c.get("/overdue", headers={"Authorization": f"Bearer {narrowed}"}).json()[
            "key_person_lapses"]["items"] == []
    sup = login(live, "sup")
    board = sup.get("/board").text
    assert 'id="lapse-board"' in board and f'data-person="{pid}"' in board and f'data-level="{level}"' in board
    assert "重点人员漏报/漏访 1 人" in board and f'href="/persons/{pid}"' in board and "王大锤" not in board
    assert "2026-03-03、2026-03-04、2026-03-05、2026-03-06" in board
    case_page = sup.get(f"/cases/{number}").text
    assert f'data-lapse-person="{pid}"' in case_page and "2026-03-06" in case_page
    other = login(live, "sup-t2", PASSWORD).get("/board").text
    assert 'id="lapse-board"' not in other and f'data-person="{pid}"' not in other


def test_the_boards_filters_apply_to_the_group_too(live, clock):
    eng = live.engine
    pid, _number = four_missed_days(eng, clock)
    level = eng.overdue_lapses(actor="sup")["items"][0]["level"]
    other = "level1" if level != "level1" else "level3"
    assert eng.overdue_lapses(actor="sup", level=level)["total"] == 1
    assert eng.overdue_lapses(actor="sup", level=other)["items"] == []
    assert eng.overdue_lapses(actor="sup", risk="critical")["total"] == 1  # the person's risk
    assert eng.overdue_lapses(actor="sup", risk="low")["total"] == 0
    assert eng.overdue_lapses(actor="sup", clock="assess")["total"] == 0  # a missed duty is no case clock
    token = eng.create_token("board", "sup", None)["token"]
    with httpx.Client(base_url=live.url + "/api/v1", timeout=30) as c:
        got = c.get("/overdue", params={"risk": "low"}, headers={"Authorization": f"Bearer {token}"}).json()
        assert got["key_person_lapses"]["total"] == 0
        got = c.get("/overdue", params={"level": level}, headers={"Authorization": f"Bearer {token}"}).json()
        assert [r["person_id"] for r in got["key_person_lapses"]["items"]] == [pid]
    sup = login(live, "sup")
    assert f'data-person="{pid}"' in sup.get("/board").text
    assert f'data-person="{pid}"' not in sup.get("/board", params={"risk": "low"}).text
