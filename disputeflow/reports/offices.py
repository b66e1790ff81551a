"""交办办理情况（按承办站所）: how each receiving office answered the work orders of a jurisdiction's disputes.

Per office: orders dispatched to it in the period (交办数), the share of sign-for
deadlines it met (按时签收率), the share of handling deadlines it met by reporting
back (按时反馈率), and how often its feedback was returned (退回数). Replayed from
the work orders' audit events and clock rows.

A deadline counts once, in the period its outcome became known: met when the
answer (签收 for the sign-for clock, 反馈 for a handling clock) came at or before
the due time (an approved extension included), in the period of the answer;
missed when the due time passed unanswered, in the period of the due time,
whether the answer came later or never. A clock stopped before its due time by
anything else (the order cancelled with its parent) does not count. So a closed
period's figures never change, and the months of a year add up to the year. A
return restarts the handling clock: each round is a deadline of its own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from disputeflow.cases import order_reads, transactions
from disputeflow.reports.stats import ratio
from disputeflow.workflow.errors import ConfigError

WORKFLOW = "work_order"
SIGN_CLOCK, HANDLE_CLOCK = "order_sign", "order_handle"
RETURN_ACTION = "return"

DEFINITIONS = [
    ("orders", "交办数：本期向该站所交办的交办单件数（按交办时间）。",
     "Dispatched: work orders sent to the office in the period (by the time of dispatch)."),
    ("sign_on_time_rate", "按时签收率 = 本期到期或签收的签收时限中，在时限内签收的件数 ÷ 该类时限件数。到期未签收的（含此后补签的）计入到期所在期间。",
     "Signed on time = sign-for deadlines met ÷ sign-for deadlines that came due or were answered in the period; "
     "one missed (signed late or not at all) counts in the period it came due."),
    ("feedback_on_time_rate", "按时反馈率 = 本期到期或反馈的办理时限中，在时限内反馈的件数 ÷ 该类时限件数；退回后重新计时的，每轮分别计算。",
     "Reported back on time = handling deadlines met by feedback ÷ handling deadlines that came due or were answered "
     "in the period; each round after a return counts on its own."),
    ("returns", "退回数：本期内退回该站所重新办理的次数。",
     "Returns: times the office's feedback was returned in the period."),
]


class OfficeTally:
    __slots__ = ("orders", "signed_on_time", "sign_due", "fed_back_on_time", "handle_due", "returns")

    def __init__(self):
        for k in self.__slots__:
            setattr(self, k, 0)

    def figures(self) -> dict:
        d = {k: getattr(self, k) for k in self.__slots__}
        d["sign_on_time_rate"] = ratio(self.signed_on_time, self.sign_due)
        d["feedback_on_time_rate"] = ratio(self.fed_back_on_time, self.handle_due)
        return d


def answering_actions(engine) -> dict[str, list[str]] | None:
    """Which actions answer each counted clock: those of the work-order workflow that stop it by name
    (None: the deployment runs no work orders)."""
    try:
        d = engine.definition(WORKFLOW)
    except ConfigError:
        return None
    return {clock: [a.name for a in d.actions if clock in a.stops] for clock in (SIGN_CLOCK, HANDLE_CLOCK)}


def by_office(engine, units, unit_path: str, start: datetime, end: datetime, as_of: datetime) -> list[dict]:
    """The rows of the table: every office under ``unit_path`` and every office sent an order from it, by path.

    An office that had nothing to answer has ``None`` rates (shown as —).
    """
    answers = answering_actions(engine)
    if answers is None:
        return []
    actions = sorted({RETURN_ACTION, *(n for names in answers.values() for n in names)})
    with transactions.snapshot(engine.store) as conn:
        opened = order_reads.opened(conn, unit_path, start, end)
        events = order_reads.events(conn, unit_path, actions, start, end)
        rows = order_reads.deadline_clocks(conn, unit_path, list(answers), start, end)
    tallies: dict[str, OfficeTally] = defaultdict(OfficeTally)
    for office, n in opened.items():
        if office:
            tallies[office].orders += n
    answered: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for case_id, office, action, at in events:
        if action == RETURN_ACTION and office:
            tallies[office].returns += 1
        answered[(case_id, action)].append(at)
    for case_id, office, name, started, due, stopped in rows:
        if not office:
            continue
        answer = _answer(answered, case_id, answers[name], started, stopped)
        met = answer is not None and answer <= due
        decided = answer if met else due
        if not (start <= decided < end and decided <= as_of):
            continue
        if not met and stopped is not None and stopped < due:
            continue  # stopped early by something other than its answer (cancelled with the parent)
        t = tallies[office]
        if name == SIGN_CLOCK:
            t.sign_due += 1
            t.signed_on_time += met
        else:
            t.handle_due += 1
            t.fed_back_on_time += met
    offices = [u for u in units.by_id.values() if u.kind == "office" and u.path.startswith(unit_path)]
    listed = {u.id for u in offices}
    offices += sorted((units.by_id[o] for o in tallies if o not in listed and o in units.by_id), key=lambda u: u.path)
    offices.sort(key=lambda u: u.path)
    return [{"key": u.id, "name": u.name, **(tallies.get(u.id) or OfficeTally()).figures()} for u in offices]


def _answer(answered: dict, case_id: int, actions: list[str], started: datetime,
            stopped: datetime | None) -> datetime | None:
    """When the clock was answered: the first of its answering actions on the case while it ran."""
    times = [at for a in actions for at in answered.get((case_id, a), ())
             if at >= started and (stopped is None or at <= stopped)]
    return min(times) if times else None
