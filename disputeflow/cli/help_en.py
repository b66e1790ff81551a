"""English text of the top-level ``disputeflow --help`` (``--lang en`` or ``DISPUTEFLOW_LANG=en``).

The command line is Chinese by default; the overview a newcomer reads first is also here in English.
Keys are the command and option names; a command without an entry keeps its Chinese line.
"""

from __future__ import annotations

import os

GROUP = "disputeflow — dispute case-workflow engine (矛盾纠纷排查调处)."

OPTIONS = {
    "db": "Database URL (default: the embedded SQLite file disputeflow.db).",
    "user": "User id of the person acting.",
    "as_json": "Print one JSON document.",
    "lang": "Language of the output (default Simplified Chinese).",
    "now": "Fix this command's clock at this time (ISO 8601, with a zone).",
    "config": "Configuration file (TOML).",
    "version": "Show the version and exit.",
    "help": "Show this message and exit.",
}

COMMANDS = {
    "audit": "Audit log: verify, re-sign, make a key.",
    "board": "Boards: parties of repeated disputes.",
    "calendar": "Business calendar: public holidays and make-up workdays.",
    "case": "Cases: register, read, act.",
    "definition": "Workflow definition files: check one.",
    "directory": "Keep units and users in step with a host system (sync from a JSON or CSV file).",
    "demo": "Load the demo (a fictional county over 双乳镇 and 青石镇); --day plays a day of 双乳镇's work.",
    "import": "Import cases from an Excel or CSV ledger.",
    "inbox": "Inbox messages: read and mark read.",
    "init": "Create or upgrade the database schema (idempotent).",
    "notify": "The notification outbox.",
    "overdue": "The overdue board: every clock past due, the most serious first.",
    "person": "Key persons: register, read, contact, release.",
    "policy": "Deadline and escalation policy: show the policy in force.",
    "report": "Reports: ledger, statistics, nil report, meeting agenda, mediation paperwork.",
    "scheduler": "Scheduler: periodic sweeps and the supervisors' daily digest.",
    "screening": "Screening: record rounds, file reports (nil reports), sensitive periods.",
    "serve": "Start the web workspace and the HTTP API (with the scheduler).",
    "sweep": "Run one escalation sweep: every warning and escalation that is due, once.",
    "talks": "Talk list: responsible units with the policy's number of red cards in a month.",
    "token": "HTTP API tokens: issue, list, revoke.",
    "unit": "Units of the jurisdiction: county, town, village (community), grid, office.",
    "user": "Users and roles.",
    "workflow": "Workflow definitions.",
}

SECTIONS = {"命令": "Commands"}


class Asked:
    """The language ``main`` read from the arguments, before click parses them."""

    def __init__(self, en: bool):
        self.en = en


def english(ctx) -> bool:
    """Whether this invocation asked for English: ``--lang en`` (read eagerly), or ``DISPUTEFLOW_LANG``."""
    root = ctx.find_root()
    lang = root.meta.get("disputeflow.lang") or os.environ.get("DISPUTEFLOW_LANG") or ""
    return lang.startswith("en") or bool(getattr(root.obj, "en", False))
