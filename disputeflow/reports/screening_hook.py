"""Where the screening figures (排查) join the statistics: rounds held and on time, disputes found by
screening, nil reports filed on time.

Screening rounds and periodic filings are recorded by their own part of the
system (:mod:`disputeflow.workflow.screening`); the statistics only show what
its reads report, with the keys of :data:`FIGURES`. A unit no duty fell due on
in the period, or a database without the screening tables, shows them as —.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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


def screening_figures(engine, unit_id: str, start: datetime, end: datetime) -> dict | None:
    """The screening figures of ``unit_id`` for the periods ending in ``[start, end)``, or ``None`` (shown as —)
    when the database holds no screening records (:mod:`disputeflow.workflow.screening_reads` defines them)."""
    from disputeflow.cases import report_reads, transactions
    from disputeflow.workflow import screening_reads
    from disputeflow.workflow.timeutil import local_date

    with transactions.read(engine.store) as conn:
        if not report_reads.has_tables(conn, TABLES):
            return None
    first, last = local_date(start), local_date(end - timedelta(microseconds=1))
    doc = screening_reads.filing(engine, first, last, unit_id)
    total = doc["total"]
    if not total["rounds_due"] and not total["reports_due"]:
        return None  # no duty fell due: nothing to show but —
    found = {c["number"] for r in screening_reads.rounds(engine, None, unit_id, first, last) for c in r["cases"]}
    return {"rounds_due": total["rounds_due"], "rounds_held": total["rounds_held"],
            "rounds_on_time": total["rounds_on_time"], "found_by_screening": len(found),
            "filings_due": total["reports_due"], "filings_on_time": total["reports_on_time"],
            "filing_on_time_rate": total["on_time_rate"]}


def definitions() -> list[tuple[str, str, str]]:
    return [(key, zh_def, en_def) for key, _zh, _en, _kind, zh_def, en_def in FIGURES if zh_def]
