"""Stateful property test: random people drive the real Engine, and the engine's invariants hold after every step.

A hypothesis state machine reports cases and acts on them with every action of
the default "grassroots" workflow, with valid and invalid data, as users of
every role and of different villages (some of whom may not act at all: an
administrator, a disabled user, an unknown id, a village supervisor outside the
case's village); it sweeps, jumps the fake clock forward by minutes to weeks and
to the eve of public holidays, extends clocks and lists and delists cases for
supervision. It runs on a real SQLite file and on PostgreSQL when
``DISPUTEFLOW_TEST_PG`` is set (otherwise that variant is reported skipped).

After every step:

(a) a case in a terminal state (closed, withdrawn, referral closed) has no running clock;
(b) history and version agree: ``version == audit_seq == number of audit events``
    of the case, their sequence numbers 1..n — every event, a sweep's escalations
    included, is one change of the case, so a reader holding version v has seen
    exactly the first v events;
(c) ``engine.verify_audit()`` finds the chains intact;
(d) a refused command (any DisputeflowError) wrote nothing: the case and clock
    rows are what they were before it, and the audit, outbox, party and
    escalation tables (which commands only append to) hold the same rows.

And the rows agree with the log and the workflow: a successful command was one
the definition allows from the state the model expects, by a role it names; the
case's state is its last event's; ``closed_at`` is set exactly in a terminal
state; each escalation row has its one audit event; an open case is listed for
supervision exactly while its supervision clock runs; a second sweep at the
same time raises nothing. A refusal carries its message in both languages.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from disputeflow.cases.types import from_db
from tests.conftest import T0, build_town
from disputeflow import DisputeflowError
from disputeflow.workflow.timesource import FixedClock
from disputeflow.workflow.definition import builtin
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.machine import compile_definition
from disputeflow.workflow.timeutil import LOCAL_TZ

DEFN = builtin("grassroots")
TERMINAL = tuple(s.name for s in DEFN.states if s.terminal)
ACTION_NAMES = tuple(a.name for a in DEFN.actions)

# Who may act where: build_town's people plus a few who test the edges of permission.
ROLE_OF = {
    "go": "grid_officer", "go2": "grid_officer", "med1": "mediator", "med2": "mediator", "med-j": "mediator",
    "lead": "lead_official", "lead2": "lead_official", "sup": "supervisor", "sup-v2": "supervisor",
    "admin": "admin", "gone": "mediator",
}
ACTORS = (*ROLE_OF, "ghost")  # "gone" is disabled, "ghost" does not exist
UNIT_PATHS = {"t1": "/t1/", "v1": "/t1/v1/", "v2": "/t1/v2/", "v1-g1": "/t1/v1/v1-g1/", "justice": "/t1/justice/"}
USER_UNITS = {"go": "v1-g1", "go2": "v2", "med1": "v1", "med2": "v2", "med-j": "justice", "lead": "t1",
              "lead2": "v2", "sup": "t1", "sup-v2": "v2", "admin": "t1", "gone": "v1"}
# The actions that take a case along the workflow from each state (the guided rule prefers them).
PROGRESS = {"reported": ("assess", "assign"), "assessed": ("inform", "mediate", "control", "assign_lead", "plan"),
            "controlled": ("inform", "mediate", "assign_lead", "plan"), "mediating": ("resolve", "session"),
            "resolved": ("follow_up",), "following_up": ("close", "follow_up"), "closed": ("reopen",),
            "referred": ("close_referral",), "referral_closed": ("delist",), "withdrawn": ("delist",),
            "declined": ("delist",)}


def covers(user: str, unit: str) -> bool:
    """Whether the user's unit is the case's unit or above it (being named on the case is not counted)."""
    return UNIT_PATHS[unit].startswith(UNIT_PATHS[USER_UNITS[user]])


CLOCK_NAMES = (*DEFN.clocks, "bogus")

# The tables a command only appends to (besides the cases and clocks, which it also updates).
APPENDED = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(id) FROM {t})"
                                 for t in ("audit_events", "outbox", "parties", "escalations"))
# Every table that holds something of a case, emptied between examples (children first).
RESET_TABLES = ("notification_deliveries", "inbox", "escalations", "unit_talks", "outbox", "clocks",
                "audit_events", "parties", "import_keys", "cases", "case_counters")

SEEN: Counter = Counter()  # what the runs did, for the coverage check at the end


def note(what: str) -> None:
    SEEN[what] += 1
    event(what)


def extra_people(engine) -> None:
    """People of the second village and people who may not act, beside build_town's."""
    engine.add_user("go2", "乙村网格员", "grid_officer", "v2")
    engine.add_user("lead2", "乙村包案领导", "lead_official", "v2")
    engine.add_user("sup-v2", "乙村督办员", "supervisor", "v2")
    engine.add_user("gone", "已停用调解员", "mediator", "v1")
    with runtime_of(engine).store.write() as tx:
        tx.execute("UPDATE users SET active = :f WHERE id = 'gone'", {"f": False})


# ----------------------------------------------------------------------------- data

text = st.sampled_from(["双方协商", "每日走访", "x", "  ", "", "反弹：又起争执", "长" * 201])
local_iso = lambda at: at.astimezone(LOCAL_TZ).isoformat(timespec="minutes")  # noqa: E731


GOOD_PARTIES = st.one_of(
    st.sampled_from(["王五", "赵六:respondent", "孙七:other:13800001111"]),
    st.fixed_dictionaries({"name": st.just("郑十"), "role": st.sampled_from(["applicant", "respondent", "other"])}))
BAD_PARTIES = st.one_of(st.sampled_from(["周八:bogus", ":applicant", "吴九:applicant:12345"]),
                        st.just({"name": ""}), st.just({"name": "钱一", "age": 40}))


def parties(valid: bool = True, min_size: int = 1):
    """1-6 parties (five or more raise the risk floor to high); invalid ones mixed in unless ``valid``."""
    return st.lists(GOOD_PARTIES if valid else st.one_of(GOOD_PARTIES, BAD_PARTIES), min_size=min_size, max_size=6)


def vocab(name: str, *bad: str):
    return st.sampled_from([*DEFN.vocab[name], *bad])


def maybe(strategy, missing_weight: int = 1):
    """A value or the field left out (``None`` is dropped from the data)."""
    return st.one_of(*([st.none()] * missing_weight), strategy)


def offset():
    """A time offset from now, minutes to weeks, a few of them in the past."""
    return st.one_of(st.integers(-48, -1).map(lambda h: timedelta(hours=h)),
                     st.integers(1, 72).map(lambda h: timedelta(hours=h)),
                     st.integers(3, 60).map(lambda d: timedelta(days=d)))


def action_data(name: str, now: datetime, valid: bool):
    """A strategy for the fields of action ``name``: valid values only, or valid and invalid mixed."""
    def pick(good, wrong):
        return good if valid else st.one_of(good, wrong)

    f = {}
    if name == "assess":
        f = {"risk": pick(vocab("risk"), st.sampled_from(["extreme", None, 3])),
             "responsible_unit": maybe(st.sampled_from(["justice"] if valid else ["justice", "v1", "nowhere"]))}
    elif name == "control":
        f = {"measures": pick(st.just("每日见面、专人稳控"), text)}
    elif name == "resolve":
        agreed = st.fixed_dictionaries({"outcome": st.sampled_from(["agreement", "written_agreement"]),
                                        "agreement": st.just("双方签订调解协议")})
        oral = st.fixed_dictionaries({"outcome": st.just("oral_agreement"), "agreement": st.just("当场赔礼道歉"),
                                      "oral_confirmation": st.just("双方口头确认")})
        no = st.fixed_dictionaries({"outcome": st.just("no_agreement"),
                                    "legal_channel": vocab("legal_channel") if valid else maybe(vocab("legal_channel"))})
        wrong = st.fixed_dictionaries({"outcome": vocab("outcome", "maybe"), "agreement": maybe(text),
                                       "legal_channel": maybe(vocab("legal_channel", "duel"))})
        return pick(st.one_of(agreed, oral, no), wrong)
    elif name == "follow_up":
        f = {"method": pick(vocab("method"), st.sampled_from(["letter", None])),
             "satisfaction": pick(vocab("satisfaction"), st.sampled_from(["meh", None])),
             "relapse_risk": maybe(vocab("relapse") if valid else vocab("relapse", "huge")),
             "performance": maybe(vocab("performance") if valid else vocab("performance", "maybe"))}
    elif name == "close":
        f = {"close_reason": maybe(st.just("已申请司法确认"), 3)}
    elif name == "consent":
        f = {"party": pick(st.sampled_from(["张三", "李四"]), st.sampled_from(["", None])),
             "agrees": pick(vocab("consent"), st.sampled_from(["perhaps", None]))}
    elif name == "inform":
        f = {"informed_parties": pick(st.just("双方当事人"), st.sampled_from(["", None])),
             "method": pick(vocab("notice_method"), st.sampled_from(["telepathy", None]))}
    elif name in ("investigate", "session"):
        key = "content" if name == "investigate" else "statements"
        f = {key: pick(st.just("双方陈述事实"), text), "place": maybe(st.just("村调委会"))}
    elif name == "decline":
        f = {"reason": pick(st.just("一方明确拒绝调解"), text)}
    elif name == "apply_confirmation":
        f = {"court": pick(st.just("县人民法院"), text)}
    elif name == "confirmation_result":
        f = {"result": pick(vocab("confirmation_result"), st.sampled_from(["maybe", None]))}
    elif name in ("reopen", "withdraw"):
        f = {"reason": pick(st.just("当事人反映"), text)}
    elif name == "refer":
        f = {"to": pick(vocab("referral"), st.sampled_from(["moon", None])), "detail": maybe(text),
             "unit": maybe(st.sampled_from(["justice"] if valid else ["justice", "v2"]))}
    elif name == "close_referral":
        f = {"result": pick(st.just("法院已立案受理"), text)}
    elif name == "assign":
        f = {"mediator": pick(st.sampled_from(["med1", "med2", "med-j"]), st.sampled_from(["go", "gone", "ghost"])),
             "responsible_unit": maybe(st.sampled_from(["justice"] if valid else ["justice", "v2"]))}
    elif name == "assign_lead":
        f = {"official": pick(st.sampled_from(["lead", "lead2"]), st.sampled_from(["med1", "ghost", None]))}
    elif name == "plan":
        f = {"team": maybe(st.just("化解专班")), "plan": maybe(st.just("分步化解方案"))}
    elif name == "supervise":
        f = {"level": pick(vocab("level"), st.sampled_from(["province", None])),
             "authority": pick(st.just("镇综治中心"), text),
             "deadline": pick(offset().map(lambda d: local_iso(now + d)),
                              st.sampled_from(["2026-13-01", "tomorrow", None, "2026-04-01T09:00"]))}
    elif name == "extend":
        f = {"clock": st.sampled_from(CLOCK_NAMES),
             "until": pick(offset().map(lambda d: now + d), st.sampled_from(["later", None])),
             "reason": pick(st.just("需鉴定"), text)}
    elif name == "note":
        f = {"text": pick(st.just("电话联系当事人"), text)}
    elif name == "add_party":
        f = {"party": parties() if valid else st.one_of(parties(False, 0), st.just(5))}
    extra = st.just({}) if valid else st.sampled_from([{}, {}, {}, {"colour": "red"}])
    fields = st.tuples(st.fixed_dictionaries(f), extra).map(lambda p: {**p[1], **p[0]})
    return fields if valid else st.one_of(fields, mistyped(fields))


def mistyped(fields):
    """The same fields with one of them of the wrong type (a number, a list, a mapping, a bool)."""
    def spoil(d: dict):
        return st.tuples(st.sampled_from(sorted(d) or ["text"]), st.sampled_from([5, 3.5, ["x"], {"k": 1}, True]))\
            .map(lambda kv: {**d, kv[0]: kv[1]})
    return fields.flatmap(spoil)


def intake_data(valid: bool):
    def pick(good, wrong):
        return good if valid else st.one_of(good, wrong)

    fields = st.fixed_dictionaries({
        "title": pick(st.just("宅基地边界纠纷"), st.sampled_from(["", "长" * 201])),
        "category": pick(vocab("category"), st.just("alien")),
        "unit": pick(st.sampled_from(["v1-g1", "v1", "v2"]), st.sampled_from(["justice", "nowhere", "t1"])),
        "parties": pick(parties(), parties(False, 0)),
        "source": maybe(vocab("source") if valid else vocab("source", "rumour")),
        "flags": maybe(st.lists(vocab("flag") if valid else vocab("flag", "bogus"), max_size=2)),
    })
    return fields if valid else st.one_of(fields, mistyped(fields))


def drop_none(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def holiday_eve(now: datetime, calendar) -> datetime:
    """17:30 local on the day before the next weekday that is a public holiday (after today)."""
    day = now.astimezone(LOCAL_TZ).date()
    for i in range(2, 400):
        d = day + timedelta(days=i)
        if d.weekday() < 5 and not calendar.is_workday(d):
            return datetime.combine(d - timedelta(days=1), time(17, 30), LOCAL_TZ)
    raise AssertionError("no public holiday within 400 days")


# ----------------------------------------------------------------------------- the machine

class EngineMachine(RuleBasedStateMachine):
    """One example: an emptied database with the town's people, a clock at T0, and a list of cases."""

    engine = None  # set by the test for each database
    clock: FixedClock

    def __init__(self):
        super().__init__()
        self.clock = self.engine.clock
        self.clock.set(T0)
        with runtime_of(self.engine).store.write() as tx:
            for table in RESET_TABLES:
                tx.execute(f"DELETE FROM {table}")
        self.numbers: list[str] = []
        self.states: dict[str, str] = {}  # number → state, as the successful commands left it
        self.units: dict[str, str] = {}  # number → unit reported in
        self.children: list[str] = []  # the referrals the cases opened (their own workflow, outside the model)
        self.unchanged = False  # set by a step that wrote nothing (a time jump)

    # -- reading the database

    def snapshot(self) -> tuple:
        """What a command could write: the case and clock rows in full, the count and last id of each
        append-only table (audit events, outbox, parties, escalations)."""
        with runtime_of(self.engine).store.read() as tx:
            return (tuple(tx.query(APPENDED)[0]), [tuple(r) for r in tx.query("SELECT * FROM cases ORDER BY id")],
                    [tuple(r) for r in tx.query("SELECT * FROM clocks ORDER BY id")])

    def refused(self, before: tuple, exc: DisputeflowError, what: str) -> None:
        """(d) A refusal wrote nothing, and says so in Chinese and in English."""
        assert exc.zh and exc.en, (what, exc)
        after = self.snapshot()
        for name, was, now in zip(("appended rows", "cases", "clocks"), before, after):
            assert now == was, f"refused {what} ({type(exc).__name__}: {exc.en}) changed {name}: {was} -> {now}"

    def attempt(self, what: str, call):
        """Run a command; on a refusal check (d) and return None."""
        before = self.snapshot()
        try:
            return call()
        except DisputeflowError as exc:
            self.refused(before, exc, what)
            note(f"refused: {type(exc).__name__}")
            return None

    # -- rules

    @initialize(data=intake_data(True))
    def first_case(self, data):
        self.report(data, "sup")

    @rule(data=st.one_of(intake_data(True), intake_data(False)), reporter=st.sampled_from(ACTORS))
    def report(self, data, reporter):
        out = self.attempt(f"report by {reporter}", lambda: self.engine.report(reporter, **drop_none(data)))
        if out is not None:
            assert ROLE_OF.get(reporter) in DEFN.intake.roles and reporter != "gone", reporter
            note("done: report")
            self.numbers.append(out.number)
            self.states[out.number] = out.to_state
            self.units[out.number] = data["unit"]

    @precondition(lambda self: self.numbers)
    @rule(data=st.data(), steps=st.integers(1, 8))
    def advance_a_case(self, data, steps):
        """A few actions the case's state allows (mostly ones that take it along the workflow), each by
        someone of a role the action names (mostly someone whose jurisdiction covers the case), with
        valid data; the invariants are checked after each."""
        number = data.draw(st.sampled_from(self.numbers), "case")
        for i in range(steps):
            if i:
                self.engine_invariants_hold()  # after each action (the last one's check follows the rule)
            state = self.states[number]
            allowed = [DEFN.action(n) for n in compile_definition(DEFN).open_actions(state)]
            onward = [a for a in allowed if a.name in PROGRESS[state]]
            pool = onward if onward and data.draw(st.integers(0, 5), "onward?") else allowed
            a = DEFN.action(data.draw(st.sampled_from([a.name for a in pool]), "action"))
            people = [u for u, r in ROLE_OF.items() if r in a.roles and u != "gone"]
            near = [u for u in people if covers(u, self.units[number])] or people
            actor = data.draw(st.sampled_from(near * 3 + people), "actor")
            fields = drop_none(data.draw(action_data(a.name, self.clock.now(), True), "fields"))
            if a.name == "extend":
                fields["clock"] = data.draw(st.sampled_from([*sorted(self.running(number)), "resolve"]), "clock")
            self.act(number, a.name, actor, fields)

    @precondition(lambda self: self.numbers)
    @rule(data=st.data())
    def act_at_random(self, data):
        """Any action (or none by that name), by anyone, with any data, sometimes on a stale version."""
        number = data.draw(st.sampled_from([*self.numbers, "试点-2026-999999"]), "case")
        action = data.draw(st.sampled_from([*ACTION_NAMES, "report", "fly"]), "action")
        actor = data.draw(st.sampled_from(ACTORS), "actor")
        fields = drop_none(data.draw(action_data(action, self.clock.now(), False), "fields"))
        stale = data.draw(st.sampled_from([None, None, None, 0, 1]), "expected_version")
        self.act(number, action, actor, fields, stale)

    @precondition(lambda self: self.numbers)
    @rule(data=st.data(), level=vocab("level"), delist=st.booleans(),
          by=st.sampled_from(["sup", "sup", "sup-v2", "med1"]))
    def supervision(self, data, level, delist, by):
        """List a case for supervision (挂牌) with a deadline, or delist it (摘牌)."""
        number = data.draw(st.sampled_from(self.numbers), "case")
        if delist:
            self.act(number, "delist", by, {})
        else:
            due = self.clock.now() + data.draw(offset(), "deadline")
            self.act(number, "supervise", by, {"level": level, "authority": "镇综治中心", "deadline": local_iso(due)})

    @precondition(lambda self: self.numbers)
    @rule(data=st.data(), hours=st.integers(1, 24 * 40), by=st.sampled_from(["sup", "sup", "med1"]))
    def extend(self, data, hours, by):
        """Extend one of the case's running clocks past its due time (sometimes beyond the cap)."""
        number = data.draw(st.sampled_from(self.numbers), "case")
        running = self.running(number)
        if not running:
            return
        name = data.draw(st.sampled_from(sorted(running)), "clock")
        until = running[name] + timedelta(hours=hours)
        self.act(number, "extend", by, {"clock": name, "until": until, "reason": "需司法鉴定"})

    @precondition(lambda self: self.children)
    @rule(data=st.data(), by=st.sampled_from(["med1", "med2", "sup", "go"]))
    def a_referral_answers(self, data, by):
        """The receiving body's reply to a referral is recorded (by its mediator, or refused to others)."""
        number = data.draw(st.sampled_from(self.children), "referral")
        if self.attempt(f"feedback on {number} by {by}",
                        lambda: self.engine.act(number, "feedback", by, result="已依法处理")) is not None:
            note("done: feedback on a referral")

    @rule(step=st.one_of(st.integers(1, 59).map(lambda m: timedelta(minutes=m)),
                         st.integers(1, 23).map(lambda h: timedelta(hours=h)),
                         st.integers(1, 6).map(lambda d: timedelta(days=d)),
                         st.integers(1, 4).map(lambda w: timedelta(weeks=w))))
    def time_passes(self, step):
        self.clock.set(self.clock.now() + step)
        self.unchanged = True

    @rule()
    def eve_of_a_holiday(self):
        self.clock.set(holiday_eve(self.clock.now(), self.engine.calendar))
        self.unchanged = True

    @rule()
    def sweep(self):
        raised = self.engine.sweep()
        note("sweep raised" if raised else "sweep raised nothing")
        if any(r.get("listed") for r in raised):
            note("sweep listed a case")
        again = self.engine.sweep()
        assert again == [], f"a second sweep at the same time raised {again}"
        for r in raised:
            assert r["number"] == "" or r["number"] in self.states or r["number"] in self.children, r

    # -- one command, checked against the definition

    def act(self, number: str, action: str, actor: str, fields: dict, expected_version: int | None = None):
        state = self.states.get(number)
        what = f"{action} on {number} by {actor} with {fields}"
        out = self.attempt(what, lambda: self.engine.act(number, action, actor, expected_version=expected_version,
                                                         **fields))
        if out is None:
            return
        a = DEFN.action(action)
        assert a is not None and state in a.sources, f"{what} was done in state {state}"
        assert ROLE_OF.get(actor) in a.roles and actor != "gone", f"{what} was allowed to role {ROLE_OF.get(actor)}"
        assert out.from_state == state and out.to_state == (a.dest or state), (what, out)
        self.states[number] = out.to_state
        if out.data.get("spawned"):
            self.children.append(out.data["spawned"])
        note(f"done: {action}" + (" (to closed)" if out.to_state == "closed" else ""))

    def running(self, number: str) -> dict[str, datetime]:
        """The case's running clocks and their due times."""
        with runtime_of(self.engine).store.read() as tx:
            rows = tx.query("SELECT k.name, k.due_at FROM clocks k JOIN cases c ON c.id = k.case_id "
                            "WHERE c.number = :n AND k.stopped_at IS NULL", {"n": number})
        return {name: from_db(due) for name, due in rows}

    # -- invariants

    @invariant()
    def engine_invariants_hold(self):
        """(a)-(c), and the rows agree with the log: read in one transaction (plus the engine's own audit walk).

        After a time jump, which writes nothing, the database is what the previous check saw: not read again.
        """
        if self.unchanged:
            self.unchanged = False
            return
        with runtime_of(self.engine).store.read() as tx:
            cases = [tuple(r) for r in tx.query(CASE_FACTS)]
            running = [tuple(r) for r in tx.query(RUNNING_ON_TERMINAL)]
        self.terminal_cases_have_no_running_clock(running)
        assert [c[0] for c in cases] == sorted(self.numbers)  # the model's cases (referrals are children)
        for (number, state, version, seq, closed_at, events, first, last, last_to, escalations, raised, listed,
             supervision_clocks) in cases:
            self.version_and_history_agree(number, version, seq, events, first, last)
            # the state is the last event's and the one the model expects; closed_at is set exactly when it ended
            assert state == last_to == self.states[number], (number, state, last_to, self.states[number])
            assert (closed_at is not None) == (state in TERMINAL), (number, state, closed_at)
            # each escalation row (exactly once per clock and step) has its one audit event
            assert escalations == raised, (number, escalations, raised)
            # an open case is listed for supervision exactly while its supervision clock runs
            if state not in TERMINAL:
                assert supervision_clocks == (1 if listed else 0), (number, state, listed, supervision_clocks)
        report = self.engine.verify_audit()
        assert report["problems"] == [], report["problems"]  # (c)
        assert report["cases"] == len(self.numbers) + len(self.children)

    @staticmethod
    def terminal_cases_have_no_running_clock(running: list[tuple]) -> None:
        """(a)"""
        assert running == [], f"terminal cases with running clocks: {running}"

    @staticmethod
    def version_and_history_agree(number: str, version: int, seq: int, events: int, first: int, last: int) -> None:
        """(b) The events are numbered 1..n, the case row's head is the n-th, and the version is n."""
        assert (first, last, seq) == (1, events, events), (number, first, last, seq, events)
        assert version == events, f"{number}: version {version}, {events} audit events"


# One row per case: its state, version, head, end, and what its audit log and escalations hold.
CASE_FACTS = (
    "SELECT c.number, c.state, c.version, c.audit_seq, c.closed_at, "
    "(SELECT COUNT(*) FROM audit_events e WHERE e.case_id = c.id), "
    "(SELECT MIN(e.seq) FROM audit_events e WHERE e.case_id = c.id), "
    "(SELECT MAX(e.seq) FROM audit_events e WHERE e.case_id = c.id), "
    "(SELECT e.to_state FROM audit_events e WHERE e.case_id = c.id AND e.seq = c.audit_seq), "
    "(SELECT COUNT(*) FROM escalations x WHERE x.case_id = c.id), "
    "(SELECT COUNT(*) FROM audit_events e WHERE e.case_id = c.id AND e.actor = 'system' "
    " AND e.action IN ('escalate', 'tier_upgrade')), "
    "c.supervision_level, "
    "(SELECT COUNT(*) FROM clocks k WHERE k.case_id = c.id AND k.name = 'supervision' AND k.stopped_at IS NULL) "
    "FROM cases c WHERE c.parent_id IS NULL ORDER BY c.number")
RUNNING_ON_TERMINAL = (
    "SELECT c.number, c.state, k.name FROM clocks k JOIN cases c ON c.id = k.case_id "
    "WHERE (k.stopped_at IS NULL OR k.status = 'running') AND c.state IN ("
    + ", ".join(f"'{s}'" for s in TERMINAL) + ") ORDER BY c.number, k.name")


# ----------------------------------------------------------------------------- the test

@pytest.fixture
def stateful_engine(db_url):
    from disputeflow import Engine

    eng = Engine(db_url, clock=FixedClock(T0))
    eng.init()
    build_town(eng)
    extra_people(eng)
    yield eng
    eng.close()


def test_random_use_keeps_the_engine_invariants(stateful_engine):
    """25 runs of up to 30 steps on SQLite, 12 on PostgreSQL (whose round trips cost more): under a minute each
    here. ``DISPUTEFLOW_STATEFUL_EXAMPLES`` asks for more runs, for a longer hunt."""
    machine = type("Machine", (EngineMachine,), {"engine": stateful_engine})
    examples = int(os.environ.get("DISPUTEFLOW_STATEFUL_EXAMPLES") or (25 if runtime_of(stateful_engine).store.is_sqlite else 12))
    SEEN.clear()
    run_state_machine_as_test(machine, settings=settings(
        max_examples=examples, stateful_step_count=30, deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print(sorted(SEEN.items()))  # what the runs did (pytest -s shows it)
    # the runs did something: cases moved, and commands were refused for their data and for who sent them
    assert {"done: report", "refused: ValidationError", "refused: NotPermitted"} <= SEEN.keys(), SEEN
    assert any(SEEN[f"done: {a.name}"] for a in DEFN.actions if a.dest), SEEN
