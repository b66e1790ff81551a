"""Events an embedding system can rely on: which names exist, who listens, and when a callback runs.

Every committed change is told to the listeners of its event name (and of
``*``) as an :class:`~disputeflow.workflow.decision.Outcome`: a command's
action (``report``, ``accept``, …), each escalation the sweep raises
(``escalate.<step>``, ``case.tier_upgraded``), each missed-duty step of a key
person (``person.duty_<step>``), and each batch of a ledger import
(``ledger.import``, its counts in ``data``).

Two phases:

* ``after_commit`` (the default): ``callback(outcome)`` once the change is
  stored. A failing callback is logged; it cannot undo what is committed. In a
  host's transaction (``Engine.unit_of_work``) the callbacks wait for the host's
  commit, and a host rollback drops them.
* ``before_commit``: ``callback(outcome, connection)`` inside the change's
  transaction, with the SQLAlchemy ``Connection`` it runs on, so the host can
  write its own rows atomically with it; an exception rolls the whole change
  back and propagates to the caller. While such a callback is registered, the
  engine runs commands and sweep batches on a SQLAlchemy connection of its
  own (a little slower than its raw path).
"""

from __future__ import annotations

import difflib
import logging
from typing import Any, Callable
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection

from disputeflow.cases import joined
from disputeflow.workflow.errors import ConfigError

log = logging.getLogger(__name__)

PHASES = ("after_commit", "before_commit")
IMPORT_EVENT = "ledger.import"
FIXED_EVENTS = ("*", "case.tier_upgraded", "unit.talk_listed", IMPORT_EVENT)


def event_names(rt) -> set[str]:
    """Every event name a listener may ask for: the loaded definitions' actions and the sweep's, duties' and
    imports' events."""
    names = set(FIXED_EVENTS)
    for d in rt._definitions.values():
        names.add(d.intake.name)
        names.update(a.name for a in d.actions)
    for step in rt.policy.ladder:
        names.add(f"escalate.{step.name}")
        names.add(f"person.duty_{step.name}"[:40])
    return names


def check(rt, event: str, phase: str) -> None:
    """Refuse an unknown event name or phase, naming the nearest valid one."""
    if phase not in PHASES:
        raise ConfigError(f"未知的监听阶段“{phase}”，可用：{'、'.join(PHASES)}",
                          f"unknown listener phase {phase!r}; use one of {', '.join(PHASES)}")
    names = event_names(rt)
    if event in names:
        return
    near = difflib.get_close_matches(str(event), sorted(names), n=1)
    hint_zh = f"，是否指“{near[0]}”？" if near else ""
    hint_en = f"; did you mean {near[0]!r}?" if near else ""
    raise ConfigError(f"未知的事件“{event}”{hint_zh}", f"unknown event {event!r}{hint_en}")


def subscribe(rt, event: str, callback: Callable, phase: str) -> Callable[[], None]:
    check(rt, event, phase)
    table = rt.before_listeners if phase == "before_commit" else rt.listeners
    table[event].append(callback)
    return lambda: unsubscribe(rt, event, callback)


def unsubscribe(rt, event: str, callback: Callable) -> None:
    """Remove ``callback`` from ``event`` in either phase (a callback not registered is ignored)."""
    for table in (rt.listeners, rt.before_listeners):
        got = table.get(event)
        if got and callback in got:
            got.remove(callback)


def wants_transaction(rt) -> bool:
    """A ``before_commit`` callback is registered: changes must run on a SQLAlchemy connection to hand it."""
    return any(rt.before_listeners.values())


def emit(rt, outcome) -> None:
    """Tell the listeners of one change.

    Inside a joined transaction (a host's, or the engine's own for ``before_commit``
    callbacks): run the ``before_commit`` callbacks now (an exception propagates),
    and keep the ``after_commit`` ones until that transaction commits. Otherwise the
    change is committed already: run the ``after_commit`` callbacks.
    """
    host = rt.store.joined.get()
    if host is None:
        _after(rt, outcome)
        return
    for cb in (*rt.before_listeners.get(outcome.event, ()), *rt.before_listeners.get("*", ())):
        cb(outcome, host)
    if rt.listeners.get(outcome.event) or rt.listeners.get("*"):
        pending(host).append((rt, outcome))


def _after(rt, outcome) -> None:
    for cb in (*rt.listeners.get(outcome.event, ()), *rt.listeners.get("*", ())):
        try:
            cb(outcome)
        except Exception:  # a listener must not break the command that already committed
            log.exception("listener for %s failed", outcome.event)


# ------------------------------------------------------------------ after the host's commit

_PENDING: "WeakKeyDictionary[Connection, list[tuple[Any, Any]]]" = WeakKeyDictionary()
_HOOKED: "WeakKeyDictionary[Connection, bool]" = WeakKeyDictionary()


def pending(conn: Connection) -> list:
    """The changes made in ``conn``'s transaction whose ``after_commit`` callbacks wait for its commit."""
    got = _PENDING.get(conn)
    if got is None:
        got = _PENDING[conn] = []
    if conn not in _HOOKED:
        joined.on_end(conn, _on_commit, _on_rollback)
        _HOOKED[conn] = True
    return got


def _on_commit(conn: Connection) -> None:
    """The host commits: commit on the database first, then tell the listeners.

    SQLAlchemy's ``commit`` event comes before the database's commit, and a
    Connection has no event after it; committing first (:func:`disputeflow.cases.joined.commit_now`)
    means a listener never hears of a change the database refused to commit — that error goes to the host.
    """
    waiting = _PENDING.pop(conn, None)
    if not waiting:
        return
    joined.commit_now(conn)
    for rt, outcome in waiting:
        _after(rt, outcome)


def _on_rollback(conn: Connection) -> None:
    _PENDING.pop(conn, None)
