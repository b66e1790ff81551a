"""Which ledger column feeds which case field, and which ledger word means which engine value.

The shipped ``default_mapping.toml`` knows the usual Chinese headings; an
operator's file (``--mapping``) is laid over it. Headings are compared in a
normal form (no spaces or line breaks, no ``*`` marks, half-width brackets), so
``村（社区）``, ``村(社区)`` and ``村 (社区)*`` are one heading.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.tomlfile import ConfigFileError, load_toml, read_text

FIELDS = (
    "ref", "reported_at", "unit", "category", "title", "description", "parties", "applicant", "respondent",
    "phones", "applicant_id_number", "respondent_id_number", "id_numbers", "risk", "lead_official", "mediator", "responsible_unit", "source", "flags", "state", "assessed_at",
    "controlled_at", "measures", "mediation_at", "resolved_at", "outcome", "agreement", "followed_up_at", "method",
    "satisfaction", "closed_at", "referred_to", "withdraw_reason", "note", "concluded_at", "performance", "visit",
    "address", "in_control", "resolved_flag", "control_unit", "screener",
)
# The ledger's date columns: the report, then one per stage of the dispute.
DATE_FIELDS = ("reported_at", "assessed_at", "controlled_at", "mediation_at", "resolved_at", "followed_up_at",
               "closed_at", "concluded_at")
# Every ledger must say when, where, what and who.
REQUIRED = ("reported_at", "unit", "category")
FIELD_LABELS = {
    "ref": "编号", "reported_at": "登记日期", "unit": "村(社区)", "category": "纠纷类型", "title": "纠纷名称",
    "description": "简要情况", "parties": "当事人", "applicant": "申请人", "respondent": "被申请人",
    "phones": "联系电话", "applicant_id_number": "申请人身份证号码", "respondent_id_number": "被申请人身份证号码",
    "id_numbers": "身份证号码", "risk": "风险等级", "lead_official": "包案领导", "mediator": "调解员",
    "responsible_unit": "责任单位", "source": "来源", "flags": "风险标记", "state": "化解情况",
    "assessed_at": "研判日期", "controlled_at": "稳控日期", "measures": "稳控措施", "mediation_at": "调处日期",
    "resolved_at": "办结日期", "outcome": "调处结果", "agreement": "协议内容", "followed_up_at": "回访日期",
    "method": "回访方式", "satisfaction": "满意度", "closed_at": "销号日期", "referred_to": "移交单位",
    "withdraw_reason": "撤回原因", "note": "备注", "concluded_at": "结案时间", "performance": "协议履行情况",
    "visit": "回访情况", "address": "住址", "in_control": "是否在控", "resolved_flag": "是否化解",
    "control_unit": "稳控责任单位", "screener": "排查人员",
}
VALUE_KINDS = ("category", "risk", "source", "state", "outcome", "method", "satisfaction", "flag", "referral",
               "performance", "yesno", "unit")
# Value kinds that are not one of the definition's vocabularies: yes/no words, and unit names
# (a ledger's 承办单位 word mapped to a unit's id or name, looked up in the directory).
FREE_KINDS = ("yesno", "unit")
_OPTIONS = ("namespace", "unknown_category", "separators")

_SPACE = re.compile(r"[\s\u3000*＊]+")
_WIDTH = str.maketrans({"（": "(", "）": ")", "／": "/", "：": ":", "【": "[", "】": "]"})


class MappingError(ConfigFileError):
    """A mapping file that cannot be used."""

    kind_zh = "映射文件"
    kind_en = "mapping file"


@functools.lru_cache(maxsize=65536)
def norm_heading(text) -> str:
    """The normal form headings and aliases are compared in."""
    if text is None:
        return ""
    s = str(text).translate(_WIDTH)
    s = s.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return _SPACE.sub("", s).lower()


def norm_value(text) -> str:
    """The normal form of a cell value looked up in a ``[values.*]`` table."""
    return norm_heading(text)


@functools.lru_cache(maxsize=16)
def _splitter(separators: str):
    return re.compile("[" + re.escape(separators) + "]").split


@dataclass
class Mapping:
    """Aliases per field (most preferred first), value tables per kind, and options."""

    columns: dict[str, list[str]]
    values: dict[str, dict[str, str]]
    dates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # action -> its date columns
    namespace: str = "ledger"
    unknown_category: str = "error"
    separators: str = "、，,；;/\n"
    source: str = "<默认映射>"
    _norm: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._norm = {f: [norm_heading(a) for a in aliases] for f, aliases in self.columns.items()}

    def aliases(self, name: str) -> list[str]:
        return self._norm.get(name, [])

    def known_heading(self, text) -> bool:
        h = norm_heading(text)
        return bool(h) and any(h in a for a in self._norm.values())

    def value(self, kind: str, text) -> str | None:
        return self.values.get(kind, {}).get(norm_value(text))

    def split(self, text: str) -> list[str]:
        parts = _splitter(self.separators)(text)
        return [p for p in map(str.strip, parts) if p]


def _read_doc(text: str, source: str) -> dict:
    doc = load_toml(text, source, MappingError)
    for key in doc:
        if key not in ("columns", "values", "dates", "options"):
            raise MappingError(source, None, f"未知的表 [{key}]（可用：columns、values、dates、options）",
                               f"unknown table [{key}] (columns, values, dates, options)")
    for action, names in doc.get("dates", {}).items():
        names = [names] if isinstance(names, str) else names
        if not (isinstance(names, list) and names and all(n in DATE_FIELDS[1:] for n in names)):
            raise MappingError(source, None, f"[dates] {action} 应为日期字段或其列表（可用：{'、'.join(DATE_FIELDS[1:])}）",
                               f"[dates] {action} must be a date field or a list of them ({', '.join(DATE_FIELDS[1:])})")
        doc["dates"][action] = tuple(names)
    for name, aliases in doc.get("columns", {}).items():
        if name not in FIELDS:
            raise MappingError(source, None, f"[columns] 中的“{name}”不是可导入的字段（可用：{'、'.join(FIELDS)}）",
                               f"[columns] {name!r} is not an importable field (one of {', '.join(FIELDS)})")
        if isinstance(aliases, str):
            doc["columns"][name] = [aliases]
        elif not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            raise MappingError(source, None, f"[columns] {name} 应为列名或列名列表", f"[columns] {name} must be a heading or a list")
    for kind, table in doc.get("values", {}).items():
        if kind not in VALUE_KINDS:
            raise MappingError(source, None, f"[values.{kind}] 不存在（可用：{'、'.join(VALUE_KINDS)}）",
                               f"[values.{kind}] is unknown (one of {', '.join(VALUE_KINDS)})")
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise MappingError(source, None, f"[values.{kind}] 应为“台账用语 = 代码”", f"[values.{kind}] must map words to codes")
    for key in doc.get("options", {}):
        if key not in _OPTIONS:
            raise MappingError(source, None, f"[options] 没有“{key}”（可用：{'、'.join(_OPTIONS)}）",
                               f"[options] has no {key!r} (one of {', '.join(_OPTIONS)})")
    return doc


@functools.lru_cache(maxsize=1)
def standard_words() -> dict[str, dict[str, str]]:
    """The standard ledgers' words per value kind (``standard_vocabulary.toml``), each table with its source."""
    text = (resources.files("disputeflow.ledger_import") / "standard_vocabulary.toml").read_text(encoding="utf-8")
    doc = load_toml(text, "<台账常用词表>", MappingError)
    out: dict[str, dict[str, str]] = {}
    for kind, table in doc.items():
        if kind not in VALUE_KINDS or not isinstance(table.get("source"), str) or not table["source"]:
            raise MappingError("<台账常用词表>", None, f"[{kind}] 不是值的种类或没有 source",
                               f"[{kind}] is not a value kind or has no source")
        out[kind] = dict(table.get("words", {}))
    return out


def load_mapping(path: str | Path | None = None, definition=None) -> Mapping:
    """The default mapping, with the operator's file at ``path`` laid over it.

    Args:
        definition: the workflow definition; its vocabularies' codes and labels
            are accepted as values too, and mapped values are checked against them.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or names unknown fields,
            value kinds or codes (the message names the file and the entry).
    """
    text = (resources.files("disputeflow.ledger_import") / "default_mapping.toml").read_text(encoding="utf-8")
    base = _read_doc(text, "<默认映射>")
    columns = {f: list(base.get("columns", {}).get(f, [])) for f in FIELDS}
    values = {k: {norm_value(w): c for w, c in base.get("values", {}).get(k, {}).items()} for k in VALUE_KINDS}
    for k, words in standard_words().items():
        values[k].update({norm_value(w): c for w, c in words.items()})
    options = dict(base.get("options", {}))
    dates = dict(base.get("dates", {}))
    source = "<默认映射>"
    own: dict[str, dict] = {"state": {}, "dates": {}, "values": {}}  # what the operator's file says (checked strictly)
    if path is not None:
        doc = _read_doc(read_text(path, MappingError), str(path))
        for f, aliases in doc.get("columns", {}).items():
            columns[f] = list(aliases) + [a for a in columns[f] if a not in aliases]
        for k, table in doc.get("values", {}).items():
            values[k].update({norm_value(w): c for w, c in table.items()})
        own["state"] = {norm_value(w): c for w, c in doc.get("values", {}).get("state", {}).items()}
        own["values"] = {k: {norm_value(w) for w in t} for k, t in doc.get("values", {}).items()}
        own["dates"] = doc.get("dates", {})
        dates.update(own["dates"])
        options.update(doc.get("options", {}))
        source = str(path)
    if definition is not None:
        _add_vocab(values, definition, source, own["state"], own["values"])
        dates = _own_actions(dates, definition, source, own["dates"])
    m = Mapping(columns=columns, values=values, dates=dates, source=source,
                namespace=str(options.get("namespace", "ledger")),
                unknown_category=str(options.get("unknown_category", "error")),
                separators=str(options.get("separators", "、，,；;/\n")))
    if definition is not None and m.unknown_category != "error" and \
            m.unknown_category not in definition.vocab.get("category", {}):
        raise ConfigError(f"映射文件 {source}：unknown_category 应为 error 或一个纠纷类型代码，现为“{m.unknown_category}”",
                          f"mapping {source}: unknown_category must be error or a category code, got {m.unknown_category!r}")
    return m


_VOCAB_OF = {"category": "category", "risk": "risk", "source": "source", "outcome": "outcome", "method": "method",
             "satisfaction": "satisfaction", "flag": "flag", "referral": "referral", "performance": "performance"}


def _own_actions(dates: dict, definition, source: str, strict: dict) -> dict[str, tuple[str, ...]]:
    """The ``[dates]`` entries of the definition's actions: the default's others are another workflow's."""
    names = {a.name for a in definition.actions}
    for action in strict:
        if action not in names:
            raise ConfigError(f"映射文件 {source}：[dates] 的“{action}”不是流程 {definition.name} 的动作",
                              f"mapping {source}: [dates] {action!r} is not an action of workflow {definition.name}")
    return {a: tuple(f) for a, f in dates.items() if a in names}


def _add_vocab(values: dict[str, dict[str, str]], definition, source: str, strict_states: dict,
               strict: dict[str, set]) -> None:
    for kind, vocab_name in _VOCAB_OF.items():
        vocab = definition.vocab.get(vocab_name, {})
        for word, code in list(values[kind].items()):
            if code not in vocab and word not in strict.get(kind, ()):
                del values[kind][word]  # a shipped word for a code this definition does not have
            elif code not in vocab:
                raise ConfigError(
                    f"映射文件 {source}：[values.{kind}] 的“{word}”指向不存在的代码“{code}”（可用：{'、'.join(vocab)}）",
                    f"mapping {source}: [values.{kind}] {word!r} points to unknown code {code!r}")
        for code, lab in vocab.items():
            for word in (code, lab.zh, lab.en):
                values[kind].setdefault(norm_value(word), code)
    states = {s.name: s for s in definition.states}
    for word, code in list(values["state"].items()):
        if code not in states and word not in strict_states:
            del values["state"][word]  # the default's word for another workflow's state
        elif code not in states:
            raise ConfigError(f"映射文件 {source}：[values.state] 的“{word}”指向不存在的状态“{code}”",
                              f"mapping {source}: [values.state] {word!r} points to unknown state {code!r}")
    for name, st in states.items():
        for word in (name, st.label.zh, st.label.en):
            values["state"].setdefault(norm_value(word), name)
