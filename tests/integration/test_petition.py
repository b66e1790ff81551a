"""The petition (信访事项): a third workflow built from data alone, after 信访工作条例 (2022).

Driven on real dates, each path on a real SQLite file and on PostgreSQL. A petition
registered on Monday 2026-03-09 must be answered on acceptance within 15 days
(条例 art. 23), so by the end of Tuesday 03-24; accepted on Thursday 03-12 it must be
handled within 60 days (art. 34), by the end of Monday 05-11, extendable once, with the
head of office's approval, by at most 30 days (to the end of Wednesday 06-10). Every
last day here is a plain workday, so the dates hold however holidays move a period's end.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from disputeflow import Engine, InvalidAction, NotPermitted, ValidationError
from disputeflow.workflow.definition import builtin
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timesource import FixedClock
from disputeflow.workflow.timeutil import LOCAL_TZ

PETITIONER = [{"name": "赵大爷", "role": "applicant", "phone": "13812345678"}]
LADDER = ["warning", "level1", "level2", "level3"]


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def make_engine(db_url: str, clock: FixedClock) -> Engine:
    return Engine(db_url, clock=clock, definitions=[builtin("petition")])


@pytest.fixture
def petition(db_url):
    clock = FixedClock(local(2026, 3, 9, 9, 0))
    eng = make_engine(db_url, clock)
    eng.init()
    eng.add_unit("qx", "青溪镇", "town")
    eng.add_unit("qx-hs", "河山村", "village", "qx")
    eng.add_unit("qx-zr", "镇自然资源所", "office", "qx")
    eng.add_unit("xian", "县信访局", "office")
    eng.add_user("xf", "信访登记员小林", "petition_clerk", "qx")
    eng.add_user("cb", "承办人老郑", "petition_handler", "qx-zr")
    eng.add_user("fz", "自然资源所所长", "office_head", "qx-zr")
    eng.add_user("fc", "县复查复核人员", "petition_reviewer", "qx")
    eng.add_user("dd", "镇督办人员", "supervisor", "qx")
    eng.add_user("wg", "网格员", "grid_officer", "qx-hs")
    yield eng, clock, db_url
    eng.close()


def register(eng, **over) -> str:
    fields = dict(title="宅基地确权争议", category="appeal", unit="qx-hs", parties=PETITIONER,
                  description="申请人称其宅基地被邻户占用，村委会未予处理", source="visit")
    fields.update(over)
    number = eng.report("xf", definition="petition", **fields).number
    eng.act(number, "assign", "xf", responsible_unit="qx-zr", handler="cb")
    return number


def running(eng, number: str) -> dict:
    return {d["clock"]: d for d in eng.case(number)["deadlines"] if d["status"] == "running"}


def due_local(eng, number: str, clock: str) -> datetime:
    return datetime.fromisoformat(running(eng, number)[clock]["due_at"]).astimezone(LOCAL_TZ)


def outbox(eng, number: str) -> list[tuple[str, list[str]]]:
    """The case's notifications in order: the event and who it goes to."""
    with runtime_of(eng).store.read() as tx:
        rows = tx.query("SELECT event, audience FROM outbox WHERE case_number = :n ORDER BY id", {"n": number})
    return [(event, json.loads(audience)) for event, audience in rows]


def notices(eng, number: str) -> dict[str, list[str]]:
    return dict(outbox(eng, number))


def accept(eng, clock, number: str) -> None:
    clock.set(local(2026, 3, 12, 10, 0))
    eng.act(number, "accept", "cb", notice="已受理，将于60日内办结并书面答复")


def test_accepted_and_handled_on_time(petition):
    eng, clock, _ = petition
    number = register(eng)
    assert eng.case(number)["state"] == "registered"
    # 15 days from the next day (03-10): the end of Tuesday 03-24
    assert due_local(eng, number, "petition_accept") == local(2026, 3, 25, 0, 0)
    accept(eng, clock, number)
    assert set(running(eng, number)) == {"petition_handle"}
    assert due_local(eng, number, "petition_handle") == local(2026, 5, 12, 0, 0)  # end of Monday 05-11
    clock.set(local(2026, 5, 11, 15, 0))  # the last day
    eng.act(number, "reply", "cb", opinion="support", reply="经核实，责成村委会于30日内恢复原状")
    assert set(running(eng, number)) == {"petition_review_request"}
    assert due_local(eng, number, "petition_review_request") == local(2026, 6, 11, 0, 0)
    assert [r for r in eng.sweep(local(2026, 5, 12, 0, 0)) if r.get("clock") == "petition_handle"] == []
    clock.set(local(2026, 5, 12, 9, 0))
    out = eng.act(number, "close", "cb", basis="accepted")
    assert out.to_state == "closed"
    doc = eng.case(number)
    assert running(eng, number) == {} and doc["data"]["opinion"] == "support"
    assert [h["action"] for h in eng.history(number)] == ["register", "assign", "accept", "reply", "close"]
    sent = notices(eng, number)
    assert (sent["assign"], sent["accept"]) == (["user:cb"], ["user:cb"])
    assert sent["reply"] == sent["close"] == ["role:petition_clerk@/qx/qx-hs/"]
    assert eng.verify_audit()["problems"] == []


def test_not_accepted_ends_the_case_with_its_reason(petition):
    eng, clock, _ = petition
    number = register(eng, category="appeal", title="不服一审民事判决")
    clock.set(local(2026, 3, 11, 9, 0))
    with pytest.raises(ValidationError) as exc:
        eng.act(number, "reject", "cb")
    assert {e.field for e in exc.value.errors} == {"reason", "explanation"}
    with pytest.raises(NotPermitted):
        eng.act(number, "reject", "xf", reason="legal_channel", explanation="x")
    out = eng.act(number, "reject", "cb", reason="legal_channel",
                  explanation="属诉讼权利救济事项，已告知其依法向上一级人民法院提出上诉或申请再审")
    assert (out.from_state, out.to_state) == ("registered", "not_accepted")
    doc = eng.case(number)
    assert doc["data"]["reject_reason"] == "legal_channel" and "再审" in doc["data"]["reject_explanation"]
    assert running(eng, number) == {}
    assert notices(eng, number)["reject"] == ["role:petition_clerk@/qx/qx-hs/"]
    with pytest.raises(InvalidAction) as exc:
        eng.act(number, "accept", "cb", notice="x")
    assert exc.value.allowed == ["note"]
    assert eng.sweep(local(2026, 4, 30, 9, 0)) == []


def test_one_approved_extension_of_at_most_thirty_days(petition):
    eng, clock, _ = petition
    number = register(eng)
    accept(eng, clock, number)
    clock.set(local(2026, 5, 6, 9, 0))
    until_ok = "2026-06-10T18:00+08:00"
    with pytest.raises(NotPermitted):  # the handler cannot approve his own extension
        eng.act(number, "extend", "cb", clock="petition_handle", until=until_ok, reason="需现场测量")
    with pytest.raises(ValidationError) as exc:  # a minute past due + 30 days
        eng.act(number, "extend", "fz", clock="petition_handle", until="2026-06-11T00:01+08:00", reason="需现场测量")
    assert [e.field for e in exc.value.errors] == ["until"]
    eng.act(number, "extend", "fz", clock="办理时限", until=until_ok, reason="情况复杂，需委托第三方现场测量")
    assert due_local(eng, number, "petition_handle") == local(2026, 6, 10, 18, 0)
    with pytest.raises(ValidationError) as exc:  # the 条例 allows one extension only
        eng.act(number, "extend", "fz", clock="petition_handle", until="2026-06-10T20:00+08:00", reason="再延")
    assert [e.field for e in exc.value.errors] == ["clock"]
    # the old due time passes without a card; the extended one raises the yellow card
    assert [r["step"] for r in eng.sweep(local(2026, 5, 12, 9, 0))] == []
    assert [r["step"] for r in eng.sweep(local(2026, 6, 10, 18, 0))] == ["warning", "level1"]
    history = eng.history(number)
    assert [h["action"] for h in history].count("extend") == 1


def test_review_then_recheck_concludes_the_petition(petition):
    eng, clock, _ = petition
    number = register(eng)
    accept(eng, clock, number)
    clock.set(local(2026, 5, 11, 16, 0))
    eng.act(number, "reply", "cb", opinion="not_support", reply="经测量，邻户建房未越界")
    assert due_local(eng, number, "petition_review_request") == local(2026, 6, 11, 0, 0)
    with pytest.raises(NotPermitted):  # a review is the office one level up's, not the handler's
        eng.act(number, "request_review", "cb", request="x")
    clock.set(local(2026, 5, 25, 9, 0))
    eng.act(number, "request_review", "xf", request="不服测量结论，请求县政府复查")
    assert set(running(eng, number)) == {"petition_review"}
    assert due_local(eng, number, "petition_review") == local(2026, 6, 25, 0, 0)  # end of Wed 06-24
    clock.set(local(2026, 6, 15, 10, 0))
    eng.act(number, "review_reply", "fc", result="uphold", opinion="原处理意见事实清楚，予以维持")
    assert due_local(eng, number, "petition_recheck_request") == local(2026, 7, 16, 0, 0)
    clock.set(local(2026, 6, 22, 10, 0))
    eng.act(number, "request_recheck", "xf", request="仍不服，请求市政府复核")
    assert due_local(eng, number, "petition_recheck") == local(2026, 7, 23, 0, 0)  # end of Wed 07-22
    clock.set(local(2026, 7, 10, 10, 0))
    out = eng.act(number, "recheck_reply", "fc", result="uphold", opinion="维持复查意见", hearing=True)
    assert (out.from_state, out.to_state) == ("rechecking", "concluded")
    doc = eng.case(number)
    assert doc["state"] == "concluded" and running(eng, number) == {}
    assert (doc["data"]["review_result"], doc["data"]["recheck_hearing"]) == ("uphold", True)
    assert [h["action"] for h in eng.history(number)] == [
        "register", "assign", "accept", "reply", "request_review", "review_reply", "request_recheck",
        "recheck_reply"]
    assert eng.verify_audit()["problems"] == []


def test_missed_acceptance_raises_each_step_of_the_ladder_once(petition):
    eng, clock, db_url = petition
    number = register(eng)
    # due the end of 03-24; yellow at due, orange 2 workdays on, red 5 workdays on (04-01 00:00)
    sweeps = [local(2026, 3, 22, 12, 0), local(2026, 3, 25, 0, 0), local(2026, 3, 25, 0, 0),
              local(2026, 3, 27, 0, 0), local(2026, 4, 1, 0, 0), local(2026, 4, 1, 0, 0), local(2026, 4, 3, 9, 0)]
    raised = []
    other = make_engine(db_url, FixedClock(local(2026, 4, 3, 9, 0)))  # a second scheduler instance
    try:
        for i, at in enumerate(sweeps):
            raised += (other if i % 2 else eng).sweep(at)
    finally:
        other.close()
    steps = [r["step"] for r in raised if r.get("clock") == "petition_accept"]
    assert steps == LADDER
    assert next(r for r in raised if r.get("step") == "level3")["listed"] is True
    doc = eng.case(number)
    assert doc["supervision"] is not None
    escalations = [h for h in eng.history(number) if h["action"] == "escalate"]
    assert len(escalations) == 4
    assert [e for e, _ in outbox(eng, number) if e.startswith("escalate.")] == [f"escalate.{s}" for s in LADDER]
    sent = notices(eng, number)  # the handler named by 交办, then his office, then up the chain
    assert sent["escalate.warning"] == ["user:cb"] and sent["escalate.level1"] == ["user:cb", "unit:qx-zr"]
    assert sent["escalate.level3"] == ["role:supervisor@/qx/qx-hs/"]
    # accepted late, still under supervision: closing waits for delisting
    clock.set(local(2026, 4, 3, 10, 0))
    eng.act(number, "accept", "fz", notice="已受理")
    eng.act(number, "reply", "cb", opinion="explain", reply="已解释说明")
    with pytest.raises(ValidationError) as exc:
        eng.act(number, "close", "cb", basis="accepted")
    assert [e.field for e in exc.value.errors] == ["supervision"]
    eng.act(number, "delist", "dd")
    assert eng.act(number, "close", "cb", basis="accepted").to_state == "closed"


def test_roles_come_with_the_definition_and_mask_personal_data(petition):
    eng, _, _ = petition
    assert eng.role_label("office_head") == "机关负责人"
    assert eng.role_label("petition_reviewer", "en") == "review officer"
    with pytest.raises(NotPermitted):  # only the petition clerk registers
        eng.report("cb", definition="petition", title="x", category="appeal", unit="qx-hs", parties=PETITIONER,
                   description="x")
    number = register(eng)
    assert eng.case(number, actor="cb")["parties"][0]["phone"] == "13812345678"
    assert eng.case(number, actor="wg")["parties"][0]["phone"] == "138****5678"
