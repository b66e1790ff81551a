"""Reading a policy document: every section checked, every mistake reported at its file and line.

The parser returns the values a :class:`~disputeflow.workflow.policy.Policy`
is built from, so that the checks (long, and only needed once per start) stay
out of the module that answers deadline questions.
"""

from __future__ import annotations

import re
from datetime import time
from types import MappingProxyType
from typing import Any, Mapping

from disputeflow.workflow.policy_terms import (
    CONTACT_METHODS, COUNT_FROM, EXACT_UNITS, LADDER_TIME, RECURRENCE_UNITS, RISKS, STEP_KINDS, UNITS, AutoListing, ClockRule, DutyRule,
    Duration, KeyPersonPolicy, LadderStep, ListingRule, PolicyError, Recurrence,
)
from disputeflow.workflow.policy_hours import QuietHours, Window, WorkingHours
from disputeflow.workflow.policy_repeats import RepeatPolicy, parse_repeats  # noqa: F401  (RepeatPolicy re-exported)
from disputeflow.workflow.tomlfile import key_lines, line_of, load_toml
from disputeflow.workflow.screening_rules import parse_screening

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


class _Reader:
    """Checks one parsed document, raising PolicyError at the offending key's line."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.lines = key_lines(text)

    def fail(self, path: tuple[str | int, ...], zh: str, en: str):
        where = _dotted(path)
        raise PolicyError(self.source, line_of(self.lines, path), f"{where}：{zh}", f"{where}: {en}")

    def table(self, value: Any, path, allowed: tuple[str, ...] | None = None) -> dict:
        if not isinstance(value, dict):
            self.fail(path, "应为表（[...] 或 { ... }）", "must be a table")
        for key in value:
            if allowed is not None and key not in allowed:
                self.fail(path + (key,), f"未知配置项（可用：{'、'.join(allowed)}）",
                          f"unknown key (allowed: {', '.join(allowed)})")
        return value

    def duration(self, value: Any, path) -> Duration:
        return Duration(*self.counted(value, path, "amount", 0, UNITS, ("时长", "数量", "a duration")))

    def counted(self, value: Any, path, key: str, minimum: int, units: tuple[str, ...],
                words: tuple[str, str, str]) -> tuple[int, str]:
        """``{ <key> = N, unit = "..." }``: a whole number of at least ``minimum`` and one of ``units``.

        ``words``: what the table is (Chinese), what its number is (Chinese), what it is (English).
        """
        what_zh, count_zh, what_en = words
        if not isinstance(value, dict):
            self.fail(path, f"{what_zh}应写作 {{ {key} = {count_zh}, unit = \"单位\" }}",
                      f"{what_en} is {{ {key} = N, unit = \"...\" }}")
        self.table(value, path, (key, "unit"))
        n, unit = value.get(key), value.get("unit")
        if not isinstance(n, int) or isinstance(n, bool) or n < minimum:
            zh = "非负整数" if minimum == 0 else ("正整数" if minimum == 1 else f"不小于 {minimum} 的整数")
            self.fail(path + (key,), f"应为{zh}，现为 {n!r}", f"must be a whole number >= {minimum}, got {n!r}")
        if unit not in units:
            self.fail(path + ("unit",), f"应为 {'、'.join(units)} 之一，现为 {unit!r}",
                      f"must be one of {', '.join(units)}, got {unit!r}")
        return n, unit

    def count(self, value: Any, path, minimum: int = 0) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(path, f"应为不小于 {minimum} 的整数，现为 {value!r}", f"must be a whole number >= {minimum}, got {value!r}")
        return value

    def roles(self, value: Any, path) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(r, str) and r for r in value):
            self.fail(path, "应为非空的角色列表，例如 [\"assignee\"]", "must be a non-empty list of roles such as [\"assignee\"]")
        return tuple(value)

    def count_from(self, value: Any, path) -> str:
        if value not in COUNT_FROM:
            self.fail(path, f"应为 \"immediately\"（即时起算）或 \"next_day\"（次日起算），现为 {value!r}",
                      f"must be \"immediately\" or \"next_day\", got {value!r}")
        return value


    def flag(self, value: Any, path) -> bool:
        if not isinstance(value, bool):
            self.fail(path, "应为 true 或 false", "must be true or false")
        return value

    def text(self, value: Any, path, example: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"应为非空文字（如 “{example}”）", f"must be a non-empty text (such as {example!r})")
        return value

    def cites(self, section: dict, path) -> str | None:
        """The section's ``source`` (where its numbers come from), checked; None when not given."""
        if "source" not in section:
            return None
        return self.text(section["source"], path + ("source",), "人民调解法第33条")

    def clock_time(self, value: Any, path) -> time:
        m = _HHMM.match(value) if isinstance(value, str) else None
        if m is None or int(m[1]) > 23 or int(m[2]) > 59:
            self.fail(path, f"应为 \"时:分\"（如 \"08:30\"），现为 {value!r}", f"must be \"HH:MM\" (such as \"08:30\"), got {value!r}")
        return time(int(m[1]), int(m[2]))

    def window(self, value: Any, path) -> Window:
        self.table(value, path, ("from", "to"))
        if "from" not in value or "to" not in value:
            self.fail(path, "时段应写作 { from = \"21:00\", to = \"08:00\" }", "a window is { from = \"21:00\", to = \"08:00\" }")
        start, end = self.clock_time(value["from"], path + ("from",)), self.clock_time(value["to"], path + ("to",))
        if start == end:
            self.fail(path, "起止时间不能相同", "from and to must differ")
        return Window(start, end)

    def words(self, value: Any, path, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        ok = isinstance(value, list) and value and all(isinstance(w, str) and w for w in value)
        if not ok or (allowed is not None and any(w not in allowed for w in value)):
            choices = f"，取值 {'、'.join(allowed)}" if allowed else ""
            self.fail(path, f"应为非空列表{choices}，现为 {value!r}",
                      f"must be a non-empty list{' of ' + ', '.join(allowed) if allowed else ''}, got {value!r}")
        return tuple(value)


def parse(text: str, source: str) -> dict[str, Any]:
    """The keyword arguments of ``Policy`` for the policy TOML ``text``; raises ``PolicyError``."""
    doc = load_toml(text, source, PolicyError)
    r = _Reader(text, source)
    r.table(doc, (), ("count_from", "clocks", "ladder", "extension", "tier_upgrade", "unit_talk", "auto_listing",
                      "key_persons", "working_hours", "quiet_hours", "handover", "screening",
                      "repeat_disputes"))
    count_from = r.count_from(doc.get("count_from", "immediately"), ("count_from",))
    clocks = {name: _clock(r, rule, ("clocks", name))
              for name, rule in r.table(doc.get("clocks", {}), ("clocks",)).items()}
    if not clocks:
        r.fail(("clocks",), "至少要规定一个时限", "at least one clock is required")
    ladder = _ladder(r, doc.get("ladder", []))
    names = [s.name for s in ladder]
    for name, rule in clocks.items():
        unknown = [n for n in rule.rungs or () if n not in names]
        if unknown:
            r.fail(("clocks", name, "ladder"), f"升级阶梯中没有“{'、'.join(unknown)}”（已有：{'、'.join(names)}）",
                   f"the ladder has no step {', '.join(unknown)} (steps: {', '.join(names)})")
    ext = r.table(doc.get("extension", {}), ("extension",), ("max_per_clock", "hard_cap", "cap_from", "source"))
    cap_from = ext.get("cap_from", "later")
    if cap_from not in ("later", "due"):
        r.fail(("extension", "cap_from"), "须为 later 或 due", "must be later or due")
    hard_cap = (r.duration(ext["hard_cap"], ("extension", "hard_cap")) if "hard_cap" in ext
                else Duration(30, "calendar_days"))
    for name, rule in clocks.items():
        cap = rule.extension_cap
        if cap and hard_cap.unit in EXACT_UNITS and cap.lower_bound_hours() > hard_cap.lower_bound_hours():
            r.fail(("clocks", name, "extension_cap"), f"超过 extension.hard_cap（{hard_cap.label()}）",
                   f"exceeds extension.hard_cap ({hard_cap.label('en')})")
    tier = r.table(doc.get("tier_upgrade", {}), ("tier_upgrade",), ("after", "recipients", "source"))
    talk = r.table(doc.get("unit_talk", {}), ("unit_talk",), ("level3_per_month", "recipients", "source"))
    sources = {name: r.cites(section, (name,)) for name, section in
               (("extension", ext), ("tier_upgrade", tier), ("unit_talk", talk))}
    handover = r.table(doc.get("handover", {}), ("handover",), ("restart", "source"))
    sources["handover"] = r.cites(handover, ("handover",))
    sources["auto_listing"] = r.cites(r.table(doc.get("auto_listing", {}), ("auto_listing",)), ("auto_listing",))
    return dict(
        clocks=MappingProxyType(clocks), ladder=ladder, count_from=count_from,
        max_extensions_per_clock=r.count(ext.get("max_per_clock", 1), ("extension", "max_per_clock")),
        extension_hard_cap=hard_cap,
        extension_cap_from=cap_from,
        tier_upgrade_after=r.duration(tier["after"], ("tier_upgrade", "after")) if "after" in tier
        else Duration(60, "calendar_days"),
        tier_upgrade_recipients=r.roles(tier.get("recipients", ["lead_official"]), ("tier_upgrade", "recipients")),
        unit_talk_level3_per_month=r.count(talk.get("level3_per_month", 3), ("unit_talk", "level3_per_month"), 1),
        unit_talk_recipients=r.roles(talk.get("recipients", ["supervisor"]), ("unit_talk", "recipients")),
        auto_listing=_auto_listing(r, doc.get("auto_listing", {})),
        handover_restart=_restart(r, handover, clocks),
        key_persons=_key_persons(r, doc.get("key_persons", {})),
        screening=parse_screening(r, doc.get("screening", {})),
        working_hours=_working_hours(r, doc.get("working_hours", {})),
        quiet_hours=_quiet_hours(r, doc.get("quiet_hours", {})),
        repeats=parse_repeats(r, doc.get("repeat_disputes", {})),
        section_sources=MappingProxyType({k: v for k, v in sources.items() if v is not None}),
        source=source,
    )


def _restart(r: _Reader, section: dict, clocks: dict) -> tuple[str, ...]:
    """``[handover] restart``: clocks of this policy (an empty list: a handover restarts nothing).

    Unset, the resolve clock restarts (a clock a policy does not have never runs, so never restarts).
    """
    if "restart" not in section:
        return ("resolve",)
    value = section["restart"]
    if value == []:
        return ()
    return r.words(value, ("handover", "restart"), tuple(clocks))


_LEVEL = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


def _auto_listing(r: _Reader, section: Any) -> AutoListing:
    path = ("auto_listing",)
    r.table(section, path, ("enabled", "level", "by_zh", "by_en", "deadline_workdays", "risks", "categories", "source",
                            "by_clock"))
    base = AutoListing()
    level = section.get("level", base.level)
    if not isinstance(level, str) or not _LEVEL.match(level):
        r.fail(path + ("level",), f"挂牌级别应为小写英文代码（如 \"town\"、\"county\"），现为 {level!r}",
               f"the level is a lowercase code such as \"town\" or \"county\", got {level!r}")
    return AutoListing(
        enabled=r.flag(section.get("enabled", base.enabled), path + ("enabled",)),
        level=level,
        by_zh=r.text(section.get("by_zh", base.by_zh), path + ("by_zh",), base.by_zh),
        by_en=r.text(section.get("by_en", base.by_en), path + ("by_en",), base.by_en),
        deadline_workdays=r.count(section.get("deadline_workdays", base.deadline_workdays),
                                  path + ("deadline_workdays",), 1),
        risks=r.words(section["risks"], path + ("risks",), RISKS) if "risks" in section else (),
        categories=r.words(section["categories"], path + ("categories",)) if "categories" in section else (),
        by_clock=_listing_by_clock(r, section["by_clock"], path + ("by_clock",)) if "by_clock" in section
        else base.by_clock,
    )


def _listing_by_clock(r: _Reader, section: Any, path) -> Mapping:
    """``[auto_listing.by_clock.<clock>]``: the risks and categories whose red cards of that clock list."""
    out = {}
    for clock, rule in r.table(section, path).items():
        cpath = path + (clock,)
        r.table(rule, cpath, ("risks", "categories", "source"))
        out[clock] = ListingRule(
            risks=r.words(rule["risks"], cpath + ("risks",), RISKS) if "risks" in rule else (),
            categories=r.words(rule["categories"], cpath + ("categories",)) if "categories" in rule else ())
    return MappingProxyType(out)


def _clock(r: _Reader, rule: Any, path) -> ClockRule:
    r.table(rule, path, ("default", *RISKS, "categories", "tiers", "extension_cap", "count_from", "source",
                         "ladder_time", "ladder"))
    rungs = r.words(rule["ladder"], path + ("ladder",)) if "ladder" in rule else None
    ladder_time = rule.get("ladder_time")
    if ladder_time is not None and ladder_time not in LADDER_TIME:
        r.fail(path + ("ladder_time",), f"应为 \"business\"（按工作时间）或 \"elapsed\"（按自然时间），现为 {ladder_time!r}",
               f"must be \"business\" or \"elapsed\", got {ladder_time!r}")
    by_category = {}
    for cat, entries in r.table(rule.get("categories", {}), path + ("categories",)).items():
        cpath = path + ("categories", cat)
        r.table(entries, cpath, ("default", *RISKS))
        by_category[cat] = MappingProxyType({k: r.duration(v, cpath + (k,)) for k, v in entries.items()})
    return ClockRule(
        default=r.duration(rule["default"], path + ("default",)) if "default" in rule else None,
        by_risk=MappingProxyType({k: r.duration(rule[k], path + (k,)) for k in RISKS if k in rule}),
        by_category=MappingProxyType(by_category),
        by_tier=MappingProxyType({k: r.duration(v, path + ("tiers", k))
                                  for k, v in r.table(rule.get("tiers", {}), path + ("tiers",)).items()}),
        extension_cap=r.duration(rule["extension_cap"], path + ("extension_cap",)) if "extension_cap" in rule else None,
        count_from=r.count_from(rule["count_from"], path + ("count_from",)) if "count_from" in rule else None,
        source=r.cites(rule, path), ladder_time=ladder_time, rungs=rungs,
    )


def _ladder(r: _Reader, steps: Any) -> tuple[LadderStep, ...]:
    if not isinstance(steps, list) or not steps:
        r.fail(("ladder",), "至少要有一级 [[ladder]]", "at least one [[ladder]] step is required")
    out: list[LadderStep] = []
    for i, step in enumerate(steps):
        path = ("ladder", i)
        r.table(step, path, ("name", "kind", "value", "recipients", "list_for_supervision", "label_zh", "label_en",
                             "source"))
        name = step.get("name")
        if not isinstance(name, str) or not name:
            r.fail(path + ("name",), "缺少 name", "name is missing")
        if any(s.name == name for s in out):
            r.fail(path + ("name",), f"名称“{name}”重复", f"name {name!r} is used twice")
        kind, value = step.get("kind"), step.get("value")
        if kind not in STEP_KINDS:
            r.fail(path + ("kind",), f"应为 \"fraction\" 或 \"after_due\"，现为 {kind!r}",
                   f"must be \"fraction\" or \"after_due\", got {kind!r}")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "fraction" and not (number and 0 < value <= 1):
            r.fail(path + ("value",), f"fraction 的 value 应在 0 与 1 之间（如 0.8），现为 {value!r}",
                   f"a fraction's value must be in (0, 1], such as 0.8, got {value!r}")
        if kind == "after_due" and not (number and isinstance(value, int) and value >= 0):
            r.fail(path + ("value",), f"after_due 的 value 应为非负整数（工作日数），现为 {value!r}",
                   f"an after_due value must be a whole number of business days >= 0, got {value!r}")
        if out and (STEP_KINDS.index(kind), value) < (STEP_KINDS.index(out[-1].kind), out[-1].value):
            r.fail(path, "各级须按触发先后排列（先 fraction 由小到大，再 after_due 由小到大）",
                   "steps must be listed in firing order (fractions ascending, then after_due ascending)")
        label_zh = step.get("label_zh")
        if not isinstance(label_zh, str) or not label_zh:
            r.fail(path + ("label_zh",), "缺少中文名称 label_zh（如 “黄牌”）", "label_zh (the Chinese label) is missing")
        label_en = step.get("label_en", name)
        supervise = step.get("list_for_supervision", False)
        if not isinstance(supervise, bool):
            r.fail(path + ("list_for_supervision",), "应为 true 或 false", "must be true or false")
        out.append(LadderStep(name, kind, float(value), r.roles(step.get("recipients"), path + ("recipients",)),
                              supervise, label_zh, str(label_en), r.cites(step, path)))
    return tuple(out)


_DUTY_NAME = re.compile(r"^[a-z][a-z_]{0,11}$")


def _key_persons(r: _Reader, section: Any) -> KeyPersonPolicy:
    path = ("key_persons",)
    r.table(section, path, ("duties", "alarm_recipients"))
    duties = {}
    for name, d in r.table(section.get("duties", {}), path + ("duties",)).items():
        dpath = path + ("duties", name)
        if not _DUTY_NAME.match(name):
            r.fail(dpath, "职责名称应为 1–12 个小写字母或下划线（如 contact）",
                   "a duty name is 1-12 lowercase letters or underscores (such as contact)")
        r.table(d, dpath, ("label_zh", "label_en", "satisfied_by", "source", *RISKS))
        label_zh = d.get("label_zh")
        if not isinstance(label_zh, str) or not label_zh:
            r.fail(dpath + ("label_zh",), "缺少中文名称 label_zh（如 “日见面”）", "label_zh (the Chinese label) is missing")
        methods = d.get("satisfied_by")
        if not isinstance(methods, list) or not methods or any(m not in CONTACT_METHODS for m in methods):
            r.fail(dpath + ("satisfied_by",), f"应为非空列表，取值 {'、'.join(CONTACT_METHODS)}，现为 {methods!r}",
                   f"must be a non-empty list of {', '.join(CONTACT_METHODS)}, got {methods!r}")
        by_risk = {k: _recurrence(r, d[k], dpath + (k,)) for k in RISKS if k in d}
        if not by_risk:
            r.fail(dpath, "至少为一个风险等级（low/medium/high/critical）规定频次",
                   "give the recurrence for at least one risk level (low/medium/high/critical)")
        duties[name] = DutyRule(name, label_zh, str(d.get("label_en", name)), tuple(methods),
                                MappingProxyType(by_risk), r.cites(d, dpath))
    return KeyPersonPolicy(
        duties=MappingProxyType(duties),
        alarm_recipients=r.roles(section.get("alarm_recipients", ["lead_official"]), path + ("alarm_recipients",)))


def _recurrence(r: _Reader, value: Any, path) -> Recurrence:
    return Recurrence(*r.counted(value, path, "every", 1, RECURRENCE_UNITS, ("频次", "数量", "a recurrence")))



def _working_hours(r: _Reader, section: Any) -> WorkingHours:
    path = ("working_hours",)
    r.table(section, path, ("from", "to", "source"))
    base = WorkingHours()
    start = r.clock_time(section["from"], path + ("from",)) if "from" in section else base.start
    end = r.clock_time(section["to"], path + ("to",)) if "to" in section else base.end
    if end <= start:
        r.fail(path, "工作时间应在同一天内，且 to 晚于 from（如 08:30 至 17:30）",
               "working hours lie within one day, to after from (such as 08:30 to 17:30)")
    return WorkingHours(start, end, r.cites(section, path))


def _quiet_hours(r: _Reader, section: Any) -> QuietHours:
    """``from``/``to`` for every risk, and per-risk windows or ``false`` (no quiet hours for that risk)."""
    path = ("quiet_hours",)
    r.table(section, path, ("from", "to", "source", *RISKS))
    default = None
    if "from" in section or "to" in section:
        default = r.window({k: section[k] for k in ("from", "to") if k in section}, path)
    by_risk: dict[str, Window | None] = {}
    for risk in RISKS:
        if risk not in section:
            continue
        value = section[risk]
        if value is False:
            by_risk[risk] = None
        elif isinstance(value, dict):
            by_risk[risk] = r.window(value, path + (risk,))
        else:
            r.fail(path + (risk,), "应为 false（不设免打扰）或 { from = \"22:00\", to = \"07:00\" }",
                   "must be false (no quiet hours) or { from = \"22:00\", to = \"07:00\" }")
    return QuietHours(default, MappingProxyType(by_risk), r.cites(section, path))
