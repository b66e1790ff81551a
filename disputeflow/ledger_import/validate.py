"""Turning one ledger row into a normalised case record, or saying exactly what is wrong with it.

Every problem names the row (as Excel numbers it), the column (as the ledger
heads it) and what is wrong, in Chinese (English on request). Problems that make
the row unusable are errors; problems the import can live with (a lead official
who is not a user yet, a missing 办结日期 taken from an earlier date) are
warnings, and the row is imported with what the warning says.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from disputeflow.ledger_import.columns import UNIT_KINDS, Directory
from disputeflow.ledger_import.ledger_facts import RESOLVED_ONLY, read_facts
from disputeflow.ledger_import.line import LedgerLine
from disputeflow.ledger_import.mapping import DATE_FIELDS, FIELD_LABELS, Mapping
from disputeflow.ledger_import.parties import read_parties, title_name
from disputeflow.ledger_import.ledger_file import Column
from disputeflow.ledger_import.readers import cell_text
from disputeflow.ledger_import.records import RowProblem, identity_hash
from disputeflow.ledger_import.values import (MULTILINE_FIELDS, LedgerValueError, checked_text, clean_text, half_width,
                                              parse_date)
from disputeflow.workflow.timeutil import iso

# The ledger's order of states, for route.py's way back; the import itself reads it from the
# definition (line.py), and so should the way back.
STATE_ORDER = ("reported", "assessed", "controlled", "mediating", "resolved", "following_up", "closed")
# The date a ledger gives when a dispute was resolved: a step dated by it alone is warned about when it is empty.
RESOLUTION_DATE = "resolved_at"


@functools.lru_cache(maxsize=8192)
def _parse_date_cached(value, epoch_1904: bool, _type: type) -> datetime:
    return parse_date(value, epoch_1904)


def _parse_date(value, epoch_1904: bool) -> datetime:
    """``parse_date`` memoised: a ledger has few distinct dates (bounded, so memory stays flat)."""
    try:
        return _parse_date_cached(value, epoch_1904, value.__class__)
    except TypeError:  # unhashable: not a cell value a reader yields, parse it as it is
        return parse_date(value, epoch_1904)


@functools.lru_cache(maxsize=8192)
def _iso(value: datetime) -> str:
    return iso(value)


class _Row:
    """One row being checked: its cells by field, and the problems found so far."""

    __slots__ = ("number", "raws", "errors", "warnings", "label")

    def __init__(self, number: int, raws: dict[str, Any], label):
        self.number = number
        self.raws = raws
        self.errors: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.label = label

    def err(self, name: str, zh: str, en: str) -> None:
        self.errors.append(RowProblem(self.number, self.label(name), zh, en))

    def warn(self, name: str, zh: str, en: str) -> None:
        self.warnings.append(RowProblem(self.number, self.label(name), zh, en))


class RowValidator:
    """Validates rows of one ledger against the mapping, the definition and the directory."""

    def __init__(self, *, columns: dict[str, Column], all_columns: list[Column], mapping: Mapping, definition,
                 line: LedgerLine, directory: Directory, actor, now: datetime, epoch_1904: bool = False):
        self.columns = columns
        self.mapping = mapping
        self.defn = definition
        self.line = line
        self.dir = directory
        self.actor = actor
        self.now = now
        self.epoch_1904 = epoch_1904
        self._fields = [(name, c.index) for name, c in columns.items()]
        used = {c.index for c in columns.values()}
        self.extra_columns = [c for c in all_columns if c.index not in used and c.names]

    def _raws(self, values: tuple) -> dict[str, Any]:
        """The row's non-empty cells by field, strings trimmed (read once per row, not once per look-up)."""
        out: dict[str, Any] = {}
        n = len(values)
        for name, i in self._fields:
            if i < n:
                v = values[i]
                if v.__class__ is str or isinstance(v, str):
                    v = v.strip()
                    if not v:
                        continue
                elif v is None:
                    continue
                out[name] = v
        return out

    def _label(self, name: str) -> str:
        c = self.columns.get(name)
        return c.label if c else FIELD_LABELS.get(name, name)

    def validate(self, row: int, values: tuple) -> tuple[dict | None, list[RowProblem], list[RowProblem]]:
        """(record or None, errors, warnings) for one non-blank row."""
        r = _Row(row, self._raws(values), self._label)
        rec: dict[str, Any] = {"ref": self._text(r, "ref") or None}
        dates = self._dates(r)
        self._where_and_what(r, rec)
        self._people(r, rec)
        read_facts(self, r, rec, dates)
        state = self._state(r, rec, dates)
        said = rec.pop("visit_satisfaction", None)  # what 回访情况 says, when no 满意度 column does
        rec["satisfaction"] = rec["satisfaction"] or said
        if rec.get("in_control") and not rec["measures"] and rec.get("control_unit_name"):
            rec["measures"] = f"台账记载在控，稳控责任单位：{rec['control_unit_name']}"
        if state is not None and "reported_at" in dates:
            self._check_dates(r, state, dates)
        rec["dates"] = {k: _iso(v) for k, v in sorted(dates.items())}
        rec["extra"] = self._extra(r, values)
        if r.errors:
            return None, r.errors, r.warnings
        rec["key"] = rec["ref"] or identity_hash(rec)
        if len(rec["key"]) > 200:
            r.err("ref", "编号过长（最多 200 字）", "the number is too long (at most 200)")
            return None, r.errors, r.warnings
        return rec, r.errors, r.warnings

    # ------------------------------------------------------------------ cells

    def _text(self, r: _Row, name: str) -> str:
        v = r.raws.get(name)
        if v is None:
            return ""
        try:
            return checked_text(half_width(clean_text(v)) if name == "ref" else clean_text(v), name in MULTILINE_FIELDS)
        except LedgerValueError as exc:
            r.err(name, exc.zh, exc.en)
            return ""

    def _choice(self, r: _Row, name: str, kind: str, vocab: str) -> str | None:
        raw = r.raws.get(name)
        if raw is None:
            return None
        code = self.mapping.value(kind, half_width(clean_text(raw)))
        if code is None:
            opts = "、".join(lab.zh for lab in self.defn.vocab.get(vocab, {}).values())
            r.err(name, f"“{clean_text(raw)}”无法识别（可填：{opts}；或在映射文件 [values.{kind}] 中指定）",
                  f"{clean_text(raw)!r} is not recognised (one of {', '.join(self.defn.vocab.get(vocab, {}))}; "
                  f"or map it in [values.{kind}])")
        return code

    def _dates(self, r: _Row) -> dict[str, datetime]:
        dates: dict[str, datetime] = {}
        for name in DATE_FIELDS:
            raw = r.raws.get(name)
            if raw is None:
                continue
            try:
                d = _parse_date(raw, self.epoch_1904)
            except LedgerValueError as exc:
                r.err(name, exc.zh, exc.en)
                continue
            if d > self.now:
                r.err(name, f"日期“{cell_text(raw)}”晚于当前时间", f"date {cell_text(raw)!r} is in the future")
                continue
            dates[name] = d
        if r.raws.get("reported_at") is None:
            r.err("reported_at", "登记日期为空", "the report date is empty")
        return dates

    def _where_and_what(self, r: _Row, rec: dict) -> None:
        """Unit, category, parties, title, description, source and flags."""
        rec["unit"] = self._unit(r)
        rec["category"] = category = self._category(r, rec)
        rec["parties"] = read_parties(self.mapping, self.columns, r.raws, r.err)
        title = self._text(r, "title")
        if not title and rec["parties"] and category:
            names = [title_name(p["name"]) for p in rec["parties"]]
            who = "、".join(names[:2]) + ("等" if len(names) > 2 else "")
            title = f"{who}{self.defn.vocab_label('category', category)}"
        if len(title) > 200:
            r.err("title", "纠纷名称过长（最多 200 字）", "title is too long (at most 200)")
        rec["title"] = title[:200]
        desc = self._text(r, "description")
        if len(desc) > 5000:
            r.err("description", "简要情况过长（最多 5000 字）", "description is too long (at most 5000)")
        rec["description"] = desc
        src_raw = r.raws.get("source")
        source = "other"
        if src_raw is not None:
            source = self.mapping.value("source", half_width(clean_text(src_raw)))
            if source is None:
                r.warn("source", f"来源“{clean_text(src_raw)}”无法识别，按“其他”导入",
                       f"unknown source {clean_text(src_raw)!r}, imported as other")
                source = "other"
        rec["source"] = source
        rec["flags"] = self._flags(r)

    def _unit(self, r: _Row) -> str | None:
        unit_text = half_width(self._text(r, "unit"))
        if not unit_text:
            r.err("unit", "村(社区)为空", "the unit is empty")
            return None
        unit_text = self.mapping.value("unit", unit_text) or unit_text
        unit, why = self.dir.unit(unit_text, UNIT_KINDS)
        if why == "missing":
            r.err("unit", f"单位“{unit_text}”不存在（请先用 disputeflow unit add 建立，或填写单位编号）",
                  f"no unit {unit_text!r} (add it with disputeflow unit add, or write its id)")
        elif why == "ambiguous":
            r.err("unit", f"有多个单位名为“{unit_text}”，请填写单位编号", f"several units are named {unit_text!r}; write the id")
        elif why == "kind":
            r.err("unit", f"“{unit_text}”不是镇、村（社区）或网格", f"{unit_text!r} is not a town, village, community or grid")
        elif not self.actor.covers(unit[3]):
            r.err("unit", f"“{unit_text}”不在您的管辖范围内", f"{unit_text!r} is outside your jurisdiction")
            return None
        elif why == "contained":
            r.warn("unit", f"“{unit_text}”按单位“{unit[1]}”导入", f"{unit_text!r} imported as unit {unit[1]!r}")
        return unit[0] if unit else None

    def _category(self, r: _Row, rec: dict) -> str | None:
        cat_raw = r.raws.get("category")
        if cat_raw is None:
            r.err("category", "纠纷类型为空", "the category is empty")
            return None
        word = half_width(clean_text(cat_raw))
        category = self.mapping.value("category", word)
        if category is not None:
            return category
        if self.mapping.unknown_category == "error":
            opts = "、".join(lab.zh for lab in self.defn.vocab.get("category", {}).values())
            r.err("category", f"纠纷类型“{word}”无法识别（可填：{opts}；或在映射文件 [values.category] 中指定）",
                  f"unknown category {word!r} (map it in [values.category] of a mapping file)")
            return None
        category = self.mapping.unknown_category
        label = self.defn.vocab_label("category", category)
        r.warn("category", f"纠纷类型“{word}”无法识别，按“{label}”导入（原文保留在案件中）",
               f"unknown category {word!r} imported as {category} (the ledger's word is kept)")
        rec["category_text"] = word
        return category

    def _flags(self, r: _Row) -> list[str]:
        flags: list[str] = []
        fl_raw = r.raws.get("flags")
        if fl_raw is not None:
            for word in self.mapping.split(half_width(clean_text(fl_raw))):
                code = self.mapping.value("flag", word)
                if code is None:
                    r.err("flags", f"风险标记“{word}”无法识别（可填：民转刑、重点人员、暴力）", f"unknown flag {word!r}")
                elif code not in flags:
                    flags.append(code)
        return flags

    def _unit_path(self, rec: dict) -> str | None:
        u = self.dir.units.get(rec.get("unit"))
        return u[3] if u else None

    def _people(self, r: _Row, rec: dict) -> None:
        """Risk, lead official, mediator and responsible unit: a name the system does not know is kept, with a warning."""
        rec["risk"] = self._choice(r, "risk", "risk", "risk")
        for name, role in (("lead_official", "lead_official"), ("mediator", "mediator")):
            raw = self._text(r, name)
            rec[name] = rec[f"{name}_name"] = None
            if raw:
                u = self.dir.user(raw, role)
                if u is None:
                    r.warn(name, f"“{raw}”不是系统中的{FIELD_LABELS[name]}用户，姓名已记入案件，请建立用户后再指派",
                           f"{raw!r} is not a {role} user; the name is kept on the case")
                    rec[f"{name}_name"] = raw
                else:
                    rec[name] = u[0]
        raw = self._text(r, "responsible_unit")
        rec["responsible_unit"] = rec["responsible_unit_name"] = None
        if raw:
            raw = self.mapping.value("unit", half_width(raw)) or raw
            u, why = self.dir.unit(raw, ("office",), within=self._unit_path(rec), category=rec.get("category"))
            if u is None:
                r.warn("responsible_unit", f"责任单位“{raw}”不是系统中的站所，名称已记入案件",
                       f"responsible unit {raw!r} is not an office in the system; the name is kept")
                rec["responsible_unit_name"] = raw
            else:
                rec["responsible_unit"] = u[0]
                if why == "contained":
                    r.warn("responsible_unit", f"责任单位“{raw}”按“{u[1]}”导入", f"{raw!r} imported as {u[1]!r}")

    def _state(self, r: _Row, rec: dict, dates: dict) -> str | None:
        """The state the row stands in, and the cells that go with it (outcome, agreement, referral ...)."""
        state_raw = r.raws.get("state")
        state = None
        if state_raw is not None:
            word = half_width(clean_text(state_raw))
            state = self.mapping.value("state", word)
            if state is None or not self.line.reachable(state):
                opts = "、".join(self.defn.state_label(s) for s in self.line.order + tuple(self.line.exits))
                r.err("state", f"化解情况“{clean_text(state_raw)}”无法识别（可填：{opts}；或在映射文件 [values.state] 中指定）",
                      f"unknown state {clean_text(state_raw)!r} (map it in [values.state])")
                state = None
        outcome = self._choice(r, "outcome", "outcome", "outcome")
        if state is None and state_raw is None:
            state = self.line.infer_state(dates, bool(rec["risk"]))
        rec["state"] = state
        resolved = state is not None and self.line.passes(state, "outcome")
        if outcome is None and resolved and state_raw is not None:
            outcome = self.mapping.value("outcome", half_width(clean_text(state_raw)))
        if outcome is None and resolved:
            # 是否化解 = 是 and no agreement on record: a resolution, not an agreement
            outcome = RESOLVED_ONLY if (rec.get("resolved_flag") and not r.raws.get("agreement")
                                        and RESOLVED_ONLY in self.defn.vocab.get("outcome", {})) else "agreement"
        rec["outcome"] = outcome
        rec["agreement"] = self._text(r, "agreement") or None
        rec["measures"] = self._text(r, "measures") or None
        rec["method"] = self._choice(r, "method", "method", "method")
        rec["satisfaction"] = self._choice(r, "satisfaction", "satisfaction", "satisfaction")
        rec["note"] = self._text(r, "note") or None
        rec["referred_to"] = rec["referred_detail"] = None
        ref_raw = self._text(r, "referred_to")
        if ref_raw:
            code = self.mapping.value("referral", half_width(ref_raw))
            rec["referred_to"] = code or "department"
            if code is None:
                rec["referred_detail"] = ref_raw
        if state is not None and state in self.line.exits and self.line.passes(state, "referred_to") \
                and not rec["referred_to"]:
            r.err("referred_to" if "referred_to" in self.columns else "state",
                  f"状态为{self.defn.state_label(state)}，但未填写移交单位", f"{state}, but the receiving body is not given")
        rec["withdraw_reason"] = self._text(r, "withdraw_reason") or None
        return state

    def _check_dates(self, r: _Row, state: str, dates: dict) -> None:
        """Dates must not run backwards along the steps the row went through."""
        prev_name, prev = "reported_at", dates["reported_at"]
        for step in self.line.path(state, dates):
            fields = self.line.date_fields(step.action)
            if not fields:
                continue
            name = next((f for f in fields if f in dates), fields[-1])
            d = dates.get(name)
            if d is None:
                if fields == (RESOLUTION_DATE,):
                    r.warn(name, f"状态为“{self.defn.state_label(state)}”但未填{FIELD_LABELS[name]}，按{FIELD_LABELS[prev_name]}计",
                           f"state {state} without a resolution date; {prev_name} is used")
                continue
            if d < prev:
                r.err(name, f"{FIELD_LABELS[name]}（{iso(d)[:10]}）早于{FIELD_LABELS[prev_name]}（{iso(prev)[:10]}）",
                      f"{name} ({iso(d)[:10]}) is before {prev_name} ({iso(prev)[:10]})")
                return
            prev_name, prev = name, d

    def _extra(self, r: _Row, values: tuple) -> dict:
        """The cells of columns no field takes, word for word under their headings."""
        extra = {}
        for c in self.extra_columns:
            if c.index < len(values) and values[c.index] is not None:
                cell = cell_text(values[c.index])
                if cell.strip():
                    try:
                        extra[c.label] = checked_text(cell, True)
                    except LedgerValueError as exc:
                        r.errors.append(RowProblem(r.number, c.label, exc.zh, exc.en))
        return extra

