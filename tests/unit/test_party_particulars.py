"""A party's particulars (性别, 民族, 出生日期, 职业, 法定代表人): checked, and filled from a GB 11643 ID number."""

from __future__ import annotations

from datetime import date

import pytest

from disputeflow.workflow import party_particulars as pp
from disputeflow.workflow.errors import FieldError

TODAY = date(2026, 3, 2)
ID_1949_F = "11010519491231002X"  # born 31 December 1949, digit 17 even: female


def parse(raw, id_number=None):
    errors: list[FieldError] = []
    out = pp.parse(raw, "parties[1]", id_number, errors, TODAY)
    return out, {e.field: e.zh for e in errors}


def test_the_id_number_fills_birth_date_and_sex():
    out, errors = parse({"ethnicity": "汉族"}, ID_1949_F)
    assert errors == {} and out == {"ethnicity": "汉族", "birth_date": "1949-12-31", "gender": "female"}
    assert pp.age(out["birth_date"], TODAY) == 76


def test_typed_values_that_contradict_the_id_number_are_refused():
    _, errors = parse({"gender": "男", "birth_date": "1950-01-01"}, ID_1949_F)
    assert errors == {"parties[1].gender": "性别与身份证号码不符", "parties[1].birth_date": "出生日期与身份证号码不符"}


@pytest.mark.parametrize("raw, field", [
    ({"gender": "unknown"}, "parties[1].gender"),
    ({"birth_date": "2026-03-03"}, "parties[1].birth_date"),  # tomorrow
    ({"birth_date": "1899-12-31"}, "parties[1].birth_date"),
    ({"birth_date": "3 May 1980"}, "parties[1].birth_date"),
    ({"kind": "company"}, "parties[1].kind"),
    ({"occupation": "x" * 61}, "parties[1].occupation"),
])
def test_bad_particulars_name_their_field(raw, field):
    _, errors = parse(raw)
    assert list(errors) == [field]


def test_labels_in_either_language_and_an_organisation_by_its_representative():
    out, errors = parse({"gender": "female", "legal_representative": "李四", "occupation": "经理"})
    assert errors == {} and out == {"gender": "female", "legal_representative": "李四", "occupation": "经理",
                                    "kind": "organisation"}
    assert pp.loads(pp.dumps(out)) == out and pp.dumps({}) is None
