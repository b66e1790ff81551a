"""The command path's hand-written JSON is the canonical JSON (sorted keys, no spaces, UTF-8 as is)."""

from __future__ import annotations

import pytest

from disputeflow.workflow.decision import _payload, dumps


@pytest.mark.parametrize("from_state,to_state,seq", [("reported", "assessed", 2), ('a"b\\', "已结案\n\u2028", 1234)])
def test_outbox_payload_is_the_canonical_json_of_its_dict(from_state, to_state, seq):
    assert _payload(from_state, to_state, seq) == dumps({"from_state": from_state, "to_state": to_state, "seq": seq})
