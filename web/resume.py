"""Back to the form after signing in again: a session that ended while someone filled in a form.

A post whose session has ended cannot be replayed after sign-in (the browser
would then GET an address that only takes POST: "Method Not Allowed"). The
sign-in page is sent to the page the form lives on instead — for a case
action, the case page with that action's form open — and what was typed is kept
in the (signed) session cookie, if small, and put back into the form once.
The values are shown to whoever signs in on this browser and are never acted on
by themselves: the person looks at them and presses the button again.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from starlette.requests import Request

from disputeflow.web.mount import app_path, root_path

ACT = re.compile(r"^/cases/([^/]+)/act/([A-Za-z0-9_]+)$")
KEPT_BYTES = 1500  # a cookie holds about 4 KB, signed and base64-encoded: what was typed must fit beside the rest
SKIP = ("csrf", "version", "next")


async def login_target(request: Request) -> str:
    """Where to go after signing in: the address asked for, or for a post the page its form was on."""
    url = request.url
    path = app_path(request)  # an app path: the redirect after sign-in adds the mount prefix (web.mount)
    if request.method in ("GET", "HEAD"):
        return path + (("?" + url.query) if url.query else "")
    m = ACT.match(path)
    if m:
        values = await _typed(request)
        kept = {"path": f"/cases/{m[1]}", "action": m[2], "values": values}
        if values and len(json.dumps(kept, ensure_ascii=False).encode()) <= KEPT_BYTES:
            request.session["resume"] = kept
        return f"/cases/{m[1]}?form={m[2]}"
    referer = request.headers.get("referer") or ""
    parts = urlsplit(referer)
    root = root_path(request.scope)
    if parts.netloc == url.netloc and parts.path.startswith(root + "/") and not parts.path.startswith("//"):
        return parts.path[len(root):] + (("?" + parts.query) if parts.query else "")
    return "/"


async def _typed(request: Request) -> dict[str, list[str]]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        form = await request.form()
    except Exception:  # an unreadable body: there is nothing to keep
        return {}
    out: dict[str, list[str]] = {}
    for k, v in form.multi_items():
        if isinstance(v, str) and k not in SKIP and v.strip():
            out.setdefault(k, []).append(v)
    return out


def carried(session) -> dict | None:
    """What a sign-in keeps of the session it replaces (the typed form), taken before the session is cleared."""
    kept = session.get("resume")
    return kept if isinstance(kept, dict) else None


def take(request: Request, path: str, action: str | None) -> dict:
    """The typed values kept for this page's form, once (taken out of the session)."""
    kept = request.session.get("resume")
    if not isinstance(kept, dict) or kept.get("path") != path or kept.get("action") != action:
        return {}
    request.session.pop("resume", None)
    values = kept.get("values")
    return values if isinstance(values, dict) else {}
