"""Deadline policy: how long each clock runs and when each ladder step fires.

Plain data loaded from a TOML file and pure functions over it; the business
calendar is passed in. A broken policy file is refused at start with its line
and the reason.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from workflow.errors import ConfigError
from workflow.timeutil import LOCAL_TZ

UNITS = ("calendar_hours", "calendar_days", "business_days")
RISKS = ("low", "medium", "high", "critical")


class PolicyError(ConfigError):
    """A policy file that cannot be used: names the file, the line and the reason."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str


@dataclass(frozen=True)
class LadderStep:
    name: str
    kind: str  # "fraction" of the clock, or business days "after_due"
    value: float
    recipients: tuple[str, ...]
    list_for_supervision: bool
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class ClockRule:
    default: Duration | None
    by_risk: Mapping[str, Duration] = field(default_factory=dict)
    by_category: Mapping[str, Duration] = field(default_factory=dict)
    extension_cap: Duration | None = None


@dataclass(frozen=True, eq=False)
class Policy:
    clocks: Mapping[str, ClockRule]
    ladder: tuple[LadderStep, ...]
    count_from: str = "immediately"
    max_extensions_per_clock: int = 1
    default_extension_cap: Duration = Duration(30, "calendar_days")
    tier_upgrade_after_days: int = 60
    unit_talk_level3_per_month: int = 3
    source: str = "<default>"

    @classmethod
    def default(cls) -> "Policy":
        ref = resources.files("workflow") / "policy.toml"
        return cls.parse(ref.read_text(encoding="utf-8"), "<内置默认政策>")

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Policy":
        if path is None:
            return cls.default()
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError(f"无法读取政策文件 {p}：{exc.strerror}", f"cannot read policy file {p}: {exc.strerror}") from None
        return cls.parse(text, str(p))

    @classmethod
    def parse(cls, text: str, where: str) -> "Policy":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"政策文件 {where} 格式错误：{exc}", f"policy file {where} is malformed: {exc}") from None
        lines = text.splitlines()

        def fail(key: str, zh: str, en: str):
            line = _find_line(lines, key)
            at_zh = f"第 {line} 行" if line else ""
            at_en = f"line {line}" if line else ""
            raise PolicyError(f"政策文件 {where} {at_zh}（{key}）：{zh}", f"policy file {where} {at_en} ({key}): {en}")

        def duration(value: Any, key: str) -> Duration:
            if not isinstance(value, Mapping) or set(value) - {"amount", "unit"}:
                fail(key, "时长应写作 { amount = 数量, unit = 单位 }", "a duration is { amount = N, unit = U }")
            amount, unit = value.get("amount"), value.get("unit")
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                fail(key, "amount 应为非负整数", "amount must be a non-negative whole number")
            if unit not in UNITS:
                fail(key, f"unit 应为 {' / '.join(UNITS)} 之一", f"unit must be one of {', '.join(UNITS)}")
            return Duration(amount, unit)

        known = {"count_from", "clocks", "ladder", "extension", "tier", "unit_talk"}
        for k in doc:
            if k not in known:
                fail(k, "未知配置项", "unknown key")
        count_from = doc.get("count_from", "immediately")
        if count_from not in ("immediately", "next_day"):
            fail("count_from", "应为 immediately 或 next_day", "must be immediately or next_day")
        clocks: dict[str, ClockRule] = {}
        for name, rule in doc.get("clocks", {}).items():
            by_risk, by_cat = {}, {}
            for k, v in rule.items():
                if k in RISKS:
                    by_risk[k] = duration(v, k)
                elif k == "categories":
                    by_cat = {c: duration(d, c) for c, d in v.items()}
            for k in rule:
                if k not in (*RISKS, "default", "categories", "extension_cap"):
                    fail(k, f"时限 {name} 有未知配置项", f"clock {name} has an unknown key")
            clocks[name] = ClockRule(
                default=duration(rule["default"], "default") if "default" in rule else None,
                by_risk=by_risk, by_category=by_cat,
                extension_cap=duration(rule["extension_cap"], "extension_cap") if "extension_cap" in rule else None)
        ladder = []
        for i, step in enumerate(doc.get("ladder", [])):
            kind = step.get("kind")
            if kind not in ("fraction", "after_due"):
                fail("kind", "kind 应为 fraction 或 after_due", "kind must be fraction or after_due")
            value = step.get("value")
            if not isinstance(value, (int, float)) or value < 0 or (kind == "fraction" and value > 1):
                fail("value", "value 无效（fraction 取 0–1，after_due 取非负工作日数）",
                     "invalid value (fraction 0–1, after_due a non-negative number of business days)")
            if not step.get("name"):
                fail("name", f"第 {i + 1} 级缺少 name", f"ladder step {i + 1} has no name")
            ladder.append(LadderStep(step["name"], kind, float(value), tuple(step.get("recipients", ())),
                                     bool(step.get("list_for_supervision", False)),
                                     step.get("label_zh", step["name"]), step.get("label_en", step["name"])))
        ext = doc.get("extension", {})
        return cls(
            clocks=clocks, ladder=tuple(ladder), count_from=count_from,
            max_extensions_per_clock=int(ext.get("max_per_clock", 1)),
            default_extension_cap=duration(ext["cap"], "cap") if "cap" in ext else Duration(30, "calendar_days"),
            tier_upgrade_after_days=int(doc.get("tier", {}).get("upgrade_after_days", 60)),
            unit_talk_level3_per_month=int(doc.get("unit_talk", {}).get("level3_per_month", 3)),
            source=where,
        )

    # ------------------------------------------------------------------ pure functions

    def duration(self, clock: str, risk: str | None = None, category: str | None = None) -> Duration | None:
        rule = self.clocks.get(clock)
        if rule is None:
            return None
        if category and category in rule.by_category:
            return rule.by_category[category]
        if risk and risk in rule.by_risk:
            return rule.by_risk[risk]
        return rule.default

    def due_at(self, clock: str, started_at: datetime, risk: str | None, category: str | None, calendar) -> datetime | None:
        d = self.duration(clock, risk, category)
        if d is None:
            return None
        return add_duration(started_at, d, calendar, self.count_from)

    def step_times(self, started_at: datetime, due_at: datetime, calendar) -> list[tuple[LadderStep, datetime]]:
        out = []
        for step in self.ladder:
            if step.kind == "fraction":
                at = started_at + (due_at - started_at) * step.value
            else:
                at = add_workdays_keep_time(due_at, int(step.value), calendar) if step.value else due_at
            out.append((step, at))
        return out

    def extension_cap(self, clock: str) -> Duration:
        rule = self.clocks.get(clock)
        return (rule.extension_cap if rule and rule.extension_cap else None) or self.default_extension_cap

    def step(self, name: str) -> LadderStep | None:
        return next((s for s in self.ladder if s.name == name), None)


def add_workdays_keep_time(at: datetime, n: int, calendar) -> datetime:
    local = at.astimezone(LOCAL_TZ)
    day = calendar.add_workdays(local.date(), n)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), LOCAL_TZ).astimezone(at.tzinfo)


def add_duration(start: datetime, d: Duration, calendar, count_from: str = "immediately") -> datetime:
    """``start`` + ``d``.

    Under ``immediately``: hours and calendar days are elapsed time; business
    days keep the time of day (Friday 15:00 + 1 = the next workday 15:00), and a
    start on a day off counts from 00:00 of the next workday.
    Under ``next_day``: counting starts at 00:00 of the following day, and a day
    count ends at 24:00 of its last day.
    """
    local = start.astimezone(LOCAL_TZ)
    if count_from == "next_day":
        base_day = local.date() + timedelta(days=1)
        base = datetime.combine(base_day, time(0), LOCAL_TZ)
        if d.unit == "calendar_hours":
            return (base + timedelta(hours=d.amount)).astimezone(start.tzinfo)
        if d.unit == "calendar_days":
            return (base + timedelta(days=d.amount)).astimezone(start.tzinfo)
        if d.amount == 0:
            return base.astimezone(start.tzinfo)
        first = calendar.add_workdays(base_day, 0)
        last = calendar.add_workdays(first, d.amount - 1)
        return datetime.combine(last + timedelta(days=1), time(0), LOCAL_TZ).astimezone(start.tzinfo)
    if d.unit == "calendar_hours":
        return start + timedelta(hours=d.amount)
    if d.unit == "calendar_days":
        return start + timedelta(days=d.amount)
    if not calendar.is_workday(local.date()):
        day = calendar.add_workdays(local.date(), 0)
        local = datetime.combine(day, time(0), LOCAL_TZ)
    return add_workdays_keep_time(local, d.amount, calendar)


def _find_line(lines: list[str], key: str) -> int:
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith(key) and s[len(key):].lstrip().startswith("=") or f" {key} =" in f" {s}" or s == f"[{key}]":
            return n
    return 0
