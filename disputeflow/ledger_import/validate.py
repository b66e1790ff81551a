"""Turning one ledger row into a normalised case record, or saying exactly what is wrong with it.

Every problem names the row (as Excel numbers it), the column (as the ledger
heads it) and what is wrong, in Chinese (English on request). Problems that make
the row unusable are errors; problems the import can live with (a lead official
who is not a user yet, a missing 办结日期 taken from an earlier date) are
warnings, and the row is imported with what the warning says.

A record is plain JSON-able data; its hash decides whether a re-imported row
changed, and it is kept with the import key so a correction can be diffed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from disputeflow.cases.canonical import dumps_ordered
from disputeflow.workflow import risk as risk_mod
from disputeflow.workflow.inputs import NAME_MAX, PARTIES_MAX
from disputeflow.workflow.errors import ValidationError
from disputeflow.ledger_import.mapping import FIELD_LABELS, REQUIRED, Mapping
from disputeflow.ledger_import.readers import Column, cell_text
from disputeflow.ledger_import.values import (MULTILINE_FIELDS, LedgerValueError, checked_text, clean_text, half_width,
                                          parse_date, parse_id_number, parse_phone)
from disputeflow.workflow.timeutil import iso

DATE_FIELDS = ("reported_at", "assessed_at", "controlled_at", "mediation_at", "resolved_at", "followed_up_at",
               "closed_at")
# The main line a ledger row walks, and the date column for each step.
STEP_DATE = {"assess": "assessed_at", "control": "controlled_at", "mediate": "mediation_at",
             "resolve": "resolved_at", "follow_up": "followed_up_at", "close": "closed_at"}
STATE_ORDER = ("reported", "assessed", "controlled", "mediating", "resolved", "following_up", "closed")
UNIT_KINDS = ("town", "village", "community", "grid")


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


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    zh: str
    en: str

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh

    def to_dict(self, lang: str = "zh_CN") -> dict:
        return {"row": self.row, "column": self.column, "message": self.message(lang)}


def assign_columns(columns: list[Column], mapping: Mapping) -> dict[str, Column]:
    """Which column feeds each field.

    Sub-headings and ``group/sub`` names are matched first, group headings
    alone second, so 当事人 over 申请人 | 被申请人 feeds the applicant and
    respondent fields rather than the generic parties field.

    Raises:
        ValidationError: a required column is missing (names the headings it looked for).
    """
    taken: set[int] = set()
    out: dict[str, Column] = {}
    from disputeflow.ledger_import.mapping import norm_heading

    normed = [(c, [norm_heading(n) for n in c.names]) for c in columns]
    for rnd in (0, 1):
        for name in mapping.columns:
            if name in out:
                continue
            for alias in mapping.aliases(name):
                hit = None
                for c, names in normed:
                    if c.index in taken or not names:
                        continue
                    primary = names[:-1] if (rnd == 0 and len(names) > 1) else names
                    if alias in primary:
                        hit = c
                        break
                if hit is not None:
                    out[name] = hit
                    taken.add(hit.index)
                    break
    missing = [f for f in REQUIRED if f not in out]
    if not any(f in out for f in ("parties", "applicant", "respondent")):
        missing.append("parties")
    if missing:
        zh = "；".join(f"找不到“{FIELD_LABELS[f]}”列（可识别：{'、'.join(mapping.columns[f][:6])}）" for f in missing)
        en = "; ".join(f"no column for {f} (known headings: {', '.join(mapping.columns[f][:6])})" for f in missing)
        raise ValidationError.one("表头", zh + "。请用 --mapping 指定列名",
                                  en + ". Name the columns with --mapping")
    return out


class Directory:
    """Units and users by id and by name, loaded once per import (they are few)."""

    def __init__(self, units: list[tuple], users: list[tuple]):
        self.units = {u[0]: u for u in units}  # id -> (id, name, kind, path)
        self.unit_names: dict[str, list[tuple]] = {}
        for u in units:
            self.unit_names.setdefault(u[1], []).append(u)
        self.users = {u[0]: u for u in users}  # id -> (id, name, role, active)
        self.user_names: dict[str, list[tuple]] = {}
        for u in users:
            self.user_names.setdefault(u[1], []).append(u)

    def unit(self, text: str, kinds: tuple[str, ...]) -> tuple[tuple | None, str | None]:
        """(unit, None) or (None, reason code: missing / ambiguous / kind)."""
        u = self.units.get(text)
        if u is None:
            found = [x for x in self.unit_names.get(text, []) if x[2] in kinds] or self.unit_names.get(text, [])
            if len(found) > 1:
                return None, "ambiguous"
            u = found[0] if found else None
        if u is None:
            return None, "missing"
        if u[2] not in kinds:
            return None, "kind"
        return u, None

    def user(self, text: str, role: str) -> tuple | None:
        u = self.users.get(text)
        if u is not None and u[2] == role and u[3]:
            return u
        found = [x for x in self.user_names.get(text, []) if x[2] == role and x[3]]
        return found[0] if len(found) == 1 else None


class RowValidator:
    """Validates rows of one ledger against the mapping, the definition and the directory."""

    def __init__(self, *, columns: dict[str, Column], all_columns: list[Column], mapping: Mapping, definition,
                 directory: Directory, actor, now: datetime, epoch_1904: bool = False):
        self.columns = columns
        self.mapping = mapping
        self.defn = definition
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
        errors: list[RowProblem] = []
        warnings: list[RowProblem] = []
        raws = self._raws(values)
        get = raws.get

        def err(name, zh, en):
            errors.append(RowProblem(row, self._label(name), zh, en))

        def warn(name, zh, en):
            warnings.append(RowProblem(row, self._label(name), zh, en))

        def text(name) -> str:
            v = get(name)
            if v is None:
                return ""
            try:
                return checked_text(half_width(clean_text(v)) if name == "ref" else clean_text(v),
                                    name in MULTILINE_FIELDS)
            except LedgerValueError as exc:
                err(name, exc.zh, exc.en)
                return ""

        def choice(name: str, kind: str, vocab: str) -> str | None:
            raw = get(name)
            if raw is None:
                return None
            code = self.mapping.value(kind, half_width(clean_text(raw)))
            if code is None:
                opts = "、".join(lab.zh for lab in self.defn.vocab.get(vocab, {}).values())
                err(name, f"“{clean_text(raw)}”无法识别（可填：{opts}；或在映射文件 [values.{kind}] 中指定）",
                    f"{clean_text(raw)!r} is not recognised (one of {', '.join(self.defn.vocab.get(vocab, {}))}; "
                    f"or map it in [values.{kind}])")
            return code

        rec: dict[str, Any] = {}
        rec["ref"] = text("ref") or None

        dates: dict[str, datetime] = {}
        for name in DATE_FIELDS:
            raw = get(name)
            if raw is None:
                continue
            try:
                d = _parse_date(raw, self.epoch_1904)
            except LedgerValueError as exc:
                err(name, exc.zh, exc.en)
                continue
            if d > self.now:
                err(name, f"日期“{cell_text(raw)}”晚于当前时间", f"date {cell_text(raw)!r} is in the future")
                continue
            dates[name] = d
        if get("reported_at") is None:
            err("reported_at", "登记日期为空", "the report date is empty")

        unit_text = half_width(text("unit"))
        unit = None
        if not unit_text:
            err("unit", "村(社区)为空", "the unit is empty")
        else:
            unit, why = self.dir.unit(unit_text, UNIT_KINDS)
            if why == "missing":
                err("unit", f"单位“{unit_text}”不存在（请先用 disputeflow unit add 建立，或填写单位编号）",
                    f"no unit {unit_text!r} (add it with disputeflow unit add, or write its id)")
            elif why == "ambiguous":
                err("unit", f"有多个单位名为“{unit_text}”，请填写单位编号", f"several units are named {unit_text!r}; write the id")
            elif why == "kind":
                err("unit", f"“{unit_text}”不是镇、村（社区）或网格", f"{unit_text!r} is not a town, village, community or grid")
            elif not self.actor.covers(unit[3]):
                err("unit", f"“{unit_text}”不在您的管辖范围内", f"{unit_text!r} is outside your jurisdiction")
                unit = None
        rec["unit"] = unit[0] if unit else None

        cat_raw = get("category")
        category = None
        if cat_raw is None:
            err("category", "纠纷类型为空", "the category is empty")
        else:
            word = half_width(clean_text(cat_raw))
            category = self.mapping.value("category", word)
            if category is None:
                if self.mapping.unknown_category == "error":
                    opts = "、".join(lab.zh for lab in self.defn.vocab.get("category", {}).values())
                    err("category", f"纠纷类型“{word}”无法识别（可填：{opts}；或在映射文件 [values.category] 中指定）",
                        f"unknown category {word!r} (map it in [values.category] of a mapping file)")
                else:
                    category = self.mapping.unknown_category
                    label = self.defn.vocab_label("category", category)
                    warn("category", f"纠纷类型“{word}”无法识别，按“{label}”导入（原文保留在案件中）",
                         f"unknown category {word!r} imported as {category} (the ledger's word is kept)")
                    rec["category_text"] = word
        rec["category"] = category

        rec["parties"] = self._parties(raws, err)
        title = text("title")
        if not title and rec["parties"] and category:
            names = [p["name"] for p in rec["parties"]]
            who = "、".join(names[:2]) + ("等" if len(names) > 2 else "")
            title = f"{who}{self.defn.vocab_label('category', category)}"
        if len(title) > 200:
            err("title", "纠纷名称过长（最多 200 字）", "title is too long (at most 200)")
        rec["title"] = title[:200]
        desc = text("description")
        if len(desc) > 5000:
            err("description", "简要情况过长（最多 5000 字）", "description is too long (at most 5000)")
        rec["description"] = desc

        src_raw = get("source")
        source = "other"
        if src_raw is not None:
            source = self.mapping.value("source", half_width(clean_text(src_raw)))
            if source is None:
                warn("source", f"来源“{clean_text(src_raw)}”无法识别，按“其他”导入", f"unknown source {clean_text(src_raw)!r}, imported as other")
                source = "other"
        rec["source"] = source

        flags: list[str] = []
        fl_raw = get("flags")
        if fl_raw is not None:
            for word in self.mapping.split(half_width(clean_text(fl_raw))):
                code = self.mapping.value("flag", word)
                if code is None:
                    err("flags", f"风险标记“{word}”无法识别（可填：民转刑、重点人员、暴力）", f"unknown flag {word!r}")
                elif code not in flags:
                    flags.append(code)
        rec["flags"] = flags

        rec["risk"] = choice("risk", "risk", "risk")
        for name, role in (("lead_official", "lead_official"), ("mediator", "mediator")):
            raw = text(name)
            rec[name] = rec[f"{name}_name"] = None
            if raw:
                u = self.dir.user(raw, role)
                if u is None:
                    warn(name, f"“{raw}”不是系统中的{FIELD_LABELS[name]}用户，姓名已记入案件，请建立用户后再指派",
                         f"{raw!r} is not a {role} user; the name is kept on the case")
                    rec[f"{name}_name"] = raw
                else:
                    rec[name] = u[0]
        raw = text("responsible_unit")
        rec["responsible_unit"] = rec["responsible_unit_name"] = None
        if raw:
            u, why = self.dir.unit(raw, ("office",))
            if u is None:
                warn("responsible_unit", f"责任单位“{raw}”不是系统中的站所，名称已记入案件",
                     f"responsible unit {raw!r} is not an office in the system; the name is kept")
                rec["responsible_unit_name"] = raw
            else:
                rec["responsible_unit"] = u[0]

        state_raw = get("state")
        state = None
        if state_raw is not None:
            state = self.mapping.value("state", half_width(clean_text(state_raw)))
            if state is None:
                opts = "、".join(s.label.zh for s in self.defn.states)
                err("state", f"化解情况“{clean_text(state_raw)}”无法识别（可填：{opts}；或在映射文件 [values.state] 中指定）",
                    f"unknown state {clean_text(state_raw)!r} (map it in [values.state])")
        outcome = choice("outcome", "outcome", "outcome")
        if state is None and state_raw is None:
            state = self._infer_state(dates, rec["risk"])
        rec["state"] = state
        if outcome is None and state in ("resolved", "following_up", "closed") and state_raw is not None:
            outcome = self.mapping.value("outcome", half_width(clean_text(state_raw)))
        if outcome is None and state in ("resolved", "following_up", "closed"):
            outcome = "agreement"
        rec["outcome"] = outcome
        rec["agreement"] = text("agreement") or None
        rec["measures"] = text("measures") or None
        rec["method"] = choice("method", "method", "method")
        rec["satisfaction"] = choice("satisfaction", "satisfaction", "satisfaction")
        rec["note"] = text("note") or None
        rec["referred_to"] = rec["referred_detail"] = None
        ref_raw = text("referred_to")
        if ref_raw:
            code = self.mapping.value("referral", half_width(ref_raw))
            rec["referred_to"] = code or "department"
            if code is None:
                rec["referred_detail"] = ref_raw
        if state == "referred" and not rec["referred_to"]:
            err("referred_to" if "referred_to" in self.columns else "state", "状态为已移交，但未填写移交单位",
                "referred, but the receiving body is not given")
        rec["withdraw_reason"] = text("withdraw_reason") or None

        if state is not None and "reported_at" in dates:
            self._check_dates(state, dates, rec, err, warn)
        rec["dates"] = {k: _iso(v) for k, v in sorted(dates.items())}
        extra = {}
        for c in self.extra_columns:
            if c.index < len(values) and values[c.index] is not None:
                cell = cell_text(values[c.index])
                if cell.strip():
                    try:
                        extra[c.label] = checked_text(cell, True)
                    except LedgerValueError as exc:
                        errors.append(RowProblem(row, c.label, exc.zh, exc.en))
        rec["extra"] = extra
        if errors:
            return None, errors, warnings
        rec["key"] = rec["ref"] or identity_hash(rec)
        if len(rec["key"]) > 200:
            err("ref", "编号过长（最多 200 字）", "the number is too long (at most 200)")
            return None, errors, warnings
        return rec, errors, warnings

    def _parties(self, raws: dict, err) -> list[dict]:
        out: list[dict] = []
        sep = self.mapping.split
        for name, role in (("applicant", "applicant"), ("respondent", "respondent"), ("parties", None)):
            raw = raws.get(name)
            if raw is None:
                continue
            for i, who in enumerate(sep(clean_text(raw))):
                r = role or ("applicant" if not out and i == 0 else "respondent")
                if len(who) > NAME_MAX:
                    err(name, f"当事人姓名“{who[:20]}…”过长", "party name is too long")
                    continue
                try:
                    who = checked_text(who, False)
                except LedgerValueError as exc:
                    err(name, exc.zh, exc.en)  # the row is refused; the party still counts, so no "no party" as well
                out.append({"name": who, "role": r})
        if len(out) > PARTIES_MAX:
            err("parties" if "parties" in self.columns else "applicant", f"当事人超过 {PARTIES_MAX} 人，请分案登记",
                f"more than {PARTIES_MAX} parties; register several cases")
        if not out:
            err("parties" if "parties" in self.columns else "applicant", "当事人为空", "no party is named")
            return out
        raw_phone = raws.get("phones")
        if raw_phone is not None:
            phones = [raw_phone] if isinstance(raw_phone, (int, float)) else sep(clean_text(raw_phone))
            if len(phones) > 1 and len(phones) != len(out):
                err("phones", f"联系电话有 {len(phones)} 个，当事人有 {len(out)} 人，无法一一对应",
                    f"{len(phones)} phone numbers for {len(out)} parties")
            else:
                for p, ph in zip(out, phones):
                    try:
                        p["phone"] = parse_phone(ph)
                    except LedgerValueError as exc:
                        err("phones", exc.zh, exc.en)
        for name, role in (("applicant_id_number", "applicant"), ("respondent_id_number", "respondent"),
                           ("id_numbers", None)):
            raw = raws.get(name)
            if raw is None:
                continue
            whom = [p for p in out if (role is None or p["role"] == role) and "id_number" not in p]
            ids = [raw] if isinstance(raw, (int, float)) else sep(clean_text(raw))
            if not whom or (len(ids) > 1 and len(ids) != len(whom)):
                who = {"applicant": "申请人", "respondent": "被申请人"}.get(role, "当事人")
                err(name, f"身份证号码有 {len(ids)} 个，{who}有 {len(whom)} 人，无法一一对应",
                    f"{len(ids)} ID numbers for {len(whom)} parties")
                continue
            for p, idn in zip(whom, ids):
                try:
                    p["id_number"] = parse_id_number(idn)
                except LedgerValueError as exc:
                    err(name, exc.zh, exc.en)
        return out

    @staticmethod
    def _infer_state(dates: dict, risk: str | None) -> str:
        """The state a row without a 化解情况 cell is in, from the latest date it has."""
        for name, state in (("closed_at", "closed"), ("followed_up_at", "following_up"), ("resolved_at", "resolved"),
                            ("mediation_at", "mediating"), ("controlled_at", "controlled"), ("assessed_at", "assessed")):
            if name in dates:
                return state
        return "assessed" if risk else "reported"

    def _check_dates(self, state: str, dates: dict, rec: dict, err, warn) -> None:
        """Dates must not run backwards along the steps the row went through."""
        prev_name, prev = "reported_at", dates["reported_at"]
        for action in steps_for(state, dates):
            name = STEP_DATE.get(action)
            if action in ("refer", "withdraw"):
                name = "closed_at" if "closed_at" in dates else "resolved_at"
            if name is None:
                continue
            d = dates.get(name)
            if d is None:
                if action == "resolve":
                    warn("resolved_at", f"状态为“{self.defn.state_label(state)}”但未填办结日期，按{FIELD_LABELS[prev_name]}计",
                         f"state {state} without a resolution date; {prev_name} is used")
                continue
            if d < prev:
                err(name, f"{FIELD_LABELS[name]}（{iso(d)[:10]}）早于{FIELD_LABELS[prev_name]}（{iso(prev)[:10]}）",
                    f"{name} ({iso(d)[:10]}) is before {prev_name} ({iso(prev)[:10]})")
                return
            prev_name, prev = name, d


def steps_for(state: str, dates: dict) -> list[str]:
    """The moving actions, after the report, that take a case to ``state`` (the ledger's main line).

    Control is on the way when the ledger gives a 稳控日期 (or the case is controlled);
    referral and withdrawal leave from the furthest stage the ledger's dates show.
    """
    has = dates.__contains__
    if state in STATE_ORDER:
        target = STATE_ORDER.index(state)
        out = []
        if target >= 1:
            out.append("assess")
        if state == "controlled" or (target >= 3 and has("controlled_at")):
            out.append("control")
        for i, action in ((3, "mediate"), (4, "resolve"), (5, "follow_up"), (6, "close")):
            if target >= i:
                out.append(action)
        return out
    if state == "referred":
        out = ["assess"]
        if has("controlled_at"):
            out.append("control")
        if has("mediation_at"):
            out.append("mediate")
        return out + ["refer"]
    if state == "withdrawn":
        out = []
        if has("assessed_at") or has("controlled_at") or has("mediation_at"):
            out.append("assess")
        if has("controlled_at"):
            out.append("control")
        if has("mediation_at"):
            out.append("mediate")
        return out + ["withdraw"]
    raise ValueError(f"no ledger path to state {state!r}")


def identity_hash(rec: dict) -> str:
    """A stable key for a row without a ledger number: its report day, unit and party names.

    Correcting any other cell keeps the key, so the correction updates the case;
    correcting one of these makes it a different row.
    """
    day = rec["dates"].get("reported_at", "")[:10]
    names = sorted(p["name"] for p in rec["parties"])
    basis = json.dumps([day, rec["unit"], names], ensure_ascii=False)
    return "h:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def record_json(rec: dict) -> tuple[str, str]:
    """(hash, JSON) of a record: the hash tells a changed row, the JSON is kept for diffs.

    The validator builds every record with its keys in one fixed order, so the
    text is canonical without sorting (which costs a third of the encoding).
    """
    text = dumps_ordered(rec)
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), text


def floor_of(rec: dict) -> str:
    return risk_mod.floor(len(rec["parties"]), rec["flags"])
