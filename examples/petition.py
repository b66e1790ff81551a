"""A petition (信访事项) taken to its end, after 信访工作条例 (2022).

The petition workflow ships with the package as data (``workflow/definitions/petition.toml``)
and is switched on by configuration alone: ``definitions = ["petition"]``. One petition is
registered on Monday 2026-03-09, handed to the township's natural-resources office, accepted
(受理), extended once with the head of office's approval (延期, at most 30 days), answered,
reviewed (复查) and re-examined (复核), which concludes it (终结). A second one is not
accepted (不予受理): it belongs in court.

Run: ``python examples/petition.py [DATABASE_URL]``; prints one JSON document.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from disputeflow import Config, Engine, FixedClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def setup(url: str, clock: FixedClock) -> Engine:
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp) / "disputeflow.toml"
        config_file.write_text(f'url = "{url}"\ndefinitions = ["petition"]\n', encoding="utf-8")
        config = Config.load(config_file)
    engine = Engine(config, clock=clock)
    engine.init()
    engine.add_unit("qx", "青溪镇", "town")
    engine.add_unit("qx-hs", "河山村", "village", "qx")
    engine.add_unit("qx-zr", "镇自然资源所", "office", "qx")
    engine.add_user("xf", "信访登记员小林", "petition_clerk", "qx")
    engine.add_user("cb", "承办人老郑", "petition_handler", "qx-zr")
    engine.add_user("fz", "自然资源所所长", "office_head", "qx-zr")
    engine.add_user("fc", "复查复核人员", "petition_reviewer", "qx")
    return engine


def main(url: str) -> dict:
    clock = FixedClock(at(2026, 3, 9, 9, 0))
    engine = setup(url, clock)

    def due(number: str, clock_name: str) -> str | None:
        return next((d["due_at"] for d in engine.case(number)["deadlines"]
                     if d["clock"] == clock_name and d["status"] == "running"), None)

    def step(label: str, number: str, clock_name: str | None = None) -> None:
        steps.append((label, engine.case(number)["state"], due(number, clock_name) if clock_name else None))

    steps: list[tuple] = []
    number = engine.report("xf", definition="petition", title="宅基地确权争议", category="appeal", unit="qx-hs",
                           parties=["赵大爷:applicant:13812345678"], description="宅基地被邻户占用，村委会未予处理",
                           source="visit").number
    engine.act(number, "assign", "xf", responsible_unit="qx-zr", handler="cb")
    step("登记", number, "petition_accept")
    clock.set(at(2026, 3, 12, 10, 0))
    engine.act(number, "accept", "cb", notice="已受理，将于60日内办结并书面答复")
    step("受理", number, "petition_handle")
    clock.set(at(2026, 5, 6, 9, 0))
    engine.act(number, "extend", "fz", clock="petition_handle", until=at(2026, 6, 10, 18, 0),
               reason="情况复杂，需委托第三方现场测量")
    step("延期", number, "petition_handle")
    clock.set(at(2026, 6, 8, 16, 0))
    engine.act(number, "reply", "cb", opinion="not_support", reply="经测量，邻户建房未越界")
    step("答复", number, "petition_review_request")
    clock.set(at(2026, 6, 22, 9, 0))
    engine.act(number, "request_review", "xf", request="不服测量结论，请求复查")
    step("请求复查", number, "petition_review")
    clock.set(at(2026, 7, 6, 10, 0))
    engine.act(number, "review_reply", "fc", result="uphold", opinion="原处理意见事实清楚，予以维持")
    step("复查答复", number, "petition_recheck_request")
    clock.set(at(2026, 7, 13, 10, 0))
    engine.act(number, "request_recheck", "xf", request="仍不服，请求复核")
    step("请求复核", number, "petition_recheck")
    clock.set(at(2026, 7, 31, 10, 0))
    engine.act(number, "recheck_reply", "fc", result="uphold", opinion="维持复查意见")
    step("复核答复", number)

    other = engine.report("xf", definition="petition", title="不服一审民事判决", category="appeal", unit="qx-hs",
                          parties=["钱女士:applicant"], description="请求撤销一审判决").number
    engine.act(other, "assign", "xf", responsible_unit="qx-zr")
    engine.act(other, "reject", "fz", reason="legal_channel", explanation="属诉讼权利救济事项，已告知依法上诉")
    result = {"number": number, "steps": steps, "history": [h["action"] for h in engine.history(number)],
              "not_accepted": [engine.case(other)["state"], engine.case(other)["data"]["reject_reason"]],
              "audit_ok": engine.verify_audit()["problems"] == []}
    engine.close()
    return result


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DISPUTEFLOW_DB", "sqlite:///petition.db")
    print(json.dumps(main(target), ensure_ascii=False, indent=2))
