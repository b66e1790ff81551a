"""The installed distribution exposes one import package, ``disputeflow``, and one console script.

A host application with packages of its own named ``notifications`` or ``web`` (every Django
project using django-notifications has the first) must be able to import the engine beside them.
The wheel is built from this checkout and installed, without its dependencies, into a fresh
virtual environment that borrows the test environment's site-packages for those dependencies
only, so the engine comes from the wheel and nowhere else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLD_NAMES = ("workflow", "cases", "notifications", "web", "templates")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (path,) = out.glob("disputeflow-*.whl")
    return path


def test_the_wheel_holds_one_top_level_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"disputeflow"}
    for must in ("disputeflow/__init__.py", "disputeflow/py.typed", "disputeflow/workflow/engine.py",
                 "disputeflow/workflow/definitions/grassroots.toml", "disputeflow/cases/migrations/env.py",
                 "disputeflow/templates/web/base.html.j2", "disputeflow/web/static/app.css"):
        assert must in names, must
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "disputeflow = disputeflow.cli:main" in entry_points
    assert all(line.split("=")[1].strip().startswith("disputeflow.") for line in entry_points.splitlines()
               if "=" in line)


def test_a_host_with_its_own_notifications_and_web_packages_imports_the_engine(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # --target (not --prefix, which would uninstall the test environment's own editable install)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the dependencies only: a plain path line runs none of the test environment's .pth hooks
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    host = tmp_path / "host"
    for name in ("notifications", "web", "workflow"):
        (host / name).mkdir(parents=True)
        (host / name / "__init__.py").write_text(f"HOST = {name!r}\n", encoding="utf-8")
    script = (
        "import notifications, web, workflow\n"
        "assert notifications.HOST == 'notifications' and web.HOST == 'web' and workflow.HOST == 'workflow'\n"
        "import disputeflow\n"
        "from disputeflow import Engine\n"
        "assert 'site-packages' in disputeflow.__file__, disputeflow.__file__\n"
        "e = Engine('sqlite:///host.db'); e.init()\n"
        "e.add_unit('town', '样板镇', 'town'); e.add_unit('v1', '一村', 'village', parent='town')\n"
        "e.add_user('med', '调解员甲', 'mediator', 'v1')\n"
        "n = e.report('med', title='邻里纠纷', category='neighbour', unit='v1', parties=['张三:applicant']).number\n"
        "print(e.case(n)['state'])\n"
        "import disputeflow.web.app, disputeflow.notifications.dispatcher\n"
        "assert notifications.HOST == 'notifications'\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPUTEFLOW_DB")}
    python = venv / "bin" / "python"
    proc = subprocess.run([str(python), "-c", script], cwd=host, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "reported"
    script_file = site / "bin" / "disputeflow"
    assert script_file.is_file()
    proc = subprocess.run([str(python), str(script_file), "--help"], cwd=host, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0 and "disputeflow" in proc.stdout, proc.stderr[-2000:]
