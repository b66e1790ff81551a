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


# The web framework's own refusals (unparseable body, no such route, wrong method) in Chinese.
HTTP_DETAILS_ZH = {400: "请求无法解析，请检查请求体（应为 JSON）", 404: "没有这个接口地址", 405: "此地址不支持该请求方法",
                   413: "请求过大", 415: "不支持的媒体类型，请以 application/json 发送"}


# The same refusals on a workspace page, where a person typed or followed an address.
PAGE_DETAILS = {
    404: ("没有这个页面。请检查地址，或从上方菜单进入。", "There is no such page. Check the address or use the menu above."),
    405: ("这个地址不能这样打开。请回到上一页重新操作。", "This address cannot be opened this way. Go back and try again."),
    413: ("上传的内容过大。", "What was sent is too large."),
}


def page_detail(status: int, detail: str, lang: str) -> str:
    """What an error page says: a route's own message, else a plain sentence in the reader's language
    (never the framework's "Not Found" or "Method Not Allowed")."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    if detail and detail != phrase:
        return detail
    i = 1 if lang.startswith("en") else 0
    if status in PAGE_DETAILS:
        return PAGE_DETAILS[status][i]
    return TITLES.get(status, ("请求有误", "Bad request"))[i]


def http_detail(status: int, detail: str, lang: str) -> str:
    """The framework's English detail for English readers, a Chinese one for the others."""
    if lang.startswith("en"):
        return detail
    return HTTP_DETAILS_ZH.get(status) or TITLES.get(status, ("请求有误",))[0]


def allow_headers(request, status: int, headers: dict | None) -> dict | None:
    """``headers`` with ``Allow`` naming every method of the path on a 405.

    The router answers 405 from the first route whose path matched, so its own
    ``Allow`` lists that route's methods only (``POST`` for ``/cases``, which
    also has ``GET``); RFC 9110 wants them all.
    """
    if status != 405:
        return headers
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    if not methods:
        return headers
    return {**(headers or {}), "Allow": ", ".join(sorted(methods))}


def problem(status: int, code: str, detail: str, lang: str = "zh_CN", instance: str | None = None,
            headers: dict | None = None, **extra) -> JSONResponse:
    """A problem document; ``headers`` go out with it (``Allow`` on 405, ``Retry-After`` on 503)."""
    zh, en = TITLES.get(status, ("错误", "Error"))
    body = {"type": PROBLEM_TYPE + code, "title": en if lang.startswith("en") else zh, "status": status,
            "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers or None)


def from_error(exc, lang: str, instance: str | None = None) -> JSONResponse:
    """A problem document for an engine error (:class:`disputeflow.workflow.errors.DisputeflowError`)."""
    from disputeflow.workflow.errors import InvalidAction, ValidationError

    status = exc.http_status
    extra = {}
    if isinstance(exc, ValidationError):
        extra["errors"] = [{"field": e.field, "detail": e.message(lang)} for e in exc.errors]
    if isinstance(exc, InvalidAction):
        extra["allowed"] = exc.allowed
    after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(after)} if after else None
    return problem(status, exc.code, exc.message(lang), lang, instance, headers=headers, **extra)


# pydantic's error types in Chinese ({ctx} values filled in); others fall back to a general phrase.
REQUEST_ERRORS_ZH = {
    "missing": "必填", "extra_forbidden": "不允许的字段", "json_invalid": "JSON 格式有误",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false", "string_type": "应为文本", "list_type": "应为数组",
    "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "less_than_equal": "不能大于 {le}", "less_than": "应小于 {lt}", "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}", "string_too_long": "过长（最多 {max_length} 字）",
    "string_too_short": "过短（至少 {min_length} 字）", "too_long": "过多（最多 {max_length} 项）",
    "too_short": "过少（至少 {min_length} 项）", "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
    "literal_error": "取值无效（可选：{expected}）", "enum": "取值无效（可选：{expected}）",
}


def _request_error_text(e: dict, lang: str) -> str:
    """One request validation error in the reader's language (pydantic's own words in English)."""
    if lang.startswith("en"):
        return e.get("msg", "")
    text = REQUEST_ERRORS_ZH.get(e.get("type", ""), "取值无效")
    try:
        return text.format(**(e.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return text.split("（")[0]


def request_errors(exc, lang: str) -> list[dict[str, str]]:
    """Each bad part of a request FastAPI refused, as ``{"field", "detail"}``."""
    errors = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc) or "body", "detail": _request_error_text(e, lang)})
    return errors


def from_request_validation(exc, lang: str, instance: str | None = None) -> JSONResponse:
    """FastAPI's own request validation (bad JSON, wrong types, numbers out of range) as a 400 naming every bad field."""
    errors = request_errors(exc, lang)
    detail = ("请求有误 — " if not lang.startswith("en") else "invalid request — ") + \
        "; ".join(f"{e['field']}: {e['detail']}" for e in errors)
    return problem(400, "validation", detail, lang, instance, errors=errors)
