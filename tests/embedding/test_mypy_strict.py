"""An embedding application type-checks under ``mypy --strict`` and runs.

``app_typed.py`` uses only names from ``disputeflow``: the engine, its config and
clock, actors, typed errors, typed results and a channel subclass. ``--strict``
refuses a subclass of ``Any`` and a call to an untyped function, and the app's
``assert_type`` lines refuse a public call whose result is ``Any``; so this fails
when a public signature stops being precise.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_the_embedding_app_passes_mypy_strict(tmp_path):
    cache = ROOT / ".venv" / ".mypy_cache_embedding" if (ROOT / ".venv").is_dir() else tmp_path / "mypy"
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", str(HERE / "mypy.ini"),
                           "--cache-dir", str(cache), str(HERE / "app_typed.py")],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


def test_the_embedding_app_runs(tmp_path):
    """The checked program also does what it says, on a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'host.db'}"
    proc = subprocess.run([sys.executable, str(HERE / "app_typed.py"), url], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["after_assess"] == "assessed" and out["state_label"] == "Assessed"
    assert out["errors"][0] == "conflict" and "not found" in out["errors"][1]
    assert out["errors"][2].split(",") == sorted(out["errors"][2].split(",")) and "title" in out["errors"][2]
    assert out["history"] == [[1, "report"], [2, "assess"]]
    assert out["listed"] == [out["number"]] and out["units"] == ["t1", "v1", "g1"] and out["users"] == ["med1"]
    assert out["sent"] >= 1 and out["inbox"] >= 1
    # the host's channel got the mediator's delivery address: id and mobile phone
    assert ["med1", "13800000002"] in out["outbox"]
