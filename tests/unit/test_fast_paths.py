"""Performance tricks stay in ``cases/`` (and ``bench/``), where ``bench/README.md`` explains them.

The canonical JSON encoder is one of them: it must write exactly what ``json.dumps``
writes, since audit hashes and import row hashes cover that text.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import tokenize
from datetime import datetime, timezone
from pathlib import Path

import pytest

from disputeflow.cases import canonical

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "disputeflow"
VALUES = [
    {"b": 1, "a": [1, 2.5, None, True, False], "c": {"z": "已结案", "y": 'a"b\\\n\u2028\x00'}},
    [],
    {},
    "纠纷",
    {"n": -0.0, "big": 10**30, "e": 1e-7, "nested": [{"k": [{"j": {}}]}]},
    # the smallest documents, written out without the encoder: one text field, an audience of one
    {"mediator": "调解员\"一\u2028\x00"},
    ["user:m1"],
    ("user:m2",),
    {"k": None},
    {"k": ["v"]},
    [None],
]
# Timing figures in a comment or docstring: µs / μs, "microsecond(s)", "3 ms", "12us".
TIMING = re.compile(r"µs|μs|\bmicroseconds?\b|\b\d+(\.\d+)?\s?(us|ns|ms)\b")
# Modules whose tuning is being moved into cases/ now; the change that moves it empties this.
PENDING: set[str] = set()


def _package_modules_outside_cases():
    for folder, _dirs, files in os.walk(PACKAGE, followlinks=True):
        if Path(folder).is_relative_to(PACKAGE / "cases"):
            continue
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def _comments_and_docstrings(path: Path):
    text = path.read_text(encoding="utf-8")
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.body[0].lineno, doc


@pytest.mark.parametrize("value", VALUES)
def test_canonical_json_is_json_dumps_with_sorted_keys(value):
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    assert canonical.dumps(value) == expected


@pytest.mark.parametrize("value", VALUES)
def test_ordered_json_is_json_dumps_in_the_values_own_key_order(value):
    assert canonical.dumps_ordered(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_canonical_json_writes_what_json_lacks_as_text_and_the_ordered_form_refuses_it():
    at = datetime(2026, 3, 3, 1, tzinfo=timezone.utc)
    assert canonical.dumps({"at": at}) == '{"at":"2026-03-03 01:00:00+00:00"}'
    with pytest.raises(TypeError):
        canonical.dumps_ordered({"at": at})


def test_without_the_c_accelerator_the_same_text_comes_out(monkeypatch):
    monkeypatch.setattr(canonical, "_SORTED", None)
    monkeypatch.setattr(canonical, "_ORDERED", None)
    for value in VALUES:
        assert canonical.dumps(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                    separators=(",", ":"), default=str)
        assert canonical.dumps_ordered(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_the_private_c_encoder_is_used_only_in_cases():
    users = [str(p.relative_to(PACKAGE)) for p in _package_modules_outside_cases()
             if "c_make_encoder" in p.read_text(encoding="utf-8")]
    assert users == []


def test_no_comment_outside_cases_quotes_timings():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {text.strip()[:80]}"
             for p in _package_modules_outside_cases() if str(p.relative_to(PACKAGE)) not in PENDING
             for line, text in _comments_and_docstrings(p) if TIMING.search(text)]
    assert found == [], "explain a fast path once in bench/README.md, not beside the rule:\n" + "\n".join(found)
