"""Reports built from the engine's own facts: the monthly ledger (台账), statistics,
the nil report (零报告), the review-meeting agenda (研判会议程) and mediation paperwork.

Every figure is recomputed from the audit log and the case rows as they stood at
the end of the period (:mod:`disputeflow.reports.facts`), so a report for a month
that has ended says the same thing whenever it is generated; the first
generation after the month ends is also frozen (:mod:`disputeflow.reports.snapshot`)
so that records entered late with a back-dated clock cannot rewrite what was
reported upward. ``files.report_file`` is the one entry the facade, the CLI and
the web use.
"""
