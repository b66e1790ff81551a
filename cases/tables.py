"""The schema, as SQLAlchemy Core tables: every table, under one import.

Alembic migrations are written against these; a test checks that an empty
database upgraded to head matches them. The command path does not go through
these objects (it uses prepared SQL, see :mod:`disputeflow.cases.statements`);
admin screens and reports do.

The tables are defined one module per part of the product (people, cases,
notifications, key persons, ledger import, sign-in, reports) and gathered
here, so ``from disputeflow.cases.tables import cases`` and ``metadata``
(complete, with every table) keep working wherever they are used.
"""

from __future__ import annotations

from disputeflow.cases.attachment_tables import attachments
from disputeflow.cases.case_tables import (
    audit_events,
    case_counters,
    cases,
    clocks,
    escalations,
    parties,
    unit_talks,
)
from disputeflow.cases.key_person_tables import (
    key_person_cases,
    key_person_contacts,
    key_person_duties,
    key_person_events,
    key_person_lapses,
    key_person_notices,
    key_persons,
)
from disputeflow.cases.ledger_tables import import_keys
from disputeflow.cases.metadata import NAMING, metadata
from disputeflow.cases.notification_tables import inbox, notification_deliveries, outbox
from disputeflow.cases.paper_tables import paper_counters, paper_numbers
from disputeflow.cases.people_tables import units, users
from disputeflow.cases.report_tables import report_snapshots
from disputeflow.cases.screening_tables import (
    screening_duties,
    screening_escalations,
    screening_reports,
    screening_round_cases,
    screening_rounds,
    sensitive_periods,
)
from disputeflow.cases.signin_tables import api_tokens, login_failures, user_passwords, web_sessions

__all__ = [
    "NAMING", "metadata",
    "units", "users",
    "case_counters", "cases", "parties", "audit_events", "clocks", "escalations", "unit_talks",
    "outbox", "notification_deliveries", "inbox",
    "key_persons", "key_person_cases", "key_person_contacts", "key_person_duties", "key_person_notices",
    "key_person_events", "key_person_lapses",
    "import_keys",
    "user_passwords", "login_failures", "api_tokens", "web_sessions",
    "report_snapshots",
    "paper_counters", "paper_numbers",
    "screening_rounds", "screening_round_cases", "screening_reports", "sensitive_periods", "screening_duties",
    "screening_escalations",
    "attachments",
]
