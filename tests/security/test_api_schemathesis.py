"""The whole API fuzzed by schemathesis against its own OpenAPI document: no 500, nothing the document does not say.

A seeded database (cases in several states, a key person, a token of the
town's supervisor) behind a live uvicorn server. Every operation gets valid
and invalid requests; half of the valid ones address real cases and persons
so that the handlers behind the 404 run too. Each response must pass
schemathesis' conformance checks (status documented, media type documented,
body and headers matching the schema, invalid data refused) and be a problem
document with a Chinese title when it is an error. Methods the document does
not list get 405 with ``Allow``.
"""

from __future__ import annotations

import os
import re

import httpx
import pytest

from tests.conftest import report
from tests.web_support import live, sqlite_url  # noqa: F401

# Seeded examples per operation and mode; DISPUTEFLOW_FUZZ_EXAMPLES raises it for a deeper run.
EXAMPLES = int(os.environ.get("DISPUTEFLOW_FUZZ_EXAMPLES", "8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def seed(eng) -> dict:
    """A few cases at different stages and a key person: the real ids requests are pointed at."""
    numbers = [report(eng, title=f"纠纷{i}") for i in range(3)]
    eng.act(numbers[1], "assess", "med1", risk="low")
    eng.act(numbers[2], "assess", "med1", risk="medium")
    eng.act(numbers[2], "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-20T17:00+08:00")
    person = eng.add_person("sup", name="王五", cases=[numbers[0]], risk="high", grid_officer="go",
                            lead_official="lead")["id"]
    return {"number": numbers, "person_id": [person], "action": ["note", "assess", "mediate"]}


def problem_check(response) -> None:
    """Errors are RFC 9457 documents whose title and detail a person in China can read."""
    status = response.status_code
    if status < 400:
        return
    ctype = response.headers.get("content-type", "")
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    assert ctype.startswith("application/problem+json"), (status, ctype, response.text[:300])
    doc = response.json()
    assert doc["status"] == status and doc["type"].startswith("urn:disputeflow:problem:")
    assert CJK.search(doc["title"]), doc
    if status in (400, 404, 409, 503):
        assert CJK.search(doc["detail"]), doc


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi import checks as oas

    eng = live.engine
    real = seed(eng)
    headers = {"Authorization": "Bearer " + eng.create_token("fuzz", "sup")["token"]}
    schema = schemathesis.openapi.from_url(live.url + "/api/v1/openapi.json")
    base = live.url + "/api/v1"
    checks = [schemathesis.checks.not_a_server_error, oas.status_code_conformance, oas.content_type_conformance,
              oas.response_headers_conformance, oas.response_schema_conformance, oas.negative_data_rejection]
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 15
    seen: dict[int, int] = {}
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy(generation_mode=mode), pick=st.integers(0, 5))
            def run(case, pick):
                if mode == GenerationMode.POSITIVE and pick < 3:  # half the valid requests name real records
                    for name, values in real.items():
                        if name in (case.path_parameters or {}):
                            case.path_parameters[name] = values[pick % len(values)]
                response = case.call(base_url=base, headers=headers, timeout=60)
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
                case.validate_response(response, checks=checks)
                problem_check(response)

            try:
                run()
            except Unsatisfiable:  # an operation without parameters or body (health) has no invalid form
                assert mode == GenerationMode.NEGATIVE, op.label
    calls = sum(seen.values())
    print(f"schemathesis: {calls} requests, statuses {dict(sorted(seen.items()))}")
    assert calls >= len(operations) * EXAMPLES
    assert not any(s >= 500 and s != 503 for s in seen), seen
    assert {200, 400, 404} <= set(seen)  # real records were reached, and invalid data refused


def test_undeclared_methods_get_405_with_allow(live):
    real = seed(live.engine)
    headers = {"Authorization": "Bearer " + live.engine.create_token("fuzz", "sup")["token"]}
    doc = httpx.get(live.url + "/api/v1/openapi.json").json()
    tried = 0
    for path, ops in doc["paths"].items():
        url = path.format(number=real["number"][0], person_id=real["person_id"][0], action="note", kind="ledger",
                          attachment_id=1)
        declared = {m.upper() for m in ops}
        for method in METHODS:
            if method in declared:
                continue
            tried += 1
            r = httpx.request(method, live.url + "/api/v1" + url, headers=headers)
            assert r.status_code == 405, (method, url, r.status_code)
            allow = {m.strip() for m in r.headers["allow"].split(",")}
            assert declared <= allow, (method, url, allow)
            assert r.headers["content-type"].startswith("application/problem+json") and r.json()["status"] == 405
    assert tried >= 40


def test_openapi_documents_400_problems_and_503_busy_never_422(live):
    doc = httpx.get(live.url + "/api/v1/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            assert "422" not in responses, (method, path)
            if path != "/health":
                assert {"400", "401", "503"} <= set(responses), (method, path)
                assert "Retry-After" in responses["503"]["headers"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    person = doc["paths"]["/persons/{person_id}"]["get"]["parameters"][0]["schema"]
    assert person["minimum"] == 1 and person["maximum"] == 2**63 - 1
