"""The supervisor's board: overdue clocks, worst first.

The board is filtered, ordered and paged in SQL so that a page costs what it
shows, not what is overdue town-wide. The one part that looks like it needs
Python, the ladder level each clock has reached at ``as_of``, is turned into
SQL predicates on ``due_at`` by :func:`level_predicates`: an overdue clock has
passed every fraction step and every step at due, and a step ``n`` business
days after due has fired when the due time's local day is early enough, or is
one of the few days whose n-th next workday is ``as_of``'s own day and its
time of day has come. Rows are ordered by level (the ladder level reached or
the level already raised, whichever is higher), then by how long they are
overdue, then by case number. Overdue business days and hours are computed
only for the rows shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from disputeflow.cases.types import from_db
from disputeflow.workflow.masking import mask_text
from disputeflow.workflow.policy import TIER_CLOCK

LEVEL_ORDER = {None: 0, "warning": 1, "level1": 2, "level2": 3, "level3": 4}

# How far back from as_of's day to look for days whose n-th next workday is that day;
# the longest run of days off in the official calendar is nine.
_LOOKBACK_DAYS = 60
# The role of a board read without a reader (the engine's own, the agenda): titles as typed.
_FULL = object()

_FIELDS = ("number", "title", "definition", "definition_version", "state", "risk", "unit_id", "unit_name",
           "clock", "started_at", "due_at", "raised", "lead_official", "lead_name", "supervision", "mediator",
           "mediator_name", "kid")


def _fired_after_due(n: int, as_of: datetime, calendar, tx, params: dict, key: str) -> str:
    """SQL true when a clock ``due_at`` (<= as_of) has reached the step ``n`` business days after due.

    That step fires on the n-th workday after the due time's local day, at the
    same local time of day (:func:`disputeflow.workflow.policy.add_workdays_keep_time`).
    """
    from disputeflow.workflow.timeutil import at_local, to_local

    local = to_local(as_of)
    today, now_tod = local.date(), local.timetz()
    partial: list[date] = []
    whole_until: date | None = None  # every local day up to and including this one has fired
    day = today - timedelta(days=1)
    for _ in range(_LOOKBACK_DAYS):
        fires_on = calendar.add_workdays(day, n)
        if fires_on < today:
            whole_until = day
            break
        if fires_on == today:
            partial.append(day)
        day -= timedelta(days=1)
    else:
        whole_until = day
    terms = []
    params[f"{key}_w"] = tx.t(at_local(whole_until + timedelta(days=1)))
    terms.append(f"k.due_at < :{key}_w")
    for i, d in enumerate(partial):
        params[f"{key}_a{i}"], params[f"{key}_b{i}"] = tx.t(at_local(d)), tx.t(at_local(d, now_tod))
        terms.append(f"(k.due_at >= :{key}_a{i} AND k.due_at <= :{key}_b{i})")
    return "(" + " OR ".join(terms) + ")"


def level_predicates(engine, as_of: datetime, tx, params: dict) -> tuple[str, str]:
    """SQL expressions for the ladder level an overdue clock has reached at ``as_of`` and its rank.

    Equal to :func:`disputeflow.workflow.queries.level_at` for every clock with ``due_at <= as_of``.
    """
    cases_level, cases_rank = [], []
    otherwise_level, otherwise_rank = "NULL", "0"
    for i, step in reversed(list(enumerate(engine.policy.ladder))):
        params[f"lv{i}"] = step.name
        rank = str(LEVEL_ORDER.get(step.name, 0))
        n = int(step.value) if step.kind == "after_due" else 0
        if n <= 0:
            otherwise_level, otherwise_rank = f":lv{i}", rank
            break
        pred = _fired_after_due(n, as_of, engine.calendar, tx, params, f"s{i}")
        cases_level.append(f"WHEN {pred} THEN :lv{i}")
        cases_rank.append(f"WHEN {pred} THEN {rank}")
    level = f"CASE {' '.join(cases_level)} ELSE {otherwise_level} END" if cases_level else otherwise_level
    rank = f"CASE {' '.join(cases_rank)} ELSE {otherwise_rank} END" if cases_rank else otherwise_rank
    return level, rank


def _raised_rank() -> str:
    whens = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in LEVEL_ORDER.items() if name)
    return f"CASE k.level {whens} ELSE 0 END"


def _base(engine, tx, as_of: datetime, unit: str | None, actor, clock: str | None, risk: str | None
          ) -> tuple[list[str], dict, str | None]:
    """The board's conditions and parameters, and the reader's role (None: no reader, nothing masked)."""
    from disputeflow.workflow.queries import _actor, scope

    if not tx.store.is_sqlite:
        # The board joins its few overdue clocks to their cases by primary key. At PostgreSQL's
        # default price of a random page (4, set for spinning disks) the planner would rather read
        # every case once (see "Fast paths" in bench/README.md); the price is this
        # transaction's only and is the common setting for SSDs and cached tables.
        tx.execute("SET LOCAL random_page_cost = 1.1")
    params: dict = {"as_of": tx.t(as_of), "tier": TIER_CLOCK}
    # The tier clock is a milestone (upgrade to 复杂), not a duty someone is late on.
    where = ["k.stopped_at IS NULL", "k.due_at <= :as_of", "k.name <> :tier"]
    who = _actor(engine, tx, actor)
    scope(tx, who, unit, where, params)
    if clock:
        where.append("k.name = :f_clock")
        params["f_clock"] = clock
    if risk:
        where.append("c.risk = :f_risk")
        params["f_risk"] = risk
    return where, params, (who.role if who else _FULL)


def _ranked(engine, tx, as_of: datetime, where: list[str], params: dict, level: str | None) -> str:
    """The overdue rows with their effective ``level`` and ``lrank``, as a derived table ``r``."""
    level_sql, rank_sql = level_predicates(engine, as_of, tx, params)
    inner = (
        "SELECT c.number AS number, c.title AS title, c.definition AS definition, "
        "c.definition_version AS definition_version, c.state AS state, c.risk AS risk, c.unit_id AS unit_id, "
        "u.name AS unit_name, k.name AS clock, k.started_at AS started_at, k.due_at AS due_at, k.level AS raised, "
        "c.lead_official AS lead_official, l.name AS lead_name, c.supervision_level AS supervision, "
        "c.mediator AS mediator, m.name AS mediator_name, k.id AS kid, "
        f"{level_sql} AS reached, {rank_sql} AS reached_rank, {_raised_rank()} AS raised_rank "
        "FROM clocks k JOIN cases c ON c.id = k.case_id JOIN units u ON u.id = c.unit_id "
        "LEFT JOIN users l ON l.id = c.lead_official LEFT JOIN users m ON m.id = c.mediator "
        "WHERE " + " AND ".join(where))
    cols = ", ".join(f"b.{f}" for f in _FIELDS)
    ranked = (f"SELECT {cols}, CASE WHEN b.raised_rank > b.reached_rank THEN b.raised ELSE b.reached END AS lvl, "
              "CASE WHEN b.raised_rank > b.reached_rank THEN b.raised_rank ELSE b.reached_rank END AS lrank "
              f"FROM ({inner}) b")
    sql = f"FROM ({ranked}) r"
    if level:
        sql += " WHERE r.lvl = :f_level"
        params["f_level"] = level
    return sql


def page(engine, as_of: datetime, unit: str | None, actor, *, clock: str | None = None, level: str | None = None,
         risk: str | None = None, limit: int | None = None, offset: int = 0, count: bool = True) -> dict:
    """One page of the board, worst first: ``{"items": [...], "total": n or None}``.

    The level shown is computed from the ladder at ``as_of`` (so a board for a
    future date shows what will have happened by then); overdue time is given
    in business days and in hours. ``limit=None`` returns every row.
    """
    with engine.store.read() as tx:
        where, params, role = _base(engine, tx, as_of, unit, actor, clock, risk)
        source = _ranked(engine, tx, as_of, where, params, level)
        sql = (f"SELECT {', '.join('r.' + f for f in _FIELDS)}, r.lvl {source} "
               "ORDER BY r.lrank DESC, r.due_at, r.number, r.kid")
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
        rows = tx.query(sql, params)
        total = None
        if count:
            total = tx.query(f"SELECT COUNT(*) {source}", params)[0][0] if (limit is not None or offset) \
                else len(rows)
    return {"items": [_doc(engine, as_of, r, role) for r in rows], "total": total}


def counts_by_unit(engine, as_of: datetime, unit: str | None, actor) -> dict[str, int]:
    """How many overdue clocks each unit has on the reader's board (no clock, level or risk filter)."""
    with engine.store.read() as tx:
        where, params, _role = _base(engine, tx, as_of, unit, actor, None, None)
        rows = tx.query("SELECT c.unit_id, COUNT(*) FROM clocks k JOIN cases c ON c.id = k.case_id WHERE "
                        + " AND ".join(where) + " GROUP BY c.unit_id", params)
    return {u: n for u, n in rows}


def _doc(engine, as_of: datetime, row, role: str | None) -> dict:
    from disputeflow.workflow.queries import _iso
    from disputeflow.workflow.timeutil import LOCAL_TZ

    (number, title, dname, dver, state, risk, unit_id, unit_name, clock, started, due, raised, lead, lead_name,
     supervision, mediator, mediator_name, _kid, level) = row
    lang = engine.lang
    d = engine.definition(dname, dver)
    due_dt = from_db(due)
    days = engine.calendar.workdays_between(due_dt.astimezone(LOCAL_TZ).date(), as_of.astimezone(LOCAL_TZ).date())
    hours = (as_of - due_dt).total_seconds() / 3600
    return {
        "number": number, "title": title if role is _FULL else mask_text(title, role), "state": state,
        "state_label": d.state_label(state, lang),
        "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
        "clock": clock, "clock_label": d.clock_label(clock, lang, engine.policy), "due_at": _iso(due),
        "overdue_business_days": max(days, 0), "overdue_hours": round(hours, 1), "level": level,
        "lead_official": lead, "lead_official_name": lead_name, "mediator": mediator,
        "mediator_name": mediator_name, "supervision": supervision,
    }


def overdue(engine, as_of: datetime, unit: str | None, actor) -> list[dict]:
    """Every running clock whose due time has passed at ``as_of``, worst first (the whole board)."""
    return page(engine, as_of, unit, actor, count=False)["items"]
