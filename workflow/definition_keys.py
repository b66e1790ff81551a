"""The shape of a definition document: known keys, required keys, tables where tables belong.

Run on the plain data before it is parsed, so a misspelt key (``sorces``)
is refused with the nearest valid one instead of being ignored, and a
missing ``name`` or label is reported with where it is missing rather
than as a bare ``KeyError``. Pure.
"""

from __future__ import annotations

from typing import Any, Mapping

from disputeflow.workflow.definition_errors import Path, Problem, nearest
from disputeflow.workflow.definition_types import FIELD_TYPES

_LABELS = frozenset({"label", "label_zh", "label_en"})
TOP_KEYS = frozenset({"name", "version", "initial", "states", "intake", "actions", "vocab", "clocks", "roles",
                      "child"}) | _LABELS
STATE_KEYS = frozenset({"name", "stage", "terminal", "open"}) | _LABELS
ACTION_KEYS = frozenset({"name", "sources", "dest", "roles", "fields", "guards", "starts", "stops", "effects",
                         "record", "notify", "spawns", "own_cases_only"}) | _LABELS
FIELD_KEYS = frozenset({"type", "required", "vocab", "roles", "kinds", "target", "max_length", "multiline",
                        "bound"}) | _LABELS
START_KEYS = frozenset({"clock", "when", "due_field"})
ROLE_KEYS = frozenset({"personal_data"}) | _LABELS
CHILD_KEYS = frozenset({"suffix", "on_parent_end"})
_REQUIRED_TOP = ("name", "version", "initial", "states", "intake")

Where = tuple[str, str]  # how a message names the place, in Chinese and in English


def _unknown(d: Mapping[str, Any], allowed: frozenset[str], path: Path, where: Where) -> list[Problem]:
    return [Problem(f"{where[0]} 的键 {k} 未知", f"unknown key {k} in {where[1]}", (*path, k), nearest(str(k), allowed))
            for k in d if k not in allowed]


def _not_table(value: Any, path: Path, where: Where) -> list[Problem]:
    if isinstance(value, Mapping):
        return []
    return [Problem(f"{where[0]} 须为表（table）", f"{where[1]} must be a table", path)]


def _label(d: Mapping[str, Any], path: Path, where: Where) -> list[Problem]:
    if d.get("label_zh") or d.get("label"):
        return []
    return [Problem(f"{where[0]} 缺少中文名称（label_zh）", f"{where[1]} has no Chinese label (label_zh)", path)]


def _checked(d: Any, allowed: frozenset[str], path: Path, where: Where, label: bool = True) -> list[Problem]:
    """A table's unknown keys and missing label, or that it is not a table."""
    return _not_table(d, path, where) or [*_unknown(d, allowed, path, where),
                                          *(_label(d, path, where) if label else [])]


def shape_problems(doc: Mapping[str, Any]) -> list[Problem]:
    """Every unknown key, missing required key, missing label and unknown field type of ``doc``."""
    found = _unknown(doc, TOP_KEYS, (), ("流程定义", "the workflow definition"))
    found += [Problem(f"流程定义缺少必填项 {k}", f"workflow definition misses key {k}", (k,))
              for k in _REQUIRED_TOP if k not in doc]
    found += _label(doc, (), ("流程定义", "the workflow definition"))
    states = doc.get("states", [])
    for i, s in enumerate(states if isinstance(states, list) else ()):
        name = s.get("name") if isinstance(s, Mapping) else None
        where = (f"状态 {name}", f"state {name}") if name else (f"第 {i + 1} 个状态", f"state {i + 1}")
        found += _checked(s, STATE_KEYS, ("states", i), where)
        if isinstance(s, Mapping) and not name:
            found.append(Problem(f"{where[0]} 缺少 name", f"{where[1]} has no name", ("states", i)))
    if "intake" in doc:
        found += _action(doc["intake"], ("intake",), ("登记动作", "the intake"))
    actions = doc.get("actions", [])
    for i, a in enumerate(actions if isinstance(actions, list) else ()):
        name = a.get("name") if isinstance(a, Mapping) else None
        where = (f"动作 {name}", f"action {name}") if name else (f"第 {i + 1} 个动作", f"action {i + 1}")
        found += _action(a, ("actions", i), where)
        if isinstance(a, Mapping) and not name:
            found.append(Problem(f"{where[0]} 缺少 name", f"{where[1]} has no name", ("actions", i)))
    roles = doc.get("roles") or {}
    for rname, rd in (roles.items() if isinstance(roles, Mapping) else ()):
        found += _checked(rd, ROLE_KEYS, ("roles", rname), (f"角色 {rname}", f"role {rname}"))
    if "child" in doc:
        found += _checked(doc["child"], CHILD_KEYS, ("child",), ("[child]", "[child]"), label=False)
    return found + _labelled_lists(doc)


def _labelled_lists(doc: Mapping[str, Any]) -> list[Problem]:
    """``[clocks]`` and ``[vocab.<name>]`` entries written as ``key = ["中文", "English"]``."""
    def bad(v: Any, most: int) -> bool:
        return not (isinstance(v, list) and 1 <= len(v) <= most and all(isinstance(x, str) for x in v))

    clocks = doc.get("clocks", {})
    found = _not_table(clocks, ("clocks",), ("[clocks]", "[clocks]"))
    for k, v in (clocks.items() if isinstance(clocks, Mapping) else ()):
        if bad(v, 2):
            found.append(Problem(f"时限 {k} 须写作 {k} = [\"中文名称\", \"English\"]",
                                 f"clock {k} must be written {k} = [\"中文名称\", \"English\"]", ("clocks", k)))
    vocab = doc.get("vocab", {})
    found += _not_table(vocab, ("vocab",), ("[vocab]", "[vocab]"))
    for vname, entries in (vocab.items() if isinstance(vocab, Mapping) else ()):
        found += _not_table(entries, ("vocab", vname), (f"词表 {vname}", f"vocabulary {vname}"))
        for k, v in (entries.items() if isinstance(entries, Mapping) else ()):
            if bad(v, 3):
                found.append(Problem(f"词表 {vname} 的 {k} 须写作 {k} = [\"中文名称\", \"English\"]",
                                     f"vocabulary {vname} entry {k} must be written {k} = [\"中文名称\", \"English\"]",
                                     ("vocab", vname, k)))
    return found


def _action(a: Any, path: Path, where: Where) -> list[Problem]:
    found = _checked(a, ACTION_KEYS, path, where)
    if not isinstance(a, Mapping):
        return found
    fields = a.get("fields", {})
    found += _not_table(fields, (*path, "fields"), (f"{where[0]} 的 fields", f"fields of {where[1]}"))
    for fname, fd in (fields.items() if isinstance(fields, Mapping) else ()):
        fpath, fwhere = (*path, "fields", fname), (f"{where[0]} 字段 {fname}", f"{where[1]} field {fname}")
        found += _checked(fd, FIELD_KEYS, fpath, fwhere)
        ftype = fd.get("type", "text") if isinstance(fd, Mapping) else "text"
        if ftype not in FIELD_TYPES:
            found.append(Problem(f"{fwhere[0]} 的类型 {ftype} 未知", f"{fwhere[1]} has unknown type {ftype}",
                                 (*fpath, "type"), nearest(str(ftype), FIELD_TYPES)))
    for s in a.get("starts", ()):
        if isinstance(s, Mapping):
            found += _unknown(s, START_KEYS, (*path, "starts"), (f"{where[0]} 的 starts", f"starts of {where[1]}"))
            if "clock" not in s:
                found.append(Problem(f"{where[0]} 的 starts 项缺少 clock", f"{where[1]}: a starts entry has no clock",
                                     (*path, "starts")))
    return found
