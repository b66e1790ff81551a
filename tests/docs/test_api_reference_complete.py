"""The Python API reference is complete: every public name has a docstring and a place in the reference.

The checks live in the documentation build (``docs/hooks/api_coverage.py``: ``mkdocs build`` fails on
them too); a public method added later without a docstring or a reference entry breaks both.
"""

from __future__ import annotations

import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "hooks"))
from api_coverage import (directives, member_covered, missing_docstrings, missing_from_reference,  # noqa: E402
                          options_for, own_doc, public_members)


def test_every_public_member_has_a_docstring():
    missing = missing_docstrings()
    assert missing == [], "public names without a docstring (say why/when, args, raises, returned keys):\n  " + \
        "\n  ".join(missing)


def test_every_public_member_is_in_the_api_reference():
    missing = missing_from_reference()
    assert missing == [], "public names missing from the API reference:\n  " + "\n  ".join(missing)


def test_the_checks_can_fail():
    """The walkers see a member without a docstring, and a directive whose members list leaves one out."""
    class Base:
        def inherited(self):
            """From the base."""

    class Probe(Base):
        def documented(self):
            """Here."""

        def bare(self):
            pass

    Base.__module__ = Probe.__module__ = "disputeflow.probe"
    members = public_members(Probe)
    assert members == {"documented": Probe, "bare": Probe, "inherited": Base}
    assert own_doc(vars(Probe)["bare"]) is None and own_doc(vars(Probe)["documented"])
    assert options_for(Probe, []) is None
    assert member_covered(Probe, "bare", Probe, [(Probe, {})])
    assert not member_covered(Probe, "bare", Probe, [(Probe, {"members": ["documented"]})])
    assert not member_covered(Probe, "inherited", Base, [(Probe, {})])
    assert member_covered(Probe, "inherited", Base, [(Probe, {"inherited_members": True})])
    assert member_covered(Probe, "inherited", Base, [(Probe, {}), (Base, {})])


def test_engine_reference_includes_its_mixins():
    found = directives()
    assert found["disputeflow.workflow.engine.Engine"].get("inherited_members") is True


def test_the_docs_build_runs_the_check():
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "docs/hooks/api_coverage.py" in config["hooks"]
