"""The same workload written the way most users would, each against Engine.act in the same run.

One transition (a mediator assigns a case: the case row changes under its
version, one audit event and one outbox row are appended, one transaction) on a
SQLite file in WAL mode, on the engine's own schema:

- **ours**: ``Engine.act``;
- **ORM**: SQLAlchemy ORM, ``session.get`` and ``version_id_col``, a session per command;
- **transitions per case**: the ORM path plus a ``transitions.Machine`` built for the
  loaded case (the library's usual model-per-object pattern);
- **python-statemachine**: the ORM path plus a ``StateMachine`` bound to the loaded case.

Interleaved rounds; figures are medians; each ratio is ours / alternative in the same round.

Run: .venv/bin/python bench/bench_alternatives.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_act import MEDIATORS, T0, engine_round, seed  # noqa: E402
from bench.common import interleave, median, ratio, row  # noqa: E402
from disputeflow.workflow.runtime import runtime_of  # noqa: E402


def _orm(db):
    """Mapped classes over the engine's tables, and a per-command function."""
    from sqlalchemy.orm import Session, registry

    from disputeflow.cases.tables import audit_events, cases, outbox

    reg = registry()

    class Case:
        pass

    class AuditEvent:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    class Outbox:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    reg.map_imperatively(Case, cases, version_id_col=cases.c.version)
    reg.map_imperatively(AuditEvent, audit_events)
    reg.map_imperatively(Outbox, outbox)
    with db.connect() as c:
        ids = dict(c.execute(cases.select().with_only_columns(cases.c.number, cases.c.id)).all())

    def command(number: str, mediator: str, machine=None) -> None:
        with Session(db) as s, s.begin():
            case = s.get(Case, ids[number])
            if machine is not None:
                machine(case)
            case.mediator = mediator
            case.updated_at = T0
            seq = case.audit_seq + 1
            case.audit_seq = seq
            case.audit_hash = "f" * 64
            s.add(AuditEvent(case_id=case.id, seq=seq, at=T0, actor="m", action="assign", from_state=case.state,
                             to_state=case.state, data='{"mediator":"%s"}' % mediator, prev_hash="0" * 64,
                             hash="f" * 64))
            s.add(Outbox(created_at=T0, event="assign", case_id=case.id, case_number=number, actor="m",
                         audience='["user:%s"]' % mediator, payload="{}", status="pending", attempts=0,
                         next_attempt_at=T0))

    return command


def _transitions_machine(definition):
    """A ``transitions.Machine`` per loaded case, as its documentation shows."""
    from transitions import Machine

    states = [s.name for s in definition.states]
    trans = [{"trigger": a.name, "source": list(a.sources), "dest": a.dest or None} for a in definition.actions]

    def fire(case) -> None:
        Machine(model=case, states=states, transitions=trans, initial=case.state, auto_transitions=False)
        case.trigger("assign")

    return fire


def _statemachine_machine(definition):
    """A python-statemachine class compiled once from the definition, one instance per loaded case."""
    from statemachine import State, StateMachine

    ns: dict = {s.name: State(s.name, value=s.name, initial=s.name == definition.initial) for s in definition.states}
    for a in definition.actions:
        event = None
        for src in a.sources:
            t = ns[src].to(ns[a.dest]) if a.dest else ns[src].to.itself(internal=True)
            event = t if event is None else event | t
        ns[a.name] = event
    cls = type("Grassroots", (StateMachine,), ns)

    def fire(case) -> None:
        cls(model=case, state_field="state").send("assign")

    return fire


def run(quick: bool = False, pg: str | None = None) -> dict:
    n, rounds = (100, 3) if quick else (300, 11)
    with tempfile.TemporaryDirectory() as d:
        eng, numbers = seed(f"sqlite:///{Path(d) / 'alt.db'}")
        definition = eng.definition()
        orm = _orm(runtime_of(eng).db)
        machines = {"transitions": _transitions_machine(definition), "statemachine": _statemachine_machine(definition)}
        pos = {"ours": 0, "orm": 0, "transitions": 0, "statemachine": 0}

        def ours() -> float:
            r = engine_round(eng, numbers, n, pos["ours"])
            pos["ours"] += n
            return r

        def alt(name: str):
            machine = machines.get(name)

            def go() -> float:
                start = pos[name]
                t = time.perf_counter()
                for i in range(start, start + n):
                    orm(numbers[i % len(numbers)], MEDIATORS[(i // len(numbers)) % 2], machine)
                pos[name] += n
                return n / (time.perf_counter() - t)

            return go

        variants = {"ours": ours, "orm": alt("orm"), "transitions": alt("transitions"),
                    "statemachine": alt("statemachine")}
        for fn in variants.values():
            fn()  # warm-up: mappers configured, statements cached
        f = interleave(variants, rounds)
        eng.close()
    rows = [row("alternatives: Engine.act (ours)", round(median(f["ours"])), "transitions/s")]
    labels = {"orm": ("SQLAlchemy ORM, session.get + version column", "≥ 4 × the ORM"),
              "transitions": ("ORM + a transitions.Machine per case", None),
              "statemachine": ("ORM + python-statemachine per case", None)}
    for key, (label, target) in labels.items():
        r = ratio(f, "ours", key)
        extra = {"target": target, "ok": r >= 4} if target else {}
        rows.append(row(f"alternatives: {label}", round(median(f[key])), "transitions/s", ratio=r,
                        baseline=f"ours ÷ {key}", **extra))
    return {"title": "The same workload the usual way (SQLite WAL, synchronous=NORMAL)", "rows": rows,
            "params": {"transitions_per_round": n, "rounds": rounds}}


if __name__ == "__main__":
    from bench.run import main

    main(["--only", "alternatives", *sys.argv[1:]])
