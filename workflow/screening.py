"""Screening rounds (排查), filed reports (found N / 零报告) and sensitive periods (敏感期): the commands.

A round records who screened which areas or households on which day, and the
disputes it found — cases on record linked to it, or new cases opened from
the round form (each opened by the ordinary intake first; the round and its
links are then written in one transaction, so a refused case leaves no round
behind). A report is filed for one period of the unit's duty; it says how many
disputes the period's rounds found, and is a nil report (零报告) when none; a
period with no round on record cannot be reported, so no paper says "经排查"
of a screening that is not on record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable

from disputeflow.cases import screening_store
from disputeflow.workflow import screening_sweep
from disputeflow.workflow.commands import dumps, load_actor
from disputeflow.workflow.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationError
from disputeflow.workflow.screening_rules import CADENCES, Period, period_of
from disputeflow.workflow.timeutil import iso, local_date

RECORD_ROLES = ("grid_officer", "mediator", "supervisor", "admin", "system")
SENSITIVE_ROLES = ("supervisor", "admin", "system")


def _who(tx, actor, roles: tuple[str, ...], zh: str, en: str):
    if actor is None:
        raise NotPermitted("须指明操作人", "an actor is required")
    who = load_actor(tx, actor)
    if who.role not in roles:
        raise NotPermitted(f"当前角色不能{zh}", f"role {who.role} may not {en}")
    return who


def _unit(engine, tx, who, unit_id: str | None):
    """The screening unit ``unit_id`` (default: the actor's own), inside the actor's jurisdiction."""
    unit_id = unit_id or who.unit_id
    if not unit_id:
        raise ValidationError.one("unit", "请指明单位", "say which unit")
    row = screening_store.unit(tx, unit_id)
    if row is None:
        raise NotFound(f"没有单位“{unit_id}”", f"no unit {unit_id}")
    if engine.policy.screening.cadence(row[2]) is None:
        raise ValidationError.one("unit", f"“{row[1]}”不承担排查任务（村、社区、乡镇、县）",
                                  f"{unit_id} has no screening duty (village, community, town, county)")
    if who.role not in ("admin", "system") and not who.covers(row[3]):
        raise NotPermitted(f"“{row[1]}”不在您的管辖范围内", f"{unit_id} is outside your jurisdiction")
    return row


def _day(value: Any, field: str, errors: list[FieldError], default: date) -> date:
    if value in (None, ""):
        return default
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        errors.append(FieldError(field, f"日期应为 YYYY-MM-DD，现为 {value!r}", f"a date YYYY-MM-DD, got {value!r}"))
        return default
    if not 2000 <= day.year <= 2200:
        errors.append(FieldError(field, "日期应在 2000–2200 年之间", "the date must be within 2000-2200"))
        return default
    return day


def _words(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value.replace("，", ",").replace("、", ",").split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


def record_round(engine, actor, open_case: Callable[..., Any], *, unit: str | None = None, held_on: Any = None,
                 participants: Any = None, coverage: str = "", households: int | None = None,
                 cases: Any = None, new_cases: list[dict] | None = None, none_found: bool = False,
                 note: str = "") -> dict:
    """Record a screening round; meets the unit's round duties whose period holds ``held_on``.

    Raises:
        ValidationError: a bad date (or one in the future), no participant, "none found" with disputes, unknown cases.
        NotPermitted: the role may not record rounds, or the unit or a case is outside the actor's jurisdiction.
    """
    now = engine.clock.now()
    errors: list[FieldError] = []
    day = _day(held_on, "held_on", errors, local_date(now))
    if day > local_date(now):
        errors.append(FieldError("held_on", "排查日期不能晚于今天", "the round cannot be held in the future"))
    people, numbers, new_cases = _words(participants), _words(cases), list(new_cases or [])
    if not people:
        errors.append(FieldError("participants", "请填写参加排查的人员", "name who took part"))
    if none_found and (numbers or new_cases):
        errors.append(FieldError("none_found", "已登记发现的纠纷，不能同时勾选“未发现”",
                                 "disputes were found: not \"none found\""))
    if households is not None and (not isinstance(households, int) or households < 0):
        errors.append(FieldError("households", "户数应为非负整数", "households must be a whole number >= 0"))
    with engine.store.read() as tx:
        who = _who(tx, actor, RECORD_ROLES, "登记排查", "record screening rounds")
        urow = _unit(engine, tx, who, unit)
        found = screening_store.case_ids(tx, numbers)
    for n in numbers:
        if n not in found:
            errors.append(FieldError("cases", f"没有案件“{n}”", f"no case {n}"))
        elif not found[n][1].startswith(urow[3]):
            errors.append(FieldError("cases", f"案件“{n}”不在“{urow[1]}”", f"case {n} is not in {urow[0]}"))
    if errors:
        raise ValidationError(errors)
    opened = []
    for fields in new_cases:  # each through the ordinary intake, in the unit, sourced from screening
        out = open_case(actor, **{"unit": urow[0], "source": "grid", **fields})
        opened.append(out.number)
    with engine.store.write() as tx:
        ids = screening_store.case_ids(tx, numbers + opened)
        rid = screening_store.add_round(tx, {
            "unit_id": urow[0], "unit_path": urow[3], "held_on": day.isoformat(), "participants": dumps(people),
            "coverage": coverage or "", "households": households, "none_found": bool(none_found and not ids),
            "note": note or "", "recorded_at": tx.t(now), "recorded_by": who.id})
        screening_store.link_cases(tx, rid, [(ids[n][0], n in opened) for n in dict.fromkeys(numbers + opened)])
        met = screening_store.meet_rounds(tx, urow[0], day.isoformat(), tx.t(now))
    return {"id": rid, "unit": urow[0], "unit_name": urow[1], "held_on": day.isoformat(), "participants": people,
            "coverage": coverage or "", "households": households, "cases": list(dict.fromkeys(numbers + opened)),
            "opened": opened, "none_found": not (numbers or opened), "duties_met": met}


def period_for(engine, tx, urow, day: date, cadence: str | None) -> Period:
    """The period of the unit's duty holding ``day``: the sensitive day when ``day`` is one, else the regular one."""
    policy = engine.policy.screening
    regular = policy.cadence(urow[2])
    sens = screening_sweep.sensitive_ranges(screening_store.sensitive(tx, day.isoformat(), day.isoformat()), urow[3])
    if cadence is None:
        cadence = policy.sensitive.every if sens else regular.every
    if cadence not in CADENCES or cadence not in (regular.every, policy.sensitive.every):
        raise ValidationError.one("cadence", f"该单位的报告周期为 {regular.every} 或 {policy.sensitive.every}",
                                  f"the unit reports {regular.every} or {policy.sensitive.every}")
    if cadence == policy.sensitive.every and cadence != regular.every and not sens:
        raise ValidationError.one("period", f"{day} 不在该单位的敏感期内", f"{day} is not in a sensitive period of the unit")
    first, last = period_of(cadence, day)
    days = (policy.sensitive if cadence == policy.sensitive.every and sens else regular).report_days
    return Period(cadence, first, last, days)


def file_report(engine, actor, *, unit: str | None = None, period: Any = None, cadence: str | None = None,
                note: str = "") -> dict:
    """File the unit's report for the period holding the date ``period`` (default today); meets its report duty.

    The count found is that of the distinct cases the period's rounds found; none: a nil report (零报告).

    Raises:
        ValidationError: no round on record in the period, a period not yet begun, a bad date or cadence.
        Conflict: the period's report was filed already.
    """
    now = engine.clock.now()
    errors: list[FieldError] = []
    day = _day(period, "period", errors, local_date(now))
    if errors:
        raise ValidationError(errors)
    with engine.store.write() as tx:
        who = _who(tx, actor, RECORD_ROLES, "报送排查报告", "file screening reports")
        urow = _unit(engine, tx, who, unit)
        p = period_for(engine, tx, urow, day, cadence)
        if p.first > local_date(now):
            raise ValidationError.one("period", "该周期尚未开始", "the period has not begun")
        rounds, found = screening_store.found_in(tx, urow[0], p.first.isoformat(), p.last.isoformat())
        if rounds == 0:
            raise ValidationError.one("period", f"{urow[1]}在{p.label()}没有排查记录，请先登记排查",
                                      f"no screening round of {urow[0]} is on record for {p.label('en')}")
        values = {"unit_id": urow[0], "unit_path": urow[3], "cadence": p.cadence,
                  "period_start": p.first.isoformat(), "period_end": p.last.isoformat(), "due_at": tx.t(p.report_due),
                  "found": found, "nil": found == 0, "rounds": rounds, "note": note or "", "filed_at": tx.t(now),
                  "filed_by": who.id}
        rid = screening_store.add_report(tx, values)
        if rid is None:
            raise Conflict(f"{urow[1]}{p.label()}的排查报告已经报送", f"the report of {urow[0]} for {p.label('en')} was filed")
        screening_store.meet_report(tx, urow[0], p.cadence, p.first.isoformat(), tx.t(now))
    return {"id": rid, "unit": urow[0], "unit_name": urow[1], "cadence": p.cadence, "period_start": p.first.isoformat(),
            "period_end": p.last.isoformat(), "due_at": iso(p.report_due), "found": found, "nil": found == 0,
            "rounds": rounds, "filed_at": iso(now), "on_time": now <= p.report_due, "filed_by": who.id}


def set_sensitive(engine, actor, *, name: str, starts_on: Any, ends_on: Any, units: Any) -> dict:
    """Set a sensitive period (敏感期): the named units and those under them screen and report daily."""
    now = engine.clock.now()
    errors: list[FieldError] = []
    first = _day(starts_on, "starts_on", errors, local_date(now))
    last = _day(ends_on, "ends_on", errors, first)
    ids = _words(units)
    if not (name or "").strip():
        errors.append(FieldError("name", "请填写敏感期名称（如 春节）", "name the period (such as Spring Festival)"))
    if last < first or (last - first) > timedelta(days=62):
        errors.append(FieldError("ends_on", "结束日期应在开始日期之后、两个月之内", "ends on or after the start, within 62 days"))
    if not ids:
        errors.append(FieldError("units", "请指明适用的单位", "name the units"))
    with engine.store.write() as tx:
        who = _who(tx, actor, SENSITIVE_ROLES, "设定敏感期", "set sensitive periods")
        for uid in ids:
            row = screening_store.unit(tx, uid)
            if row is None:
                errors.append(FieldError("units", f"没有单位“{uid}”", f"no unit {uid}"))
            elif who.role not in ("admin", "system") and not who.covers(row[3]):
                raise NotPermitted(f"“{row[1]}”不在您的管辖范围内", f"{uid} is outside your jurisdiction")
        if errors:
            raise ValidationError(errors)
        sid = screening_store.add_sensitive(tx, {"name": name.strip(), "starts_on": first.isoformat(),
                                                 "ends_on": last.isoformat(), "units": dumps(ids), "set_at": tx.t(now),
                                                 "set_by": who.id})
    screening_sweep.forget(engine)
    return {"id": sid, "name": name.strip(), "starts_on": first.isoformat(), "ends_on": last.isoformat(), "units": ids}
