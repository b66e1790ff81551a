"""``disputeflow definition check FILE``: a definition (and its policy) checked as the engine loads it, no database."""

from __future__ import annotations

import json
import re
from importlib import resources

from tests.conftest import cli_runner

_PKG = resources.files("disputeflow.workflow")
GRASSROOTS = (_PKG / "definitions" / "grassroots.toml").read_text(encoding="utf-8")
HOTLINE = (_PKG / "definitions" / "hotline.toml").read_text(encoding="utf-8")
POLICY = (_PKG / "policy.toml").read_text(encoding="utf-8")


def _run(tmp_path):
    return cli_runner(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)


def test_a_sound_definition_exits_0_with_a_summary(tmp_path):
    run = _run(tmp_path)
    good = tmp_path / "grassroots.toml"
    good.write_text(GRASSROOTS, encoding="utf-8")
    p = run("definition", "check", str(good))
    assert p.stdout.startswith(f"流程定义 {good} 无误：基层矛盾纠纷排查调处（grassroots 第 1 版）")
    assert "个状态" in p.stdout and "8 个时限" in p.stdout and "未检查政策" in p.stdout and p.stderr == ""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    p = run("definition", "check", str(good), "--policy", str(policy))
    assert f"政策文件 {policy} 规定了每个时限的时长" in p.stdout
    doc = json.loads(run("--json", "definition", "check", str(good)).stdout)
    assert doc["ok"] and doc["name"] == "grassroots" and "assess" in doc["clocks"]
    assert not (tmp_path / "none.db").exists()  # no database was needed, nor made


def test_a_broken_definition_exits_2_with_each_problem_on_its_line(tmp_path):
    run = _run(tmp_path)
    text = GRASSROOTS.replace('target = "case.mediator"', 'target = "case.mediatr"', 1).replace(
        'effects = ["delist"]', 'effects = ["delits"]', 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    p = run("definition", "check", str(bad), ok=False)
    assert p.returncode == 2 and p.stdout == ""
    target_line = text[:text.index("case.mediatr")].count("\n") + 1
    effect_line = text[:text.index("delits")].count("\n") + 1
    lines = p.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad}:{target_line}: ") and lines[0].endswith("（最接近的有效名称：case.mediator）")
    assert "case.mediatr" in lines[0]
    assert lines[1] == f"{bad}:{effect_line}: 动作 delist 的效果 delits 未注册（最接近的有效名称：delist）"
    en = run("--lang", "en", "definition", "check", str(bad), ok=False)
    assert en.returncode == 2
    assert en.stderr.splitlines()[1] == \
        f"{bad}:{effect_line}: action delist names unregistered effect delits (nearest valid name: delist)"
    doc = json.loads(run("--json", "definition", "check", str(bad), ok=False).stdout)
    assert not doc["ok"] and [(x["line"], x["nearest"]) for x in doc["problems"]] == \
        [(target_line, "case.mediator"), (effect_line, "delist")]


def test_a_policy_missing_a_clocks_duration_is_refused(tmp_path):
    run = _run(tmp_path)
    hotline = tmp_path / "hotline.toml"
    hotline.write_text(HOTLINE, encoding="utf-8")
    policy = tmp_path / "policy.toml"
    cut = re.sub(r"\[clocks\.hotline_visit\].*\n(.+\n)+", "", POLICY, count=1)
    assert "hotline_visit" not in cut
    policy.write_text(cut, encoding="utf-8")
    run("definition", "check", str(hotline))  # the definition alone is sound
    p = run("definition", "check", str(hotline), "--policy", str(policy), ok=False)
    clock_line = HOTLINE[:HOTLINE.index("hotline_visit = ")].count("\n") + 1
    assert p.returncode == 2
    assert p.stderr.strip() == f"{hotline}:{clock_line}: 政策文件 {policy} 没有规定流程 hotline 的时限 hotline_visit 的时长"
    policy.write_text(POLICY.replace("[clocks.hotline_visit]", "[clocks.hotline_vist]"), encoding="utf-8")
    p = run("definition", "check", str(hotline), "--policy", str(policy), ok=False)
    assert p.stderr.strip().endswith("hotline_visit 的时长（最接近的有效名称：hotline_vist）")  # a misspelt rule
    # the configuration's policy is the one checked when no --policy is given
    (tmp_path / "disputeflow.toml").write_text('policy = "policy.toml"\n', encoding="utf-8")
    p = run("--config", str(tmp_path / "disputeflow.toml"), "definition", "check", str(hotline), ok=False)
    assert p.returncode == 2 and "hotline_visit" in p.stderr


def test_a_broken_policy_file_is_refused_with_its_own_line(tmp_path):
    run = _run(tmp_path)
    good = tmp_path / "grassroots.toml"
    good.write_text(GRASSROOTS, encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY.replace('unit = "business_days"', 'unit = "weeks"', 1), encoding="utf-8")
    p = run("definition", "check", str(good), "--policy", str(policy), ok=False)
    assert p.returncode == 2 and p.stderr.startswith(f"{policy}:") and "weeks" in p.stderr
