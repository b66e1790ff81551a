"""The command path passes some rows as tuples: their order must be the statement's parameter order."""

from __future__ import annotations

from disputeflow.cases.store import _PARAM, STATEMENTS


def test_audit_and_outbox_rows_follow_their_statements_parameter_order():
    # disputeflow.workflow.decision.decide builds these two rows positionally, in this order.
    assert _PARAM.findall(STATEMENTS["insert_audit"]) == [
        "case_id", "seq", "at", "actor", "action", "from_state", "to_state", "data", "prev_hash", "hash", "fields",
        "key_id"]
    assert _PARAM.findall(STATEMENTS["insert_outbox"]) == [
        "now", "event", "case_id", "case_number", "actor", "audience", "payload", "now"]
