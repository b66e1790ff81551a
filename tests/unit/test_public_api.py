"""The public API: what the facade exports, that it is typed, and that the rest is marked internal."""

from __future__ import annotations

import importlib
import importlib.resources
import subprocess
import sys
from pathlib import Path

import pytest

import disputeflow as facade
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "hooks"))
import reference  # noqa: E402  (docs/hooks/reference.py: the generator of the reference pages)


def test_every_exported_name_resolves_and_dir_lists_them():
    for name in facade.__all__:
        assert getattr(facade, name) is not None, name
    assert dir(facade) == sorted(facade.__all__)
    with pytest.raises(AttributeError):
        facade.commands_internal_name  # noqa: B018


def test_version_matches_the_distribution_and_the_changelog():
    from importlib.metadata import version

    assert version("disputeflow") == facade.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{facade.__version__}]" in changelog


def test_public_modules_exist_and_the_package_is_typed():
    for name in facade.PUBLIC_MODULES:
        importlib.import_module(name)
    assert importlib.resources.files("disputeflow").joinpath("py.typed").is_file()


def test_mypy_is_clean_on_the_public_modules(tmp_path_factory):
    files = [str(ROOT / (m.replace(".", "/") + ("/__init__.py" if m == "disputeflow" else ".py")))
             for m in facade.PUBLIC_MODULES]
    cache = ROOT / ".venv" / ".mypy_cache" if (ROOT / ".venv").is_dir() else tmp_path_factory.mktemp("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(cache),
                           *files], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_module_not_public_is_documented_as_internal():
    page = reference.internal_markdown()
    internal = reference.internal_modules()
    assert "disputeflow.workflow.commands" in internal and "disputeflow.cases.store" in internal
    for name in internal:
        assert f"- `{name}` — internal" in page
    for name in facade.PUBLIC_MODULES:
        assert f"- `{name}` — internal" not in page
        assert name not in internal
    assert "Every other module is internal" in page
