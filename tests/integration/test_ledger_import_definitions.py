"""The import follows the workflow it imports into: its states, their order and its actions' names.

A county workflow here is the grassroots one with every state and moving action
renamed and its states declared in another order; the ledger's 化解情况 words
are that workflow's state labels and the operator's mapping dates its actions.
"""

from __future__ import annotations

import re
from importlib import resources
from types import SimpleNamespace

import pytest

from tests.conftest import build_town
from tests.ledgers import write_csv
from disputeflow.workflow.runtime import runtime_of
from disputeflow.ledger_import import import_ledger
from disputeflow.ledger_import.line import LedgerLine
from disputeflow.ledger_import.mapping import load_mapping
from disputeflow.ledger_import.plan import Planner
from disputeflow.workflow.definition import builtin, load_definition
from disputeflow.workflow.machine import compile_definition

STATES = {"reported": "registered", "assessed": "reviewed", "controlled": "stabilised", "mediating": "handling",
          "resolved": "settled", "following_up": "revisiting", "closed": "archived", "referred": "transferred",
          "withdrawn": "dropped", "declined": "refused"}
ACTIONS = {"assess": "review", "control": "stabilise", "mediate": "handle", "resolve": "settle",
           "follow_up": "revisit", "close": "archive", "refer": "transfer", "withdraw": "drop", "reopen": "redo"}
LABELS = {"reported": "已受理", "mediating": "办理中", "resolved": "已办妥", "following_up": "回访中",
          "closed": "已归档", "referred": "已转办"}


def county_toml() -> str:
    """The grassroots definition renamed, with its states declared last state first."""
    text = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
    text = text.replace('name = "grassroots"', 'name = "county"', 1)
    for old, new in STATES.items():
        text = re.sub(rf'(?<=")({old})(?=")', new, text)
    for old, new in ACTIONS.items():  # clocks share the actions' names: only the actions are renamed
        text = re.sub(rf'^name = "{old}"$', f'name = "{new}"', text, flags=re.M)
    for old, label in LABELS.items():
        text = re.sub(rf'(name = "{STATES[old]}"\nlabel_zh = )"[^"]*"', rf'\1"{label}"', text)
    head, _, rest = text.partition("[[states]]")
    blocks = ["[[states]]" + b for b in rest.split("[[states]]")]
    last, tail = blocks[-1].split("\n\n", 1)[0] + "\n", "\n" + blocks[-1].split("\n\n", 1)[1]
    blocks[-1] = last
    return head + "\n".join(reversed([b.rstrip() + "\n" for b in blocks])) + tail


MAPPING = """
[dates]
review = "assessed_at"
stabilise = "controlled_at"
handle = "mediation_at"
settle = "resolved_at"
revisit = "followed_up_at"
archive = "closed_at"
transfer = ["closed_at", "resolved_at"]
drop = ["closed_at", "resolved_at"]
"""

HEADER = ["编号", "登记日期", "村(社区)", "纠纷类型", "当事人", "风险等级", "化解情况", "稳控日期", "办结日期", "销号日期",
          "移交单位"]


@pytest.fixture
def county(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(county_toml(), encoding="utf-8")
    return load_definition(path)


@pytest.fixture
def county_engine(db_url, clock, county):
    from disputeflow import Engine

    eng = Engine(db_url, clock=clock, definitions=[county])
    eng.init()
    build_town(eng)
    yield eng
    eng.close()


def test_the_main_line_is_the_definitions_own_whatever_order_its_states_are_declared_in(county, tmp_path):
    assert [s.name for s in county.states][0] == "refused"  # declared last state first
    line = LedgerLine(county, compile_definition(county), load_mapping(None, county).dates)
    assert line.order == ("registered", "reviewed", "stabilised", "handling", "settled", "revisiting", "archived")
    assert sorted(line.exits) == ["dropped", "refused", "transferred"]
    assert line.risk_step == "review"
    # the default mapping names grassroots actions: none of them dates a county step
    assert line.date_fields("settle") == ()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    dated = LedgerLine(county, compile_definition(county), load_mapping(mapping, county).dates)
    assert [s.action for s in dated.path("archived", {"resolved_at": 1})] == [
        "review", "handle", "settle", "revisit", "archive"]
    assert [s.action for s in dated.path("transferred", {"controlled_at": 1})] == ["review", "stabilise", "transfer"]
    assert dated.infer_state({"resolved_at": 1}, False) == "settled"


def test_a_ledger_imports_into_a_workflow_with_other_states_and_actions(county_engine, tmp_path, clock):
    rows = [
        ["C-1", "2026-01-05", "甲村", "邻里纠纷", "张三、李四", "低", "办理中", None, None, None, None],
        ["C-2", "2026-01-02", "乙村", "婚姻家庭", "王五", "中", "已归档", None, "2026-01-20", "2026-02-20", None],
        ["C-3", "2026-02-01", "甲村", "合同纠纷", "赵六", "低", "已转办", "2026-02-03", None, None, "人民法院"],
        ["C-4", "2026-03-02", "甲村", "合同纠纷", "钱七", None, "已受理", None, None, None, None],
    ]
    path = write_csv(tmp_path / "county.csv", HEADER, rows)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    rt = runtime_of(county_engine)
    report = import_ledger(rt, path, actor="sup", mapping=mapping, definition="county")
    assert (report["created"], report["bad_rows"]) == (4, 0), report["problems"]
    numbers = _numbers(county_engine)
    docs = {ref: county_engine.case(n, actor="sup") for ref, n in numbers.items()}
    assert {r: d["state"] for r, d in docs.items()} == {
        "C-1": "handling", "C-2": "archived", "C-3": "transferred", "C-4": "registered"}
    hist = county_engine.history(numbers["C-2"])
    assert [(h["action"], h["at"][:10]) for h in hist] == [
        ("report", "2026-01-02"), ("review", "2026-01-02"), ("handle", "2026-01-02"), ("settle", "2026-01-20"),
        ("revisit", "2026-01-20"), ("archive", "2026-02-20")]
    assert [h["action"] for h in county_engine.history(numbers["C-3"])] == ["report", "review", "stabilise", "transfer"]
    # the history is on the chain a command would have built
    assert county_engine.verify_audit()["problems"] == []

    # a correction moves the case on by the workflow's own actions, on the same chain
    clock.advance(days=7)
    rows[0][6], rows[0][8] = "已办妥", "2026-03-01"
    write_csv(path, HEADER, rows)
    again = import_ledger(rt, path, actor="sup", mapping=mapping, definition="county")
    assert (again["updated"], again["unchanged"], again["bad_rows"]) == (1, 3, 0), again["problems"]
    assert county_engine.case(numbers["C-1"], actor="sup")["state"] == "settled"
    assert [h["action"] for h in county_engine.history(numbers["C-1"])][-2:] == ["settle", "ledger_update"]
    assert county_engine.verify_audit()["problems"] == []


def _numbers(engine) -> dict[str, str]:
    from disputeflow.cases import ledger_store

    with runtime_of(engine).store.read() as tx:
        known = ledger_store.known_keys(tx, "ledger", ["C-1", "C-2", "C-3", "C-4"])
        rows = {cid: key for key, (cid, _) in known.items()}
        return {rows[cid]: number for cid, number in tx.query("SELECT id, number FROM cases") if cid in rows}


def test_an_ending_case_stops_the_clocks_the_policy_says_do_not_outlive_it():
    """The planner asks the policy's one rule, as a command does: here a policy lets the tier clock outlive a case."""
    from disputeflow.workflow.calendar import BusinessCalendar
    from disputeflow.workflow.policy import Policy

    defn = builtin("grassroots")
    policy = Policy.default()

    class Outliving:
        def __getattr__(self, name):
            return getattr(policy, name)

        @staticmethod
        def outlives_case(clock: str) -> bool:
            return clock == "tier"

    rec = {"key": "k", "ref": "k", "title": "t", "category": "neighbour", "unit": "v1", "description": "", "source":
           "other", "flags": [], "parties": [{"name": "甲", "role": "applicant"}], "risk": "low", "state": "withdrawn",
           "dates": {"reported_at": "2026-01-05T00:00:00+00:00"}, "withdraw_reason": None}
    line = LedgerLine(defn, compile_definition(defn), load_mapping(None, defn).dates)
    for pol, running in ((policy, set()), (Outliving(), {"tier"})):
        engine = SimpleNamespace(policy=pol, calendar=BusinessCalendar.load())
        plan = Planner(engine, defn, "sup", {"namespace": "ledger"}, line).plan(rec, 4)
        assert plan.state == "withdrawn"
        assert {c.name for c in plan.clocks if c.stopped_at is None} == running
