"""Errors as RFC 9457 problem documents (``application/problem+json``).

Each engine error maps to its own HTTP status (the status lives on the error
class); validation problems list every bad field in ``errors``; an invalid
action lists the ones that are allowed.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

PROBLEM_TYPE = "urn:disputeflow:problem:"
TITLES = {
    400: ("输入有误", "Bad request"), 401: ("未认证", "Unauthenticated"), 403: ("无权操作", "Forbidden"),
    404: ("未找到", "Not found"), 405: ("方法不允许", "Method not allowed"), 409: ("冲突", "Conflict"),
    413: ("请求过大", "Payload too large"), 415: ("不支持的媒体类型", "Unsupported media type"),
    422: ("无法处理", "Unprocessable"), 429: ("请求过多", "Too many requests"), 500: ("服务器错误", "Server error"),
    501: ("未实现", "Not implemented"),
    503: ("服务不可用", "Service unavailable"),
}


def problem(status: int, code: str, detail: str, lang: str = "zh_CN", instance: str | None = None,
            **extra) -> JSONResponse:
    zh, en = TITLES.get(status, ("错误", "Error"))
    body = {"type": PROBLEM_TYPE + code, "title": en if lang.startswith("en") else zh, "status": status,
            "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def from_error(exc, lang: str, instance: str | None = None) -> JSONResponse:
    """A problem document for an engine error (:class:`disputeflow.workflow.errors.DisputeflowError`)."""
    from disputeflow.workflow.errors import InvalidAction, ValidationError

    status = exc.http_status
    extra = {}
    if isinstance(exc, ValidationError):
        extra["errors"] = [{"field": e.field, "detail": e.message(lang)} for e in exc.errors]
    if isinstance(exc, InvalidAction):
        extra["allowed"] = exc.allowed
    return problem(status, exc.code, exc.message(lang), lang, instance, **extra)


def from_request_validation(exc, lang: str, instance: str | None = None) -> JSONResponse:
    """FastAPI's own request validation (bad JSON, wrong types) as a 400 naming every bad field."""
    errors = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc) or "body", "detail": e.get("msg", "")})
    detail = ("请求有误 — " if not lang.startswith("en") else "invalid request — ") + \
        "; ".join(f"{e['field']}: {e['detail']}" for e in errors)
    return problem(400, "validation", detail, lang, instance, errors=errors)
