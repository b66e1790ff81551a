"""The workspace mounted under a prefix (``root_path``): paths inside the app, addresses outside.

A host may mount the app under a prefix (``Mount("/mediation", app=create_app(engine))``
in Starlette or FastAPI, or ``uvicorn --root-path /mediation`` behind a proxy). Inside
the app every path is the app's own (``/cases/X``, the ``next`` of a form, a redirect
target); the prefix is added where an address leaves the app: templates write
``{{ root }}/cases/X`` and :class:`PrefixedRedirects` prefixes a redirect's
``Location``. So one rule holds everywhere: code handles app paths, never the prefix.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, MutableMapping

from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def root_path(scope: Scope) -> str:
    """The prefix the app is mounted under (``""`` at the root), without a trailing slash."""
    return str(scope.get("root_path") or "").rstrip("/")


def app_path(request: Request) -> str:
    """The request's path inside the app: the prefix taken off (``/mediation/cases/X`` → ``/cases/X``)."""
    path = request.url.path
    root = root_path(request.scope)
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):] or "/"
    return path


def outward(scope: Scope, location: str) -> str:
    """An app path as the address a browser follows (the prefix added); other locations as they are."""
    root = root_path(scope)
    if root and location.startswith("/") and not location.startswith("//"):
        return root + location
    return location


class PrefixedRedirects:
    """ASGI middleware: a redirect to an app path goes to that path under the mount prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not root_path(scope):
            await self.app(scope, receive, send)
            return

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, outward(scope, v.decode("latin-1")).encode("latin-1") if k.lower() == b"location"
                            else v) for k, v in message.get("headers", ())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_prefixed)
