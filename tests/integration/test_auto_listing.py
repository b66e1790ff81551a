"""The sweep lists at a red card as the policy says, and tells each rung's recipients as the policy says."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from tests.conftest import build_town, report
from disputeflow import Engine
from disputeflow.workflow.policy import Policy
from disputeflow.workflow.timeutil import LOCAL_TZ

SHIPPED = open(__import__("disputeflow.workflow.policy", fromlist=["x"]).__file__.replace("policy.py", "policy.toml"),
               encoding="utf-8").read()
BASE = re.sub(r"\n\[auto_listing\]\n(?:[^\[\n].*\n|\n)*", "\n", SHIPPED)


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@pytest.fixture
def make_engine(db_url, clock):
    made = []

    def make(policy_text: str) -> Engine:
        eng = Engine(db_url, clock=clock, policy=Policy.from_text(policy_text, "test.toml"))
        eng.init()
        build_town(eng)
        made.append(eng)
        return eng

    yield make
    for eng in made:
        eng.close()


def red_cards(engine, clock):
    """A low-risk neighbour case and a critical one, both past their assess clock's red card."""
    low, critical = report(engine), report(engine, flags=["violence"])
    clock.set(local(2026, 3, 11, 9, 0))  # low: due 03-04 09:00, red card 03-11 09:00; critical: 03-10 13:00
    raised = engine.sweep()
    assert {(r["number"], r["step"]) for r in raised if r["step"] == "level3"} == {(low, "level3"), (critical, "level3")}
    return low, critical, raised


def test_a_policy_listing_only_high_risk_leaves_the_low_risk_case_unlisted(make_engine, clock):
    eng = make_engine(BASE + '\n[auto_listing]\nrisks = ["high", "critical"]\n')
    low, critical, raised = red_cards(eng, clock)
    assert eng.case(critical)["supervision"]["level"] == "town"
    assert eng.case(low)["supervision"] is None
    assert {r["number"]: r["listed"] for r in raised if r["step"] == "level3"} == {low: False, critical: True}
    assert eng.verify_audit()["problems"] == []


def test_a_policy_by_category(make_engine, clock):
    eng = make_engine(BASE + '\n[auto_listing]\ncategories = ["labour"]\n')
    low, critical, _ = red_cards(eng, clock)
    assert eng.case(low)["supervision"] is None and eng.case(critical)["supervision"] is None
    labour = report(eng, category="labour")  # Wednesday 03-11 09:00: assess due 03-12, red card 03-19 09:00
    clock.set(local(2026, 3, 19, 9, 0))
    eng.sweep()
    assert eng.case(labour)["supervision"]["level"] == "town"


def test_a_disabled_listing_raises_the_red_card_and_lists_nothing(make_engine, clock):
    eng = make_engine(BASE + "\n[auto_listing]\nenabled = false\n")
    low, critical, raised = red_cards(eng, clock)
    assert eng.case(low)["supervision"] is None and eng.case(critical)["supervision"] is None
    assert not any(r["listed"] for r in raised)
    assert not [k for k in eng.case(critical)["deadlines"] if k["clock"] == "supervision"]
    red = _rows(eng, "SELECT payload FROM outbox WHERE event = 'escalate.level3'")
    assert len(red) == 2 and all("listed_for_supervision" not in json.loads(p) for (p,) in red)


def test_a_different_level_name_and_deadline(make_engine, clock):
    eng = make_engine(BASE + '\n[auto_listing]\nlevel = "county"\nby_zh = "县矛调中心自动挂牌"\n'
                             'by_en = "county centre"\ndeadline_workdays = 2\n')
    low, _, _ = red_cards(eng, clock)
    sup = eng.case(low)["supervision"]
    assert sup["level"] == "county" and sup["authority"] == "县矛调中心自动挂牌"
    assert sup["deadline"].startswith("2026-03-13T09:00")  # Wednesday 09:00 + 2 workdays
    supervision = next(k for k in eng.case(low)["deadlines"] if k["clock"] == "supervision")
    assert supervision["due_at"].startswith("2026-03-13T09:00")
    listed = [h["data"]["listed_for_supervision"] for h in eng.history(low)
              if h["action"] == "escalate" and "listed_for_supervision" in h["data"]]
    assert listed == [{"level": "county", "authority": "县矛调中心自动挂牌", "deadline": sup["deadline"]}]


def test_the_shipped_listing_is_unchanged(engine, clock):
    low = report(engine)
    clock.set(local(2026, 3, 11, 9, 0))
    engine.sweep()
    sup = engine.case(low)["supervision"]
    assert (sup["level"], sup["authority"]) == ("town", "系统自动挂牌（红牌预警）")
    assert sup["deadline"].startswith("2026-03-18T09:00")  # five workdays


def test_each_rung_tells_the_recipients_the_policy_names(make_engine, clock):
    eng = make_engine(BASE.replace('recipients = ["assignee", "responsible_unit"]', 'recipients = ["supervisor"]', 1)
                      .replace('recipients = ["lead_official"]', 'recipients = ["assignee", "lead_official"]', 1))
    n = report(eng)
    path = eng.case(n)["unit"]
    clock.set(local(2026, 3, 6, 9, 0))  # level1 at due (03-04 09:00), level2 two workdays later
    eng.sweep()
    told = dict(_rows(eng, "SELECT event, audience FROM outbox WHERE case_number = :n AND event LIKE 'escalate.%'",
                      n=n))
    assert json.loads(told["escalate.level1"]) == [f"role:supervisor@{_path(eng, path)}"]
    assert json.loads(told["escalate.level2"]) == [f"role:mediator@{_path(eng, path)}",
                                                    f"role:lead_official@{_path(eng, path)}"]
    assert json.loads(told["escalate.warning"]) == [f"role:mediator@{_path(eng, path)}"]


def _rows(eng, sql, **params):
    with eng._rt.db.connect() as c:
        return [tuple(r) for r in c.execute(text(sql), params)]


def _path(eng, unit_id):
    return _rows(eng, "SELECT path FROM units WHERE id = :u", u=unit_id)[0][0]


def test_a_level_the_workflow_does_not_know_stops_the_engine_at_start(db_url, clock):
    from disputeflow.workflow.errors import ConfigError

    with pytest.raises(ConfigError) as e:
        Engine(db_url, clock=clock, policy=Policy.from_text(BASE + '\n[auto_listing]\nlevel = "city"\n', "p.toml"))
    assert "auto_listing.level “city”不是流程 grassroots 的挂牌级别（town、county）" in e.value.zh
    Engine(db_url, clock=clock, policy=Policy.from_text(BASE + '\n[auto_listing]\nlevel = "city"\nenabled = false\n',
                                                        "p.toml")).close()
