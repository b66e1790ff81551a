"""Workflow definitions as plain data.

A definition is loaded from a TOML file (or built from a dict by an embedding
system) and validated once. It names states, actions, the roles allowed for
each action, guards and clock rules *by name*; the functions behind those names
live in :mod:`disputeflow.workflow.guards` and :mod:`disputeflow.workflow.effects`; which actions are
open in a state is the compiled machine's answer (:mod:`disputeflow.workflow.machine`). Nothing here touches a database or a clock, so
a definition can be checked, drawn and tested on its own.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from disputeflow.workflow import guards
from disputeflow.workflow.definition_check import problems
from disputeflow.workflow.definition_errors import DefinitionError, DefinitionProblem, Problem, place
from disputeflow.workflow.definition_keys import shape_problems
from disputeflow.workflow.definition_refs import INTAKE_FIELDS
from disputeflow.workflow.definition_types import (  # noqa: F401  (the types are used from here)
    FIELD_TYPES,
    ROLE_NAME_MAX,
    ROLES,
    SINGLE_LINE_MAX,
    TIME_BOUNDS,
    Action,
    ChildSpec,
    ClockStart,
    Definition,
    FieldSpec,
    Label,
    RoleSpec,
    State,
)
from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.tomlfile import key_lines

if TYPE_CHECKING:
    from disputeflow.workflow.registry import Names


# --------------------------------------------------------------------------- loading


def _label(d: Mapping[str, Any], where: str, key: str = "label") -> Label:
    zh = d.get(f"{key}_zh") or d.get(key)
    en = d.get(f"{key}_en") or zh
    if not zh:
        raise ConfigError(f"{where} 缺少中文名称（{key}_zh）", f"{where} has no Chinese label ({key}_zh)")
    return Label(str(zh), str(en))


def _field(name: str, d: Mapping[str, Any], where: str) -> FieldSpec:
    ftype = d.get("type", "text")
    if ftype not in FIELD_TYPES:
        raise ConfigError(
            f"{where} 字段 {name} 的类型 {ftype!r} 未知（可选：{', '.join(sorted(FIELD_TYPES))}）",
            f"{where} field {name} has unknown type {ftype!r} (one of {', '.join(sorted(FIELD_TYPES))})",
        )
    max_length = int(d.get("max_length", 2000))
    bound = d.get("bound", "")
    if not (bound in TIME_BOUNDS and ftype == "datetime" or bound == "" or bound == "nonnegative" and ftype == "int"):
        raise ConfigError(f"{where} 字段 {name} 的 bound 只能用于时间字段（past 或 future）或整数字段（nonnegative）",
                          f"{where} field {name}: bound is past or future for datetime, nonnegative for int fields")
    return FieldSpec(
        name=name,
        type=ftype,
        label=_label(d, f"{where} 字段 {name}"),
        required=bool(d.get("required", False)),
        vocab=d.get("vocab"),
        roles=tuple(d.get("roles", ())),
        kinds=tuple(d.get("kinds", ())),
        target=d.get("target", ""),
        max_length=max_length,
        multiline=bool(d.get("multiline", name != "title" and max_length > SINGLE_LINE_MAX)),
        bound=bound,
    )


def _action(d: Mapping[str, Any], where: str) -> Action:
    name = d.get("name")
    if not name:
        raise ConfigError(f"{where} 缺少 name", f"{where} has no name")
    where = f"动作 {name}"
    fields = tuple(_field(fname, fd, where) for fname, fd in d.get("fields", {}).items())
    starts = []
    for s in d.get("starts", ()):
        if isinstance(s, str):
            starts.append(ClockStart(s))
        else:
            starts.append(ClockStart(s["clock"], s.get("when"), s.get("due_field")))
    sources = d.get("sources", ())
    if isinstance(sources, str):
        sources = (sources,)
    return Action(
        name=name,
        label=_label(d, where),
        sources=tuple(sources),
        dest=d.get("dest") or None,
        roles=tuple(d.get("roles", ())),
        fields=fields,
        guards=tuple(d.get("guards", ())),
        starts=tuple(starts),
        stops=tuple(d.get("stops", ())),
        effects=tuple(d.get("effects", ())),
        record=d.get("record"),
        notify=tuple(d.get("notify", ())),
        spawns=d.get("spawns") or None,
        own_cases_only=tuple(d.get("own_cases_only", ())),
    )


def definition_from_dict(doc: Mapping[str, Any], *, known: "Names | None" = None) -> Definition:
    """Build and validate a definition from plain data (what a TOML file holds).

    ``known``: the guard, condition and effect names it may use; by default
    those of the process default registry (the built-ins and what the
    module-level ``register_*`` added). A definition naming rules registered on
    one engine only passes that engine's ``engine.rule_names()``; the engine
    checks again, against its own registry, when the definition is loaded into it.

    Raises:
        DefinitionError: (a ``ConfigError``) the definition has unknown keys, misses a
            required one, or refers to a state, clock, vocabulary, guard, effect, role,
            unit kind, target or recipient that does not exist; ``problems`` lists each
            with the nearest valid name.
    """
    return _build(doc, known)


def _build(doc: Mapping[str, Any], names: "Names | None", file: str | None = None,
           text: str | None = None) -> Definition:
    """The checked definition; every problem is placed at its line of ``text`` when given."""
    found: list[Problem] = shape_problems(doc)
    defn = None
    try:
        defn = _parse(doc)
    except KeyError as exc:
        fault = Problem(f"流程定义缺少必填项 {exc.args[0]}", f"workflow definition misses key {exc.args[0]}")
    except ConfigError as exc:
        fault = Problem(exc.zh, exc.en)
    except (TypeError, ValueError, AttributeError, IndexError) as exc:  # a value of the wrong shape
        fault = Problem(f"流程定义的某个值格式不对（{exc}）", f"a value of the definition has the wrong shape ({exc})")
    if defn is not None:
        found += problems(defn, names)
    elif not found:  # a shape problem already says why it cannot be read
        found = [fault]
    if found or defn is None:
        raise DefinitionError(place(found, file, key_lines(text) if text is not None else None))
    for a in defn.actions:
        if a.record:  # a refusal that asks for the record names the action that writes it
            guards.label_record(a.record, a.label.zh, a.label.en)
    return defn


def _case_columns_required(fields: Mapping[str, Any], child: bool) -> Mapping[str, Any]:
    """The intake's fields, with those the case row is written from required unless the file says otherwise.

    A report cannot make a case without them; a file that says ``required = false`` is refused by the
    checker instead (:func:`disputeflow.workflow.definition_refs.intake_problems`).
    """
    if child or not isinstance(fields, Mapping):
        return fields
    return {name: ({**spec, "required": spec.get("required", True)}
                   if name in INTAKE_FIELDS and isinstance(spec, Mapping) else spec)
            for name, spec in fields.items()}


def _parse(doc: Mapping[str, Any]) -> Definition:
    """The definition as written, references unchecked; a missing required key raises KeyError."""
    states = tuple(
        State(
            name=s["name"],
            label=_label(s, f"状态 {s['name']}"),
            stage=s.get("stage", ""),
            terminal=bool(s.get("terminal", False)),
            open=bool(s.get("open", not s.get("terminal", False))),
        )
        for s in doc["states"]
    )
    vocab = {
        vname: {k: Label(v[0], v[1] if len(v) > 1 else v[0]) for k, v in entries.items()}
        for vname, entries in doc.get("vocab", {}).items()
    }
    # a third item "retired": the value stays valid (stored cases, imports) but forms no longer offer it
    retired = {vname: frozenset(k for k, v in entries.items() if len(v) > 2 and _retired(v[2], vname, k))
               for vname, entries in doc.get("vocab", {}).items()}
    clocks = {k: Label(v[0], v[1] if len(v) > 1 else v[0]) for k, v in doc.get("clocks", {}).items()}
    roles = {rname: RoleSpec(rname, _label(rd, f"角色 {rname}"), bool(rd.get("personal_data", False)))
             for rname, rd in doc.get("roles", {}).items()}
    intake = _action({**doc["intake"], "name": doc["intake"].get("name", "report"),
                      "fields": _case_columns_required(doc["intake"].get("fields", {}), "child" in doc)}, "登记")
    actions = tuple(_action(a, f"第 {i + 1} 个动作") for i, a in enumerate(doc.get("actions", ())))
    child = (ChildSpec(str(doc["child"].get("suffix", "")), doc["child"].get("on_parent_end") or None)
             if "child" in doc else None)
    return Definition(
        name=doc["name"],
        version=int(doc["version"]),
        label=_label(doc, "流程"),
        initial=doc["initial"],
        states=states,
        intake=intake,
        actions=actions,
        vocab=vocab,
        clocks=clocks,
        roles=roles,
        child=child,
        retired={k: v for k, v in retired.items() if v},
    )


def _retired(word: Any, vocab: str, key: str) -> bool:
    if word != "retired":
        raise ConfigError(f"词表 {vocab} 的 {key} 第三项只能是 \"retired\"（停用，表单不再提供）",
                          f"vocabulary {vocab} entry {key}: the third item can only be \"retired\"")
    return True


def load_definition(path: str | Path, *, known: "Names | None" = None) -> Definition:
    """Load a definition from a TOML file; each problem names the file, the line and the nearest valid name
    (``known`` as for :func:`definition_from_dict`).

    Raises:
        DefinitionError: the file cannot be read, is not TOML, or holds a definition
            :func:`definition_from_dict` refuses.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DefinitionError([DefinitionProblem(str(p), None, "流程定义文件不是 UTF-8 文本",
                                                 "the workflow definition is not UTF-8 text")]) from None
    except OSError as exc:
        raise DefinitionError([DefinitionProblem(str(p), None, f"无法读取流程定义文件：{exc.strerror}",
                                                 f"cannot read the workflow definition: {exc.strerror}")]) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise DefinitionError([DefinitionProblem(str(p), int(m.group(1)) if m else None,
                                                 f"TOML 格式错误（{exc}）", f"malformed TOML ({exc})")]) from None
    return _build(doc, known, str(p), text)


_BUILTIN: dict[str, Definition] = {}


def builtin(name: str = "grassroots") -> Definition:
    """A definition shipped with the package (loaded once per process)."""
    if name not in _BUILTIN:
        ref = resources.files("disputeflow.workflow") / "definitions" / f"{name}.toml"
        if not ref.is_file():
            raise ConfigError(f"没有名为 {name} 的内置流程", f"no built-in workflow named {name}")
        with resources.as_file(ref) as p:
            _BUILTIN[name] = load_definition(p)
    return _BUILTIN[name]
