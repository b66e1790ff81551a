"""The Engine's public surface is exactly this list.

A new public member is a promise to embedding systems; adding one means
changing this list on purpose. Storage, compilation and parsing helpers stay
in the runtime (:mod:`disputeflow.workflow.runtime`), below the facade.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from disputeflow import Engine

PUBLIC = {
    # wiring
    "config", "lang", "clock", "policy", "calendar", "register_definition", "definition", "role_label",
    "known_roles", "on", "off", "resolve_actor", "close",
    "unit_of_work",  # the host's transaction joined
    # this engine's own rules (guards, conditions, effects), unseen by other engines in the process
    "register_guard", "register_condition", "register_effect", "rule_names",
    # schema and admin
    "init", "add_unit", "add_user", "units", "users",
    # the host's directory kept in step (save, move, switch off, bulk sync)
    "save_unit", "move_unit", "deactivate_unit", "save_user", "deactivate_user", "sync_units", "sync_users",
    # cases
    "report", "act", "act_many", "actions", "case", "history", "list_cases", "offices_for",
    "search_cases", "repeat_parties",  # finding cases by their people, and the people in repeated disputes
    "attach", "attachments", "attachment_file", "detach", "attachment_max_bytes",  # evidence files
    "office_desk", "overdue_work_orders",  # work orders across cases: an office's desk, late offices
    # supervision
    "overdue", "overdue_page", "overdue_lapses", "overdue_counts",
    "town_board", "unit_talks", "my_work", "supervised_cases", "sweep",
    # key persons
    "add_person", "link_person", "record_contact", "release_person", "persons", "persons_page", "person",
    "contacts_due", "control_rate", "verify_person_audit",
    # screening (排查) and filed reports (零报告)
    "record_round", "file_screening_report", "set_sensitive_period", "screening_rounds", "screening_due",
    "screening_filing", "screening_overdue", "screening_reports", "screening_escalations",
    # records
    "verify_audit", "resign_audit", "report_file", "report_data", "import_ledger",
    # notices
    "inbox", "mark_read", "unread_count", "check_notifications", "add_channel", "queue_digest", "dispatch",
    # sign-in
    "set_password", "authenticate", "session_generation", "end_sessions", "start_session", "session_user",
    "end_session", "live_sessions", "create_token", "token_actor",
    "revoke_token", "tokens", "health",
}

# Reading operations that write text for a person: each takes the reader's language.
SPEAKING = ("actions", "case", "history", "list_cases", "overdue", "overdue_page", "overdue_lapses",
            "my_work", "supervised_cases",
            "persons", "persons_page", "person", "contacts_due", "inbox", "report_file", "import_ledger",
            "role_label", "office_desk", "overdue_work_orders", "screening_due", "search_cases", "repeat_parties")


def test_the_public_members_are_exactly_the_listed_ones():
    assert {n for n in dir(Engine) if not n.startswith("_")} == PUBLIC


@pytest.mark.parametrize("internal", ["compiled", "number_prefix", "parse_time", "store", "db", "tx", "runtime",
                                      "local_year", "listeners", "notifier"])
def test_no_runtime_internal_is_on_the_facade(internal):
    assert not hasattr(Engine, internal)


@pytest.mark.parametrize("name", SPEAKING)
def test_every_operation_that_speaks_takes_lang(name):
    params = inspect.signature(getattr(Engine, name)).parameters
    assert "lang" in params and params["lang"].default is None, name


def test_lang_and_wiring_are_read_only():
    for name in ("lang", "config", "policy", "calendar"):
        prop = inspect.getattr_static(Engine, name)
        assert isinstance(prop, property) and prop.fset is None, name


def test_the_facade_modules_stay_small():
    root = Path(inspect.getfile(Engine)).parent
    modules = [root / "engine.py", *sorted(root.glob("engine_*.py"))]
    assert len(modules) >= 5
    for path in modules:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
