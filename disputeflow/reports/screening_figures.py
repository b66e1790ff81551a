"""Where the screening figures (排查) join the statistics: rounds held and on time, disputes found by
screening, nil reports filed on time.

Screening rounds and periodic filings are recorded by their own part of the
system (:mod:`disputeflow.workflow.screening`); the statistics only show what
its reads report, with the keys of :data:`FIGURES`. A unit no duty fell due on
in the period, or a database without the screening tables, shows them as —.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

# key, zh name, en name, kind, zh definition, en definition
FIGURES = [
    ("rounds_due", "应排查次数", "Screening rounds due", "count",
     "应排查次数、已排查次数、按时排查次数：本期各单位按排查频次（村（社区）每半月、乡镇每月、县每季度，敏感期每日）应开展、已开展、在规定日期内开展的排查次数。",
     "Screening rounds due, held, held on time: rounds each unit owed in the period by its screening duty "
     "(village twice a month, town monthly, county quarterly, daily in a sensitive period), held, and held by the due day."),
    ("rounds_held", "已排查次数", "Screening rounds held", "count", "", ""),
    ("rounds_on_time", "按时排查次数", "Rounds held on time", "count", "", ""),
    ("found_by_screening", "排查发现纠纷数", "Disputes found by screening", "count",
     "排查发现纠纷数：本期排查中发现并登记（关联或新开）的纠纷件数。",
     "Disputes found by screening: disputes found at a screening round in the period and linked to it or opened from it."),
    ("filings_due", "应报送报告数", "Reports due", "count",
     "零报告按时报送率 = 本期按时报送（含零报告）的单位报告数 ÷ 应报送的单位报告数。",
     "Reports filed on time rate = periodic reports (nil reports included) filed by their due day ÷ reports due."),
    ("filings_on_time", "按时报送数", "Reports filed on time", "count", "", ""),
    ("filing_on_time_rate", "按时报送率", "Filed on time", "rate", "", ""),
]
# The tables the screening records live in; a database from before them has nothing to count.
TABLES = ("screening_rounds", "screening_reports")


def screening_figures(engine, unit_id: str, rows: list[str], paths: Mapping[str, str], start: datetime,
                      end: datetime, as_of: datetime) -> tuple[dict | None, dict[str, dict | None]]:
    """The screening figures of ``unit_id`` and of each of its report ``rows`` (unit ids; ``paths`` maps every
    unit id to its path) for the
    periods ending in ``[start, end)`` and due by ``as_of``; ``None`` (shown as —) where the database holds no
    screening records or no duty fell due (:mod:`disputeflow.workflow.screening_reads` defines them).

    The duties and rounds of the whole unit are read once and split by path: a row's figures add up the
    screening units at or under it, so a county report with a row per village costs two reads, not two per row.
    ``as_of`` is the report's own (the period's end once it is over), so a closed month's figures never change. A
    consequence: the report of a period ending on the month's last day, due a day or two later, is counted in
    neither month (its round is: a round is due by its period's end).
    """
    from disputeflow.cases import report_reads, transactions
    from disputeflow.workflow import screening_reads
    from disputeflow.workflow.timeutil import local_date

    with transactions.read(engine.store) as conn:
        if not report_reads.has_tables(conn, TABLES):
            return None, dict.fromkeys(rows)
    first, last = local_date(start), local_date(end - timedelta(microseconds=1))
    doc = screening_reads.filing(engine, first, last, unit_id, None, as_of)
    found = screening_reads.rounds(engine, None, unit_id, first, last)
    whole = _figures(doc["units"], found)
    split = {}
    for key in rows:
        path = paths.get(key)

        def under(uid: str, _path=path) -> bool:
            return _path is not None and paths.get(uid, "").startswith(_path)

        split[key] = _figures([u for u in doc["units"] if under(u["unit"])], [r for r in found if under(r["unit"])])
    return whole, split


def _figures(units: list[dict], rounds: list[dict]) -> dict | None:
    """The figures of some screening units' duties and rounds, or ``None`` when no duty fell due on them."""
    due = {k: sum(u[k] for u in units) for k in ("rounds_due", "rounds_held", "rounds_on_time", "reports_due",
                                                    "reports_on_time")}
    if not due["rounds_due"] and not due["reports_due"]:
        return None  # no duty fell due: nothing to show but —
    rate = round(due["reports_on_time"] / due["reports_due"], 4) if due["reports_due"] else None
    return {"rounds_due": due["rounds_due"], "rounds_held": due["rounds_held"], "rounds_on_time": due["rounds_on_time"],
            "found_by_screening": len({c["number"] for r in rounds for c in r["cases"]}),
            "filings_due": due["reports_due"], "filings_on_time": due["reports_on_time"], "filing_on_time_rate": rate}


def definitions() -> list[tuple[str, str, str]]:
    return [(key, zh_def, en_def) for key, _zh, _en, _kind, zh_def, en_def in FIGURES if zh_def]
