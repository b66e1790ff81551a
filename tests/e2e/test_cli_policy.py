"""``disputeflow policy show``: the policy in force, the configured copy or another file, without a database."""

from __future__ import annotations

import json
import re

from tests.conftest import cli_runner

SHIPPED = open(__import__("disputeflow.workflow.policy", fromlist=["x"]).__file__.replace("policy.py", "policy.toml"),
               encoding="utf-8").read()


def test_show_prints_the_shipped_policy_with_its_automatic_listing(tmp_path):
    run = cli_runner(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)
    p = run("policy", "show")
    assert "自动挂牌督办：红牌时未挂牌的案件由“系统自动挂牌（红牌预警）”挂牌（town），督办期限 5 个工作日；适用：全部风险等级。" in p.stdout
    assert re.search(r"红牌\s+到期后 5 个工作日\s+supervisor\s+是", p.stdout)
    doc = json.loads(run("--json", "policy", "show").stdout)
    assert doc["auto_listing"].pop("source").startswith("本地做法")
    assert doc["auto_listing"] == {"enabled": True, "level": "town", "by_zh": "系统自动挂牌（红牌预警）",
                                   "by_en": "listed automatically (red card)", "deadline_workdays": 5, "risks": [],
                                   "categories": []}
    assert [s["recipients"] for s in doc["ladder"]] == [["assignee"], ["assignee", "responsible_unit"],
                                                        ["lead_official"], ["supervisor"]]
    assert not (tmp_path / "none.db").exists()  # no database was needed, nor made


def test_show_reads_the_configured_policy_and_another_file(tmp_path):
    custom = tmp_path / "policy.toml"
    custom.write_text(SHIPPED.replace("deadline_workdays = 5", 'deadline_workdays = 3\nrisks = ["high", "critical"]'),
                      encoding="utf-8")
    (tmp_path / "disputeflow.toml").write_text('policy = "policy.toml"\n', encoding="utf-8")
    run = cli_runner(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)
    doc = json.loads(run("--config", str(tmp_path / "disputeflow.toml"), "--json", "policy", "show").stdout)
    assert (doc["auto_listing"]["deadline_workdays"], doc["auto_listing"]["risks"]) == (3, ["high", "critical"])
    assert doc["source"] == str(custom)
    en = run("--lang", "en", "policy", "show", "--file", str(custom)).stdout
    assert "3 business days to settle; applies to: high, critical." in en
    off = tmp_path / "off.toml"
    off.write_text(SHIPPED.replace("enabled = true ", "enabled = false "), encoding="utf-8")
    assert "不自动挂牌（红牌只告知）" in run("policy", "show", "--file", str(off)).stdout


def test_a_broken_listing_is_refused_with_the_file_line_and_reason(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SHIPPED.replace("deadline_workdays = 5", "deadline_workdays = 0"), encoding="utf-8")
    line = SHIPPED[:SHIPPED.index("deadline_workdays = 5")].count("\n") + 1
    p = cli_runner(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)("policy", "show", "--file", str(bad), ok=False)
    assert p.returncode == 2
    assert f"政策文件 {bad} 第 {line} 行：auto_listing.deadline_workdays：应为不小于 1 的整数，现为 0" in p.stderr


def test_show_gives_the_source_of_every_limit(tmp_path):
    run = cli_runner(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)
    doc = json.loads(run("--json", "policy", "show").stdout)
    assert doc["unsourced"] == []
    for name, clock in doc["clocks"].items():
        assert clock["source"] and clock["source"].strip(), name
    for entry in (*doc["ladder"], *doc["key_persons"]["duties"].values(), doc["extension"], doc["tier_upgrade"],
                  doc["unit_talk"], doc["auto_listing"], doc["working_hours"], doc["quiet_hours"]):
        assert entry["source"], entry
    assert "第三十三条" in doc["clocks"]["resolve"]["source"] and "第十四条" in doc["clocks"]["resolve"]["source"]
    assert doc["clocks"]["resolve"]["categories"]["labour"]["default"] == {"amount": 15, "unit": "calendar_days"}
    assert doc["clocks"]["hotline_handle"]["ladder_time"] == "business"
    assert doc["quiet_hours"]["critical"] is None and doc["quiet_hours"]["default"] == {"from": "21:00", "to": "08:00"}
    text = run("policy", "show").stdout
    assert re.search(r"resolve\s+《人民调解工作若干规定》", text)
    # a copy without sources still shows, and says what it lacks
    bare = tmp_path / "bare.toml"
    bare.write_text(re.sub(r"(?m)^source = .*\n", "", SHIPPED), encoding="utf-8")
    doc = json.loads(run("--json", "policy", "show", "--file", str(bare)).stdout)
    assert "clocks.resolve" in doc["unsourced"] and doc["clocks"]["resolve"]["source"] is None
    assert "未注明出处" in run("policy", "show", "--file", str(bare)).stdout
