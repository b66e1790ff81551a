"""A 12345 hotline work order, driven through the engine on the official calendar.

The hotline workflow ships with the package as data (``workflow/definitions/hotline.toml``)
and is switched on by configuration alone: ``definitions = ["hotline"]``. The
order is taken on Wednesday 2026-09-23; an ordinary order is due seven working
days after dispatch, which — across the Mid-Autumn Festival, the National Day
week and their make-up workdays (调休) — is Saturday 2026-10-10. The first
handling unit returns the order (退单) and the dispatcher sends it on.

Run: ``python examples/hotline_work_order.py [DATABASE_URL]``; prints one JSON document.
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


def main(url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp) / "disputeflow.toml"
        config_file.write_text(f'url = "{url}"\ndefinitions = ["hotline"]\n', encoding="utf-8")
        config = Config.load(config_file)
    clock = FixedClock(at(2026, 9, 23, 9, 30))
    engine = Engine(config, clock=clock)
    engine.init()
    engine.add_unit("bj", "滨江街道", "town")
    engine.add_unit("bj-cf", "春风社区", "community", "bj")
    engine.add_unit("bj-cjb", "街道城建办", "office", "bj")
    engine.add_unit("bj-scjg", "市场监管所", "office", "bj")
    engine.add_user("ct", "话务员小陈", "call_taker", "bj")
    engine.add_user("pd", "派单员老周", "dispatcher", "bj")
    engine.add_user("h-cj", "城建办承办人", "handler", "bj-cjb")
    engine.add_user("h-sc", "市场所承办人", "handler", "bj-scjg")

    def due(number: str, clock_name: str) -> str | None:
        for d in engine.case(number)["deadlines"]:
            if d["clock"] == clock_name and d["status"] == "running":
                return d["due_at"]
        return None

    steps = []
    number = engine.report("ct", definition="hotline", title="小区门口占道经营", category="complaint", unit="bj-cf",
                           parties=["王女士:applicant:13712345678"], description="北门早市占道，影响通行",
                           source="hotline").number
    steps.append(("受理", engine.case(number)["state"], due(number, "hotline_dispatch")))
    clock.set(at(2026, 9, 23, 10, 0))
    engine.act(number, "dispatch", "pd", responsible_unit="bj-cjb", handler="h-cj", tier="ordinary")
    first_due = due(number, "hotline_handle")
    steps.append(("分派", engine.case(number)["state"], first_due))
    clock.set(at(2026, 9, 23, 11, 0))
    engine.act(number, "return", "h-cj", reason="占道经营属市场监管所职责")
    steps.append(("退单", engine.case(number)["state"], due(number, "hotline_dispatch")))
    clock.set(at(2026, 9, 23, 11, 30))
    engine.act(number, "dispatch", "pd", responsible_unit="bj-scjg", handler="h-sc", tier="ordinary")
    engine.act(number, "handle", "h-sc")
    steps.append(("办理", engine.case(number)["state"], due(number, "hotline_handle")))
    escalations = [f"{r['clock']}:{r['step']}" for r in engine.sweep(at(2026, 10, 10, 11, 30))]
    clock.set(at(2026, 10, 10, 15, 0))
    engine.act(number, "reply", "h-sc", result="solved", reply="已清理占道摊点，设立临时疏导点")
    steps.append(("反馈", engine.case(number)["state"], due(number, "hotline_visit")))
    clock.set(at(2026, 10, 12, 9, 0))
    engine.act(number, "visit", "ct", method="phone", satisfaction="satisfied")
    steps.append(("回访", engine.case(number)["state"], None))
    engine.act(number, "close", "pd")
    steps.append(("办结", engine.case(number)["state"], None))
    doc = engine.case(number)
    result = {"number": number, "first_handle_due": first_due, "steps": steps, "escalations": escalations,
              "returns": len(doc.get("data", {}).get("returns", [])) if isinstance(doc.get("data"), dict) else None,
              "history": [h["action"] for h in engine.history(number)],
              "audit_ok": engine.verify_audit()["problems"] == []}
    engine.close()
    return result


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DISPUTEFLOW_DB", "sqlite:///hotline.db")
    print(json.dumps(main(target), ensure_ascii=False, indent=2))
