"""Embedding disputeflow in an existing web application.

The host application owns the database and the users: it creates the
SQLAlchemy engine, keeps its own ``accounts`` table and its own login, and
hands the engine a ready :class:`workflow.Actor` for each request. disputeflow
adds its tables to the same database (``engine.init()``) and never sees a
password. The web layer here is the standard library's WSGI server, standing
in for whatever framework the host uses (Django, Flask, FastAPI …): the only
disputeflow calls are in the three handlers.

Run: ``python examples/host_app/app.py [DATABASE_URL]`` — it starts the app on a
free port, plays a short session through real HTTP requests and prints one
JSON document.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import sqlalchemy as sa

from disputeflow import Actor, DisputeflowError, Engine

# --------------------------------------------------------------------------- the host's own schema

host_metadata = sa.MetaData()
accounts = sa.Table(
    "host_accounts", host_metadata,
    sa.Column("login", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("dispute_role", sa.String(20), nullable=False),   # the role the host grants in disputeflow
    sa.Column("org_path", sa.String(200), nullable=False),      # the host's org tree, as a disputeflow unit path
)


class HostApp:
    """The host's WSGI application: its own routing, its own users, one shared database."""

    def __init__(self, db: sa.Engine):
        self.db = db
        self.disputes = Engine(db)  # the host's engine: disputeflow uses it, does not own it

    def actor(self, login: str | None) -> Actor | None:
        """The host's session → a disputeflow actor (here: a header stands in for the session cookie)."""
        if not login:
            return None
        with self.db.connect() as conn:
            row = conn.execute(sa.select(accounts).where(accounts.c.login == login)).first()
        if row is None:
            return None
        unit = row.org_path.strip("/").split("/")[-1]
        return Actor(id=row.login, role=row.dispute_role, unit_path=row.org_path, unit_id=unit,
                     name=row.display_name)

    def __call__(self, environ, start_response):
        # WSGI hands the path over as latin-1; case numbers carry Chinese (双乳-2026-000001)
        raw_path = environ["PATH_INFO"].encode("latin-1").decode("utf-8")
        method, path = environ["REQUEST_METHOD"], raw_path.strip("/").split("/")
        who = self.actor(environ.get("HTTP_X_LOGIN"))
        if who is None:
            return self.reply(start_response, 401, {"error": "login required"})
        body = {}
        if method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size) or b"{}")
        try:
            if method == "POST" and path == ["disputes"]:
                out = self.disputes.report(who, **body)
                return self.reply(start_response, 201, {"number": out.number, "state": out.to_state})
            if method == "POST" and len(path) == 3 and path[0] == "disputes":
                out = self.disputes.act(path[1], path[2], who, **body)
                return self.reply(start_response, 200, {"number": out.number, "state": out.to_state})
            if method == "GET" and len(path) == 2 and path[0] == "disputes":
                doc = self.disputes.case(path[1], who)
                return self.reply(start_response, 200, {"number": doc["number"], "state": doc["state"],
                                                        "parties": doc["parties"]})
        except DisputeflowError as exc:  # typed errors carry their own HTTP status and message
            return self.reply(start_response, exc.http_status, exc.to_dict(environ.get("HTTP_ACCEPT_LANGUAGE", "zh_CN")))
        return self.reply(start_response, 404, {"error": "no such route"})

    @staticmethod
    def reply(start_response, status: int, doc: dict):
        data = json.dumps(doc, ensure_ascii=False).encode()
        start_response(f"{status} X", [("Content-Type", "application/json; charset=utf-8"),
                                       ("Content-Length", str(len(data)))])
        return [data]


def setup(db: sa.Engine, app: HostApp) -> None:
    """What the host does once: its own tables, disputeflow's schema, the org tree as units."""
    host_metadata.create_all(db)
    app.disputes.init()
    with db.begin() as conn:
        conn.execute(accounts.insert(), [
            {"login": "li.grid", "display_name": "李网格员", "dispute_role": "grid_officer", "org_path": "/hx/hx-c1/"},
            {"login": "zhao.med", "display_name": "赵调解员", "dispute_role": "mediator", "org_path": "/hx/"},
            {"login": "qian.visitor", "display_name": "钱访客", "dispute_role": "grid_officer", "org_path": "/other/"},
        ])
    app.disputes.add_unit("hx", "和谐镇", "town")
    app.disputes.add_unit("hx-c1", "和谐社区", "community", "hx")
    app.disputes.add_unit("other", "外镇", "town")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the host's access log is not this example's business
        pass


def call(base: str, method: str, path: str, login: str, body: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(base + urllib.parse.quote(path), method=method, headers={"X-Login": login},
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def main(url: str) -> dict:
    db = sa.create_engine(url)  # the host's engine, built the host's way
    app = HostApp(db)
    setup(db, app)
    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        status, made = call(base, "POST", "/disputes", "li.grid", {
            "title": "楼上漏水纠纷", "category": "neighbour", "unit": "hx-c1",
            "parties": ["孙大妈:applicant:13811112222", "周先生:respondent"]})
        number = made["number"]
        _, assessed = call(base, "POST", f"/disputes/{number}/assess", "zhao.med", {"risk": "low"})
        denied, refusal = call(base, "GET", f"/disputes/{number}", "qian.visitor")
        _, seen_by_grid = call(base, "GET", f"/disputes/{number}", "li.grid")
        _, seen_by_mediator = call(base, "GET", f"/disputes/{number}", "zhao.med")
        bad, invalid = call(base, "POST", f"/disputes/{number}/resolve", "zhao.med", {"outcome": "agreement"})
    finally:
        server.shutdown()
        app.disputes.close()
    with db.connect() as conn:  # one database: the host's tables and disputeflow's side by side
        tables = set(sa.inspect(conn).get_table_names())
    db.dispose()
    return {
        "created": status, "number": number, "state_after_assess": assessed["state"],
        "outsider_status": denied, "outsider_error": refusal["error"],
        "phone_for_grid_officer": seen_by_grid["parties"][0]["phone"],
        "phone_for_mediator": seen_by_mediator["parties"][0]["phone"],
        "invalid_status": bad, "invalid_error": invalid["error"],
        "shared_database": {"host_accounts", "cases", "audit_events"} <= tables,
    }


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DISPUTEFLOW_DB", "sqlite:///host_app.db")
    print(json.dumps(main(target), ensure_ascii=False, indent=2))
