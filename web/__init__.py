"""The web workspace and HTTP API: an ASGI app over the same Engine facade.

``create_app(engine, ...)`` (``from disputeflow import create_app``, loaded on first use so that
``import disputeflow`` never loads the web dependencies) builds a FastAPI application with

* the workspace pages (server-rendered from ``templates/web/``, Simplified
  Chinese by default, English switchable, no external assets), signed session
  cookies, CSRF tokens on every form and a sign-in lock-out;
* the HTTP API under ``/api/v1`` (bearer tokens from ``disputeflow token
  create``), errors as RFC 9457 problem documents, OpenAPI at
  ``/api/v1/openapi.json``;
* ``/healthz`` (database, scheduler, outbox backlog).

Every page and API call goes through the engine's facade, so roles and
jurisdiction are enforced by the engine itself: a case outside the reader's
jurisdiction is a 403, never a leak.

Extending the workspace with feature pages
------------------------------------------
A feature (key persons, reports, …) ships its own module exposing
``router`` (a ``fastapi.APIRouter``) and, optionally, ``NAV_ITEMS``. Two ways
to plug it in:

1. Add its import path to :data:`disputeflow.web.app.FEATURE_ROUTERS`
   (``"disputeflow.web.persons:router"``). Paths that cannot be imported are skipped with a
   log line, so a build without the feature still starts.
2. Pass ``routers=[...]`` to ``create_app``.

Inside a feature route, ``disputeflow.web.deps.current_user`` (a dependency) gives the
signed-in actor, ``disputeflow.web.deps.page(request, "template.html.j2", ...)`` renders a
page with the common layout and ``disputeflow.web.deps.check_csrf`` guards a form post.
Templates go in ``templates/web/``. Navigation entries are registered with
``disputeflow.web.nav.register(NavItem(key, href, zh, en, roles, order))``, at import time of
the feature module or through its ``NAV_ITEMS`` list; the layout shows each
item to the roles it names.
"""
