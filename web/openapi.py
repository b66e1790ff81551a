"""The API's OpenAPI document as the server really answers.

FastAPI documents a 422 ``HTTPValidationError`` on every operation with
parameters, but this API answers malformed requests with a 400 problem
document naming every bad field (see :mod:`disputeflow.web.problems`), so the 422 and its
schemas are dropped. Every operation that may wait for the database documents
503 (busy) with ``Retry-After``; the report download documents the file types
it sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BUSY = {
    "description": "系统繁忙，请稍后重试 — the database stayed locked past the wait budget; nothing was written",
    "headers": {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
}
UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError")


def truthful(api: FastAPI, file_types: dict[str, dict[str, Any]]) -> None:
    """Replace ``api.openapi`` with a generator of the corrected document (built once, then cached).

    Args:
        file_types: path → the media types its 200 response may carry besides JSON.
    """
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        doc = build()
        for path, ops in doc.get("paths", {}).items():
            for op in ops.values():
                responses = op.get("responses", {})
                responses.pop("422", None)
                if path != "/health":
                    responses.setdefault("503", BUSY)
                if path in file_types and "200" in responses:
                    content = responses["200"].setdefault("content", {})
                    for mime in file_types[path]:
                        content.setdefault(mime, {"schema": {"type": "string", "format": "binary"}})
        schemas = doc.get("components", {}).get("schemas", {})
        for name in UNUSED_SCHEMAS:
            schemas.pop(name, None)
        api.openapi_schema = doc
        return doc

    api.openapi = openapi
