"""The names inside an action's fields and ``notify`` list: targets, unit kinds, roles, recipients.

Each of these is a plain string in the definition that the engine reads
only when a case reaches the action; a typo (``case.mediatr``, ``unit:mediater``)
would otherwise land a value nowhere or notify nobody. Pure.
"""

from __future__ import annotations

from disputeflow.workflow.audience import SLOT_ROLES
from disputeflow.workflow.definition_errors import Path, Problem, nearest
from disputeflow.workflow.definition_types import Action
from disputeflow.workflow.vocabulary import UNIT_KINDS

# The case columns a field may land on (``target = "case.<column>"``); the rest goes to ``data.<key>``.
CASE_TARGETS = ("risk", "responsible_unit", "mediator", "lead_official", "supervision_level")
# The fields an intake of a workflow that people open must have (the case's own columns read them).
INTAKE_FIELDS = ("title", "category", "unit", "parties")
# The recipient kinds of :mod:`disputeflow.workflow.audience` (``kind:what``) and the slots ``case:`` names.
NOTIFY_KINDS = ("unit", "field", "field_unit", "case", "user", "role")
CASE_SLOTS = ("mediator", "lead_official")


def field_problems(a: Action, where: Path, known_roles: tuple[str, ...]) -> list[Problem]:
    """Each field's target, unit kinds and roles that do not exist."""
    found: list[Problem] = []
    valid_targets = [f"case.{c}" for c in CASE_TARGETS] + [f"data.{f}" for f in a.field_names]
    for f in a.fields:
        fpath = (*where, "fields", f.name)
        kind, _, key = f.target.partition(".")
        if f.target and not (kind == "case" and key in CASE_TARGETS or kind == "data" and key.isidentifier()):
            found.append(Problem(f"动作 {a.name} 字段 {f.name} 的去向 {f.target} 无效（case.<列> 或 data.<键>，"
                                 f"列为 {'、'.join(CASE_TARGETS)}）",
                                 f"action {a.name} field {f.name}: target {f.target} is invalid (case.<column> or "
                                 f"data.<key>; the columns are {', '.join(CASE_TARGETS)})",
                                 (*fpath, "target"), nearest(f.target, valid_targets)))
        for k in f.kinds:
            if k not in UNIT_KINDS:
                found.append(Problem(f"动作 {a.name} 字段 {f.name} 的单位类型 {k} 不存在",
                                     f"action {a.name} field {f.name} names unit kind {k}, which does not exist",
                                     (*fpath, "kinds"), nearest(k, UNIT_KINDS)))
        for r in f.roles:
            if r not in known_roles:
                found.append(Problem(f"动作 {a.name} 字段 {f.name} 的角色 {r} 未知",
                                     f"action {a.name} field {f.name} names unknown role {r}",
                                     (*fpath, "roles"), nearest(r, known_roles)))
    return found


def notify_problems(a: Action, where: Path, known_roles: tuple[str, ...]) -> list[Problem]:
    """Each ``notify`` recipient that names no kind, role, field or slot there is."""
    found: list[Problem] = []
    fields = tuple(sorted(a.field_names))
    for token, kind, what in a.notify_tokens:
        ok, suggestion = _recipient(token, kind, what, fields, known_roles)
        if not ok:
            found.append(Problem(f"动作 {a.name} 的通知对象 {token} 无效", f"action {a.name}: notify {token} is invalid",
                                 (*where, "notify"), suggestion))
    return found


def _recipient(token: str, kind: str, what: str, fields: tuple[str, ...],
               known_roles: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether ``token`` names someone (:mod:`disputeflow.workflow.audience`), and the nearest valid one if not."""
    if ":" not in token:
        bare = ("responsible_unit", *SLOT_ROLES, *known_roles)
        forms = [*bare, *(f"case:{s}" for s in CASE_SLOTS), *(f"field:{f}" for f in fields),
                 *(f"unit:{r}" for r in known_roles)]
        return token in bare, nearest(token, forms)
    if kind not in NOTIFY_KINDS:
        return False, nearest(token, [f"{k}:{what}" for k in NOTIFY_KINDS])
    if kind == "user":
        return bool(what), None
    valid: tuple[str, ...] = {"unit": known_roles, "field": fields, "field_unit": fields, "case": CASE_SLOTS,
                              "role": known_roles}[kind]
    name = what.partition("@")[0] if kind == "role" else what
    if name in valid and (kind != "role" or "@" in what):
        return True, None
    return False, nearest(token, [f"{kind}:{v}" for v in valid])


# The type each of those fields must have: the case row is written from them as such.
INTAKE_TYPES = {"unit": "unit", "parties": "parties"}


def intake_problems(intake: Action) -> list[Problem]:
    """The fields an intake of a workflow people open must have and does not, or has optional or mistyped.

    Every case row needs a title, a category, a unit and its parties: a definition that lets one be
    left out would be accepted at load and then fail at the first report.
    """
    missing = [f for f in INTAKE_FIELDS if intake.field(f) is None]
    found = []
    if missing:
        found.append(Problem(f"登记动作缺少字段 {'、'.join(missing)}（须有 {'、'.join(INTAKE_FIELDS)}）",
                             f"the intake has no field {', '.join(missing)} (it needs {', '.join(INTAKE_FIELDS)})",
                             ("intake", "fields"), None))
    for name in INTAKE_FIELDS:
        spec = intake.field(name)
        if spec is None:
            continue
        if not spec.required:
            found.append(Problem(f"登记字段 {name} 须为必填（required = true）",
                                 f"the intake field {name} must be required (required = true)",
                                 ("intake", "fields", name, "required"), None))
        want = INTAKE_TYPES.get(name)
        if want is not None and spec.type != want:
            found.append(Problem(f"登记字段 {name} 的类型须为 {want}（现为 {spec.type}）",
                                 f"the intake field {name} must be of type {want} (it is {spec.type})",
                                 ("intake", "fields", name, "type"), None))
    return found
