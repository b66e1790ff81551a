"""The CLI's overdue table says how late each deadline is in business days, and never "0 个工作日"."""

from __future__ import annotations

from disputeflow.cli.render import board_text


def _row(days: int) -> dict:
    return {"level": "level1", "number": "试点-2026-000001", "title": "宅基地边界纠纷", "unit_name": "甲村第1网格",
            "clock_label": "研判时限", "due_at": "2026-03-04T09:00:00+08:00", "overdue_business_days": days,
            "risk_label": "低", "lead_official_name": "—", "supervision": None}


def test_a_deadline_due_today_is_late_by_less_than_a_business_day():
    text = board_text([_row(0), _row(3)], "zh_CN")
    assert "不足 1 个工作日" in text and "3 个工作日" in text and "0 个工作日" not in text
    assert "under 1 business day" in board_text([_row(0)], "en")
