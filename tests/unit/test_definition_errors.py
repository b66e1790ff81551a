"""Broken definitions are refused when they load, naming the file, the line, the problem and the nearest valid name.

Each case takes the shipped grassroots definition and puts one fault in it
(a misspelt clock, effect, target, recipient, key, role, unit kind …); the
expected line is wherever the fault is in that text, found again here.
"""

from __future__ import annotations

import dataclasses
import re
from importlib import resources

import pytest

from disputeflow import ConfigError, DefinitionError, load_definition
from disputeflow.workflow.definition import definition_from_dict
from disputeflow.workflow.registry import DEFAULT

GRASSROOTS = (resources.files("disputeflow.workflow") / "definitions" / "grassroots.toml").read_text(encoding="utf-8")


def _line(text: str, snippet: str) -> int:
    return text[:text.index(snippet)].count("\n") + 1


# (id, what is replaced, by what, what the problem says, the nearest valid name)
ONE_FAULT = [
    ("clock in starts", 'starts = ["assess", "tier"]', 'starts = ["asess", "tier"]', "asess", "assess"),
    ("clock in stops", 'stops = ["assess"]', 'stops = ["assesment"]', "assesment", "assess"),
    ("effect", 'effects = ["delist"]', 'effects = ["delits"]', "delits", "delist"),
    ("target", 'target = "case.mediator"', 'target = "case.mediatr"', "case.mediatr", "case.mediator"),
    ("notify token", 'notify = ["case:lead_official"]', 'notify = ["case:lead_oficial"]', "case:lead_oficial",
     "case:lead_official"),
    ("notify role at unit", 'notify = ["unit:mediator"]', 'notify = ["unit:mediater"]', "unit:mediater",
     "unit:mediator"),
    ("unknown key", 'dest = "assessed"', 'dset = "assessed"', "dset", "dest"),
    ("role", 'roles = ["mediator", "supervisor"]', 'roles = ["mediator", "supervisr"]', "supervisr", "supervisor"),
    ("unit kind", 'kinds = ["office"]', 'kinds = ["ofice"]', "ofice", "office"),
    ("guard", 'guards = ["supervised"]', 'guards = ["supervisd"]', "supervisd", "supervised"),
    ("clock condition", 'when = "high_risk"', 'when = "high_rsk"', "high_rsk", "high_risk"),
    ("field type", 'type = "datetime"', 'type = "datetim"', "datetim", "datetime"),
]


@pytest.mark.parametrize("old, new, says, near", [c[1:] for c in ONE_FAULT], ids=[c[0] for c in ONE_FAULT])
def test_one_fault_is_refused_with_its_file_line_and_nearest_name(tmp_path, old, new, says, near):
    text = GRASSROOTS.replace(old, new, 1)
    assert text != GRASSROOTS
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    assert len(e.value.problems) == 1, [p.message() for p in e.value.problems]
    p = e.value.problems[0]
    assert (p.file, p.line, p.nearest) == (str(path), _line(text, new), near)
    assert says in p.zh and says in p.en
    assert p.message() == f"{path}:{p.line}: {p.zh}（最接近的有效名称：{near}）"
    assert p.message("en").endswith(f"(nearest valid name: {near})")
    assert isinstance(e.value, ConfigError) and f"{path}:{p.line}" in e.value.zh  # one line for the CLI and logs


def test_a_definition_without_a_clocks_table_is_refused_where_it_first_uses_a_clock(tmp_path):
    text = re.sub(r"\[clocks\]\n(.+\n)+\n", "", GRASSROOTS, count=1)
    assert "[clocks]" not in text
    path = tmp_path / "no_clocks.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    first = e.value.problems[0]
    assert first.line == _line(text, 'starts = ["assess", "tier"]')  # the intake starts the first clocks
    assert "[clocks]" in first.zh and "assess" in first.zh and "[clocks]" in first.en
    assert all("[clocks]" in p.zh for p in e.value.problems)


def test_an_intake_without_a_title_is_refused_at_the_intake(tmp_path):
    text = re.sub(r"\[intake\.fields\.title\]\n(.+\n)+\n", "", GRASSROOTS, count=1)
    assert "[intake.fields.title]" not in text
    path = tmp_path / "no_title.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    [p] = e.value.problems
    assert p.line == _line(text, "[intake]\n") and "title" in p.zh and p.nearest is None


def test_every_problem_is_listed_at_once_in_the_files_order(tmp_path):
    text = GRASSROOTS.replace('effects = ["delist"]', 'effects = ["delits"]', 1).replace(
        'stops = ["assess"]', 'stops = ["asess"]', 1).replace('target = "case.mediator"', 'target = "data"', 1)
    path = tmp_path / "three.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    lines = [p.line for p in e.value.problems]
    assert lines == sorted(lines) and len(lines) == 3
    assert lines[0] == _line(text, 'stops = ["asess"]') and lines[2] == _line(text, 'effects = ["delits"]')


def test_a_clock_written_without_its_labels_is_refused_at_its_line(tmp_path):
    text = GRASSROOTS.replace('control = ["稳控时限", "control"]', 'control = "稳控时限"', 1)
    path = tmp_path / "clock.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    [p] = e.value.problems
    assert p.line == _line(text, 'control = "稳控时限"') and "control" in p.zh


def test_a_toml_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "syntax.toml"
    path.write_text('name = "x"\nversion = \n', encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    assert e.value.problems[0].line == 2 and e.value.problems[0].file == str(path)


def test_a_definition_from_data_has_no_file_or_line_but_the_same_problems():
    import tomllib

    doc = tomllib.loads(GRASSROOTS.replace('kinds = ["office"]', 'kinds = ["ofice"]', 1))
    with pytest.raises(DefinitionError) as e:
        definition_from_dict(doc)
    [p] = e.value.problems
    assert (p.file, p.line, p.nearest) == (None, None, "office")
    assert p.message().startswith("动作 ") and "ofice" in p.message()


def test_the_names_checked_against_are_the_callers():
    import tomllib

    doc = tomllib.loads(GRASSROOTS.replace('effects = ["delist"]', 'effects = ["count_visits"]', 1))
    with pytest.raises(DefinitionError, match="count_visits"):
        definition_from_dict(doc)  # not registered in this process
    default = DEFAULT.names()
    mine = dataclasses.replace(default, effects=frozenset({*default.effects, "count_visits"}))
    assert definition_from_dict(doc, known=mine).action("delist").effects == ("count_visits",)
    without_delist = dataclasses.replace(default, effects=default.effects - {"delist"})
    with pytest.raises(DefinitionError, match="delist"):
        definition_from_dict(tomllib.loads(GRASSROOTS), known=without_delist)


@pytest.mark.parametrize("token, ok, near", [
    ("case:mediator", True, None), ("responsible_unit", True, None), ("assignee", True, None),
    ("supervisor", True, None), ("field:mediator", True, None), ("role:mediator@/t1/", True, None),
    ("user:u1", True, None), ("supervisr", False, "supervisor"), ("case:mediatr", False, "case:mediator"),
    ("field:mediatr", False, "field:mediator"), ("role:mediator", False, "role:mediator"),
    ("sms:mediator", False, "user:mediator"), ("case:x", False, None),
])
def test_each_recipient_form_of_notify_is_checked(token, ok, near):
    import tomllib

    doc = tomllib.loads(GRASSROOTS.replace('notify = ["unit:mediator"]', f'notify = ["{token}"]', 1)
                        .replace('[intake.fields.title]', '[intake.fields.mediator]\ntype = "user"\n'
                                 'label_zh = "调解员"\n\n[intake.fields.title]', 1))
    if ok:
        assert definition_from_dict(doc).intake.notify == (token,)
        return
    with pytest.raises(DefinitionError) as e:
        definition_from_dict(doc)
    [p] = e.value.problems
    assert token in p.zh and p.nearest == near


@pytest.mark.parametrize("old, new, says", [
    ('label_en = "parties"\nrequired = true', 'label_en = "parties"\nrequired = false', "parties 须为必填"),
    ('[intake.fields.parties]\ntype = "parties"', '[intake.fields.parties]\ntype = "text"', "parties 的类型须为 parties"),
], ids=["optional parties", "parties as text"])
def test_an_intake_whose_case_columns_could_be_left_out_is_refused_at_load(tmp_path, old, new, says):
    """A report under it would otherwise fail on its first case, with nothing the reporter could do."""
    assert GRASSROOTS.count(old) >= 1
    text = GRASSROOTS.replace(old, new, 1)
    path = tmp_path / "loose.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definition(path)
    [p] = [p for p in e.value.problems if "parties" in p.zh]
    assert says in p.zh and p.line is not None and p.line >= _line(text, "[intake.fields.parties]")
