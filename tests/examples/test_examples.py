"""Every example in examples/ runs, as a user would run it: a subprocess with its own database."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_example(script: Path, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
                          cwd=script.parent, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_host_app_owns_database_and_users(db_url):
    out = run_example(EXAMPLES / "host_app" / "app.py", db_url)
    assert out["created"] == 201 and out["state_after_assess"] == "assessed"
    assert (out["outsider_status"], out["outsider_error"]) == (403, "not_permitted")
    assert out["phone_for_grid_officer"] == "138****2222"
    assert out["phone_for_mediator"] == "13811112222"
    assert (out["invalid_status"], out["invalid_error"]) == (409, "invalid_action")
    assert out["shared_database"] is True


def test_custom_guard(db_url):
    out = run_example(EXAMPLES / "custom_guard.py", db_url)
    assert out["definition_version"] == 2
    assert list(out["refused"]) == ["survey"]
    assert out["state"] == "mediating"


def test_engine_events(db_url):
    out = run_example(EXAMPLES / "engine_events.py", db_url)
    assert [line.split(" ")[1] for line in out["feed"]] == [
        "report:", "assess:", "inform:", "mediate:", "resolve:", "follow_up:", "close:"]
    assert out["closed"] == [out["feed"][0].split(" ")[0]]
    assert out["state"] == "closed"


def test_hotline_work_order(db_url):
    out = run_example(EXAMPLES / "hotline_work_order.py", db_url)
    assert out["first_handle_due"] == "2026-10-10T10:00:00+08:00"  # Saturday, a make-up workday (调休)
    assert [s[:2] for s in out["steps"]] == [["受理", "accepted"], ["分派", "dispatched"], ["退单", "accepted"],
                                             ["办理", "handling"], ["反馈", "replied"], ["回访", "visited"],
                                             ["办结", "closed"]]
    assert out["steps"][3][2] == "2026-10-10T11:30:00+08:00"
    assert out["escalations"] == ["hotline_handle:warning", "hotline_handle:level1"]
    assert out["returns"] == 1 and out["audit_ok"] is True


def test_petition(db_url):
    out = run_example(EXAMPLES / "petition.py", db_url)
    assert [s[:2] for s in out["steps"]] == [
        ["登记", "registered"], ["受理", "handling"], ["延期", "handling"], ["答复", "replied"],
        ["请求复查", "reviewing"], ["复查答复", "reviewed"], ["请求复核", "rechecking"], ["复核答复", "concluded"]]
    # 15 days to answer on acceptance, 60 to handle, extended once; 30 each to request and to answer
    assert [s[2] for s in out["steps"]] == [
        "2026-03-25T00:00:00+08:00", "2026-05-12T00:00:00+08:00", "2026-06-10T18:00:00+08:00",
        "2026-07-09T00:00:00+08:00", "2026-07-23T00:00:00+08:00", "2026-08-06T00:00:00+08:00",
        "2026-08-13T00:00:00+08:00", None]
    assert out["not_accepted"] == ["not_accepted", "legal_channel"] and out["audit_ok"] is True


def _install_as_dist_info(project: Path, site: Path) -> str:
    """What ``pip install`` leaves behind, built from the example's own setup.cfg: the package and a
    dist-info whose entry_points.txt ``importlib.metadata`` reads."""
    cfg = configparser.ConfigParser()
    cfg.read(project / "setup.cfg", encoding="utf-8")
    name, version = cfg["metadata"]["name"], cfg["metadata"]["version"]
    package = cfg["options"]["packages"].strip()
    shutil.copytree(project / package, site / package)
    dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines = []
    for group, body in cfg["options.entry_points"].items():
        lines.append(f"[{group}]")
        lines += [ln.strip() for ln in body.strip().splitlines() if ln.strip()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return package


def test_sms_channel_plugin_by_entry_point(tmp_path):
    if importlib.util.find_spec("disputeflow.notifications.channels") is None or \
            importlib.util.find_spec("disputeflow.notifications.channels.base") is None:
        pytest.skip("channel plug-ins not available in this build")
    site = tmp_path / "site"
    site.mkdir()
    _install_as_dist_info(EXAMPLES / "sms_channel", site)
    path = os.pathsep.join([str(site), str(ROOT), os.environ.get("PYTHONPATH", "")])
    out = run_example(EXAMPLES / "sms_channel" / "run.py", env={"PYTHONPATH": path})
    assert "sms" in out["kinds"] and out["is_channel"] is True and out["kind"] == "sms"
    assert out["accepts_without_phone"] is False
    assert out["received"][0] == {"to": "13800000002", "sign": "【双乳镇综治中心】",
                                  "text": "双乳-2026-000035 化解时限已到期（黄牌），请尽快处理。"}
    assert out["refused"] == "SmsGatewayError"
