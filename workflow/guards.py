"""Guards and conditions, registered by name so definitions stay plain data.

A guard looks at a read-only view of the case and the action's input and
returns ``None`` (pass) or a :class:`Refusal` that names the field a person has
to fix, in both languages. Guards never raise and never touch storage: the
engine runs all of an action's guards and reports every refusal at once, which
``transitions`` conditions (a bare ``False``) cannot do.

Conditions are yes/no predicates used to decide whether a clock starts.

A guard family takes a parameter written after a colon, so one rule serves
many uses: ``has_record:notices`` refuses until the case holds a ``notices``
record. The family builds the guard once per parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

HIGH_RISKS = frozenset({"high", "critical"})


@dataclass(frozen=True)
class CaseView:
    """What a guard may see of a case: plain values, no database handle."""

    state: str
    risk: str | None = None
    flags: tuple[str, ...] = ()
    mediator: str | None = None
    lead_official: str | None = None
    responsible_unit: str | None = None
    supervision_level: str | None = None
    party_count: int = 0
    data: Mapping[str, Any] = field(default_factory=dict)
    category: str | None = None
    # The case's open child cases as (number, workflow, state); read only for guards that ask (CHILD_GUARDS).
    children: tuple[tuple[str, str, str], ...] | None = None

    @property
    def high_risk(self) -> bool:
        """Whether the case's risk is high or critical (what many guards and rules ask)."""
        return self.risk in HIGH_RISKS


@dataclass(frozen=True)
class Refusal:
    """Why a guard refuses an action: the ``field`` to fix and the reason in Chinese and English.

    ``moot`` marks an action that does not apply to the case at all; it is not offered, rather than refused.
    """

    field: str
    zh: str
    en: str
    moot: bool = False  # the action does not apply to this case at all (摘牌 on a case never listed): not offered


Guard = Callable[[CaseView, Mapping[str, Any]], "Refusal | None"]
Condition = Callable[[CaseView, Mapping[str, Any]], bool]

GUARDS: dict[str, Guard] = {}
GUARD_FAMILIES: dict[str, Callable[[str], Guard]] = {}
CONDITIONS: dict[str, Condition] = {}
CHILD_GUARDS: set[str] = set()  # guards that look at the case's open children (read for them alone)
# record name → the label of the action that writes it, as the definitions loaded so far name it
RECORD_LABELS: dict[str, tuple[str, str]] = {}


def register_guard(name: str, *, children: bool = False) -> Callable[[Guard], Guard]:
    """Register a guard under ``name`` so a definition can refer to it.

    Embedding systems use this to add their own rules without forking.
    ``children``: the guard reads ``CaseView.children``; the engine reads a
    case's open children only for an action with such a guard, so ordinary
    actions pay nothing for them.
    """

    def deco(fn: Guard) -> Guard:
        GUARDS[name] = fn
        if children:
            CHILD_GUARDS.add(name)
        return fn

    return deco


def needs_children(names: tuple[str, ...]) -> bool:
    """Whether any of the guards ``names`` reads the case's children."""
    return any(n in CHILD_GUARDS for n in names)


def register_guard_family(name: str) -> Callable[[Callable[[str], Guard]], Callable[[str], Guard]]:
    """Register a family of guards under ``name``: ``name:param`` in a definition builds one with ``param``."""

    def deco(factory: Callable[[str], Guard]) -> Callable[[str], Guard]:
        GUARD_FAMILIES[name] = factory
        return factory

    return deco


def lookup(name: str) -> Guard | None:
    """The guard a definition names: a registered one, or a family's guard for ``family:param``; None if neither."""
    got = GUARDS.get(name)
    if got is None:
        family, sep, param = name.partition(":")
        factory = GUARD_FAMILIES.get(family) if sep and param else None
        if factory is not None:
            got = GUARDS[name] = factory(param)
    return got


def label_record(record: str, zh: str, en: str) -> None:
    """Remember which action writes ``record`` (the first definition to name it wins), for refusals that ask for it."""
    RECORD_LABELS.setdefault(record, (zh, en))


def register_condition(name: str) -> Callable[[Condition], Condition]:
    """Decorator: register ``fn(case, data) -> bool`` as the condition ``name``.

    A definition names a condition in the ``when`` of a clock start: the clock starts
    only when the condition holds for the case and the action's input. Register before
    the definition is loaded, since a definition naming an unknown condition is refused.
    """
    def deco(fn: Condition) -> Condition:
        CONDITIONS[name] = fn
        return fn

    return deco


def check(names: tuple[str, ...], case: CaseView, data: Mapping[str, Any]) -> list[Refusal]:
    """Run every named guard; return all refusals (empty when the action may go ahead)."""
    out = []
    for n in names:
        guard = GUARDS.get(n) or lookup(n)
        assert guard is not None, n  # definitions are checked against the registry when loaded
        r = guard(case, data)
        if r is not None:
            out.append(r)
    return out


# --------------------------------------------------------------------------- conditions


@register_condition("always")
def _always(case: CaseView, data: Mapping[str, Any]) -> bool:
    return True


@register_condition("high_risk")
def _high_risk(case: CaseView, data: Mapping[str, Any]) -> bool:
    return case.high_risk


# --------------------------------------------------------------------------- guards


@register_guard("controlled_if_high_risk")
def controlled_if_high_risk(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if case.high_risk and not case.data.get("measures"):
        return Refusal("measures", "高/重大风险案件须先落实稳控措施（稳控）再调处",
                       "high/critical risk: record control measures (control) before mediation")
    return None


@register_guard("lead_official_if_high_risk")
def lead_official_if_high_risk(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if case.high_risk and not case.lead_official:
        return Refusal("lead_official", "高/重大风险案件须先确定包案领导",
                       "high/critical risk: assign a lead official first")
    return None


@register_guard("plan_if_high_risk")
def plan_if_high_risk(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if case.high_risk and not (case.data.get("team") and case.data.get("plan")):
        return Refusal("plan", "高/重大风险案件须先登记工作专班和化解方案",
                       "high/critical risk: record the working team and the resolution plan first")
    return None


@register_guard("followup_not_dissatisfied")
def followup_not_dissatisfied(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    visits = case.data.get("follow_ups") or []
    if not visits:
        return Refusal("follow_ups", "销号前至少需要一次回访", "closing needs at least one follow-up")
    if visits[-1].get("satisfaction") == "dissatisfied":
        return Refusal("follow_ups", "最近一次回访当事人不满意，不能销号",
                       "the latest follow-up was dissatisfied; the case cannot be closed")
    return None


@register_guard("no_active_supervision")
def no_active_supervision(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if case.supervision_level:
        return Refusal("supervision", "案件仍在挂牌督办中，须先摘牌", "the case is still listed for supervision; delist it first")
    return None


FIVE_ONES = {"lead_official": ("包案领导", "lead official"), "team": ("工作专班", "team"),
             "plan": ("化解方案", "plan"), "measures": ("稳控措施", "control measures")}


def five_ones_labels(missing: list[str], lang: str = "zh_CN") -> list[str]:
    """The missing five-ones items as a person reads them (包案领导, not lead_official)."""
    i = 1 if lang.startswith("en") else 0
    return [FIVE_ONES[m][i] if m in FIVE_ONES else m for m in missing]


def five_ones_missing(case: CaseView) -> list[str]:
    """The five-ones items (五个一) not yet in place; 'followed through' is the close itself."""
    missing = []
    if not case.lead_official:
        missing.append("lead_official")
    if not case.data.get("team"):
        missing.append("team")
    if not case.data.get("plan"):
        missing.append("plan")
    if not case.data.get("measures"):
        missing.append("measures")
    return missing


@register_guard("five_ones_if_high_risk")
def five_ones_if_high_risk(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if case.high_risk:
        missing = five_ones_missing(case)
        if missing:
            return Refusal("five_ones", "“五个一”未落实：缺少" + "、".join(five_ones_labels(missing)),
                           "five-ones incomplete: missing " + ", ".join(five_ones_labels(missing, "en")))
    return None


@register_guard("supervised")
def supervised(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    if not case.supervision_level:
        return Refusal("supervision", "案件未挂牌督办，无需摘牌", "the case is not listed for supervision", moot=True)
    return None


_LEVEL_RANK = {"town": 1, "county": 2}


@register_guard("supervision_raisable")
def supervision_raisable(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    current = _LEVEL_RANK.get(case.supervision_level or "", 0)
    wanted = _LEVEL_RANK.get(str(data.get("level")), 0)
    if current and wanted <= current:
        return Refusal("level", "案件已在同级或更高级别挂牌督办", "the case is already listed at this level or higher")
    return None


@register_guard("no_open_children", children=True)
def no_open_children(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """A case waits for what it handed out: no open work order (or other child case) may remain."""
    if case.children:
        numbers = "、".join(number for number, _, _ in case.children)
        if all(workflow == "referral" for _, workflow, _ in case.children):
            return Refusal("work_orders", f"移交尚未反馈（{numbers}），须登记接收单位的反馈后才能办结",
                           f"the referral has no feedback yet ({', '.join(n for n, _, _ in case.children)}); "
                           "record the receiving body's feedback first")
        return Refusal("work_orders", f"尚有未办结的交办单（{numbers}），须核查办结后才能继续",
                       f"open work orders remain ({', '.join(n for n, _, _ in case.children)}); "
                       "approve them first")
    return None


@register_guard_family("has_record")
def has_record(record: str) -> Guard:
    """A guard that refuses until the case holds at least one ``record`` entry (告知 before mediation, …)."""

    def guard(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
        if case.data.get(record):
            return None
        zh, en = RECORD_LABELS.get(record, (record, record))
        return Refusal(record, f"须先办理并记录“{zh}”", f"record “{en}” first")

    return guard

