"""The API fuzzed from its own OpenAPI document with schemathesis, against the live server.

Valid and invalid requests for every operation (a small, seeded number each so
the run stays short): the server never answers 5xx, and every error is an RFC
9457 problem document.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import report
from tests.web_support import live, sqlite_url  # noqa: F401

# A few seeded examples per operation and mode keep the suite quick; raise it for a deeper run.
EXAMPLES = int(os.environ.get("DISPUTEFLOW_FUZZ_EXAMPLES", "6"))


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def check(response) -> None:
    status = response.status_code
    inbox_missing = status == 501 and "/notifications" in response.request.url
    assert status < 500 or inbox_missing, f"{status}: {response.text[:500]}"
    if status >= 400:
        ctype = response.headers.get("content-type", "")
        ctype = ctype[0] if isinstance(ctype, list) else ctype  # schemathesis keeps every value of a header
        assert ctype.startswith("application/problem+json"), f"{status} {ctype}: {response.text[:300]}"
        doc = response.json()
        assert doc["status"] == status and doc["type"] and doc["title"] and "detail" in doc


def test_api_fuzz_has_no_server_errors_and_only_problem_documents(live):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    eng = live.engine
    report(eng)
    token = eng.create_token("fuzz", "sup")["token"]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(live.url + "/api/v1/openapi.json")
    base = live.url + "/api/v1"
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 9
    calls = 0
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal calls
                calls += 1
                response = case.call(base_url=base, headers=headers, timeout=30)
                check(response)

            try:
                run()
            except Unsatisfiable:
                # An operation without parameters or body (health) has no invalid form.
                assert mode == GenerationMode.NEGATIVE, op.label
    assert calls >= len(operations)
