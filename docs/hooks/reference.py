"""MkDocs hook: reference pages generated from the code, so they cannot drift from it.

* ``reference/cli.md`` walks the click group, lazy command groups included
  (``LAZY_COMMANDS``), so a command added anywhere appears without editing docs.
* ``reference/configuration.md`` lists every field of ``Config`` and every key
  the policy parser accepts, with defaults; keys of the sub-tables that the code
  reads but no description covers are still listed, marked undocumented.
* ``reference/http.md`` renders the OpenAPI document of ``disputeflow.web.app.create_app``
  when the ``web`` package is part of the build, else says it is not.
* ``reference/internal.md`` lists every module that is not public.

The functions are plain and importable so that tests can call them directly.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workflow", "cases", "notifications", "web", "disputeflow/cli")  # the subpackages of `disputeflow`

if str(ROOT) not in sys.path:  # the hook runs inside mkdocs, not inside the test runner
    sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------- CLI


def _param_row(p) -> tuple[str, str, str]:
    import click

    if isinstance(p, click.Argument):
        name = f"`{p.human_readable_name}`"
    else:
        name = ", ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts))
    kind = "flag" if getattr(p, "is_flag", False) else (p.type.name if p.type is not None else "")
    if isinstance(p.type, click.Choice):
        kind = " \\| ".join(str(c) for c in p.type.choices)
    extra = []
    if getattr(p, "required", False):
        extra.append("必填 required")
    if getattr(p, "multiple", False):
        extra.append("可重复 repeatable")
    if getattr(p, "envvar", None):
        extra.append(f"env `{p.envvar}`")
    default = getattr(p, "default", None)
    if default not in (None, False, (), []) and not callable(default):
        extra.append(f"default `{default}`")
    text = (getattr(p, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    if extra:
        text = f"{text} ({'; '.join(extra)})" if text else "; ".join(extra)
    return name, kind, text


def _command_md(cmd, ctx, path: list[str], out: list[str]) -> None:
    import click

    title = " ".join(path)
    level = "#" * min(2 + len(path) - 1, 4)
    out.append(f"{level} `{title}`\n")
    if cmd.help:
        out.append(cmd.help.strip() + "\n")
    usage = " ".join(cmd.collect_usage_pieces(ctx))
    out.append(f"```\n{title} {usage}\n```\n")
    params = [p for p in cmd.params if not getattr(p, "hidden", False)]
    if params:
        out.append("| 参数 parameter | 类型 type | 说明 description |\n|---|---|---|")
        for p in params:
            out.append("| {} | {} | {} |".format(*_param_row(p)))
        out.append("")
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            _command_md(sub, sub_ctx, [*path, name], out)


def cli_markdown() -> str:
    """The whole command tree of ``disputeflow``, lazily loaded groups included."""
    import click

    from disputeflow.cli.commands import LAZY_COMMANDS, cli

    ctx = click.Context(cli, info_name="disputeflow")
    out = ["# 命令行参考 CLI reference\n",
           "Generated from the `disputeflow` click group when the documentation is built "
           f"({len(cli.list_commands(ctx))} top-level commands, {len(LAZY_COMMANDS)} of them loaded lazily). "
           "Global options go before the command: `disputeflow --db URL --as USER --json case show NUMBER`. "
           "Exit codes: 0 ok, 2 bad usage or validation, 3 not permitted, 4 conflict, 5 not found, 1 other.\n"]
    _command_md(cli, ctx, ["disputeflow"], out)
    return "\n".join(out) + "\n"


def cli_command_paths() -> list[str]:
    """Every command path (``disputeflow case open`` …), for tests."""
    import click

    from disputeflow.cli.commands import cli

    paths: list[str] = []

    def walk(cmd, ctx, path):
        paths.append(" ".join(path))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, click.Context(sub, info_name=name, parent=ctx), [*path, name])

    walk(cli, click.Context(cli, info_name="disputeflow"), ["disputeflow"])
    return paths


# --------------------------------------------------------------------------- configuration

CONFIG_HELP: dict[str, str] = {
    "url": "Database URL: `sqlite:///path.db` (embedded, the default `disputeflow.db`) or "
           "`postgresql+psycopg://user@host/db` for several instances. `DISPUTEFLOW_DB` and `--db` override it.",
    "definitions": "Extra workflow definitions: TOML files (relative to the configuration file) or names of "
                   "definitions shipped with the package, such as `\"hotline\"` (12345 work orders) or "
                   "`\"petition\"` (信访事项).",
    "default_definition": "The workflow used when a report names none.",
    "policy": "Deadline and escalation policy file (TOML); the shipped `workflow/policy.toml` when unset. "
              "Keys below.",
    "calendar_overrides": "Operator's calendar override file: holidays and make-up workdays (调休) announced "
                          "after the installed calendar data was published.",
    "number_prefix": "Case number prefix; unset uses the short name of the case's town (双乳镇 → `双乳`).",
    "lang": "Language of messages: `zh_CN` (default) or `en`.",
    "allow_now_override": "Whether `--now` / `DISPUTEFLOW_NOW` may fix the clock (drills, late paper records). "
                          "Set `false` in production if nobody should back-date.",
    "sqlite_synchronous": "SQLite `PRAGMA synchronous` (`NORMAL` with WAL; `FULL` for power-loss safety).",
    "busy_timeout": "Seconds a write waits for another writer's lock or a pooled connection (SQLite busy timeout, "
                    "PostgreSQL `lock_timeout`) before it is refused as busy: 系统繁忙，请稍后重试, HTTP 503 with "
                    "`Retry-After`, exit code 1. Default 5.",
    "notifications": "Table read by the notification dispatcher and its channels (`[notifications]`).",
    "scheduler": "Table read by the scheduler (`[scheduler]`): `leader_seconds`, how often a standby scheduler "
                 "tries to take the leader lock (default 20; see Several workers and hosts).",
    "web": "Table read by the web workspace and HTTP API (`[web]`): `threads`, the worker threads for handlers "
           "(default 16); `secret`, the key that signs session cookies, the same on every worker and host "
           "(`--secret` and `DISPUTEFLOW_SECRET` come first; required with `serve --workers` above 1).",
    "attachments": "Table for case attachments (`[attachments]`): `dir`, the folder of the local file store "
                   "(relative to the configuration file; default: next to an SQLite database file, "
                   "`<name>-files/`, else `disputeflow-files/`); `max_mb`, the largest file accepted (default 20); "
                   "`store`, `module:factory` of another store (an object store) called with this table, "
                   "whose object offers `put(key, bytes)`, `get(key)` and `exists(key)`.",
    "report_templates": "Directory whose templates override the shipped report and paperwork templates "
                        "(`templates/reports/`); they run in jinja2's sandbox.",
    "audit_key": "The audit key that signs every audit event (HMAC-SHA256), at least 32 characters; "
                 "`disputeflow audit keygen` makes one. `DISPUTEFLOW_AUDIT_KEY` when unset. Keep it out of the "
                 "database and its backups (see Operations: the audit key).",
    "audit_old_keys": "Keys rotated out, kept so the events they signed still verify "
                      "(`DISPUTEFLOW_AUDIT_OLD_KEYS`, separated by commas, when unset).",
    "table_prefix": "Prefix of every table, index and constraint the engine makes, and of Alembic's version "
                    "table (`df_` gives `df_cases`, `df_alembic_version`): the engine lives beside an "
                    "application's own `users` or `cases`. A lower-case letter, then lower-case letters, digits "
                    "and `_`; default none. Set it before `init`: it names the tables, it does not move them "
                    "(see Operations: beside another application's tables).",
    "schema": "PostgreSQL only: the schema of the engine's tables and version table, created by `init` if "
              "missing (the database user needs `CREATE` on the database, or create it beforehand). "
              "Default none: the connection's `search_path`. Refused on SQLite.",
}

POLICY_HELP: dict[str, tuple[str, str]] = {
    "count_from": ("\"immediately\"", "How periods are counted: `immediately` or `next_day` (次日起算). "
                                      "Also per clock."),
    "clocks": ("(shipped set)", "One table per clock: `[clocks.<name>]`. Any name is allowed, so another "
                                "workflow can define its own clocks."),
    "clocks.<name>.default": ("none", "Duration of the clock; unset means the due time is given when it "
                                      "starts (supervision)."),
    "clocks.<name>.low / medium / high / critical": ("none", "Duration for cases of that risk."),
    "clocks.<name>.categories.<category>": ("none", "Table with `default` and/or risk keys; replaces the clock's "
                                                    "entries for that category."),
    "clocks.<name>.tiers.<tier>": ("none", "Duration for cases of that tier (`ordinary` 一般 / `complex` 复杂); "
                                           "wins over risk, not over a category rule."),
    "clocks.<name>.extension_cap": ("the clock's duration", "How far one extension may move the due time."),
    "clocks.<name>.count_from": ("global `count_from`", "Counting rule for this clock; `next_day` counts as the "
                                                        "Civil Code does (民法典 arts. 200–204, see Time limits)."),
    "clocks.<name>.source": ("none (warned)", "Where the clock's numbers come from: a law and article, a "
                                              "regulation, or `本地做法（local practice）: …`. Also on every "
                                              "`[[ladder]]` step, duty and section."),
    "clocks.<name>.ladder_time": ("by unit", "`business`: the warning counts working time and falls in working "
                                             "hours; `elapsed`: wall-clock time. Unset: business for business-day "
                                             "durations."),
    "(duration).amount": ("—", "Whole number ≥ 0."),
    "(duration).unit": ("—", "`calendar_hours`, `calendar_days`, `business_days` (official calendar), `months` "
                             "or `years` (the corresponding day, or the month's last day)."),
    "ladder.source": ("none (warned)", "Where the step's timing comes from."),
    "working_hours": ("08:30–17:30", "Working hours of a workday, for business-day warnings: `from`, `to` "
                                     "(\"HH:MM\"), `source`."),
    "working_hours.from": ("\"08:30\"", "Start of working hours."),
    "working_hours.to": ("\"17:30\"", "End of working hours."),
    "quiet_hours": ("none", "Quiet hours (免打扰): `from`, `to` for every risk; a risk key holds its own "
                            "`{ from, to }` or `false` (alerts at any hour). A warning inside them fires when they "
                            "end (at due at the latest); notices of any step raised inside them wait until then."),
    "quiet_hours.from": ("none", "Start of the quiet window (\"21:00\"); it may wrap past midnight."),
    "quiet_hours.to": ("none", "End of the quiet window (\"08:00\")."),
    "ladder": ("warning, level1–3", "The escalation ladder, `[[ladder]]` steps in firing order."),
    "ladder.name": ("—", "Step id (`warning`, `level1` …)."),
    "ladder.kind": ("—", "`fraction` (share of start→due) or `after_due` (business days after due)."),
    "ladder.value": ("—", "0.8 for a fraction; business days for after_due (0 = at due)."),
    "ladder.recipients": ("—", "Who is told: `assignee`, `responsible_unit`, `lead_official`, `supervisor`."),
    "ladder.list_for_supervision": ("false", "The step lists the case for supervision (红牌)."),
    "ladder.label_zh": ("—", "Chinese label (黄牌 …). Required."),
    "ladder.label_en": ("the name", "English label."),
    "extension": ("", "Table of extension limits (延期)."),
    "extension.max_per_clock": ("1", "Extensions allowed per clock."),
    "extension.hard_cap": ("30 calendar days", "No extension moves a due time further than this."),
    "extension.cap_from": ('"later"', "Where the cap counts from: `later` of the due time and the moment of "
                           "the extension (an overdue clock can still be extended), or `due` only."),
    "tier_upgrade": ("", "Upgrade of a case's tier (一般 → 复杂)."),
    "auto_listing": ("", "The automatic listing for supervision (自动挂牌督办) at the rung with "
                         "`list_for_supervision`, when nobody has listed the case."),
    "auto_listing.enabled": ("true", "`false`: a red card notifies but lists nothing."),
    "auto_listing.level": ("\"town\"", "Supervision level the case is listed at (the definition's `level` "
                                         "vocabulary: `town` 镇级, `county` 县级)."),
    "auto_listing.by_zh": ("\"系统自动挂牌（红牌预警）\"", "Who lists, as the case shows it (Chinese)."),
    "auto_listing.by_en": ("\"listed automatically (red card)\"", "The same in English."),
    "auto_listing.deadline_workdays": ("5", "Workdays the unit has to settle a listed case (same local time "
                                            "of day). Local practice, not a published rule."),
    "auto_listing.risks": ("all", "List only cases of these risks (`low` … `critical`)."),
    "auto_listing.categories": ("all", "List only cases of these categories; with `risks`, both must match."),
    "auto_listing.by_clock": ("`follow_up`, `key_persons`: high, critical",
                              "Per clock, `{ risks = [...], categories = [...] }` in place of the section's own "
                              "(`key_persons`: a key person's missed-duty item, whose category is the person's type)."),
    "key_persons": ("", "Key persons (重点人员稳控): their recurring control duties."),
    "key_persons.alarm_recipients": ("[\"lead_official\"]", "Who is told at once of an alarming contact."),
    "key_persons.duties.<duty>": ("contact, report", "One recurring duty; `label_zh`, `label_en`."),
    "key_persons.duties.<duty>.satisfied_by": ("—", "Contact methods that meet the duty (`visit`, `phone`, "
                                                    "`report`)."),
    "key_persons.duties.<duty>.<risk>.every": ("—", "How many units between occurrences (whole number ≥ 1)."),
    "key_persons.duties.<duty>.<risk>": ("—", "Recurrence for persons of that risk: `{ every = N, unit = "
                                              "\"calendar_days\" | \"business_days\" | \"weeks\" }`; "
                                              "a risk without an entry has no such duty."),
    "tier_upgrade.after": ("60 calendar days", "A case still unresolved this long after its report is upgraded."),
    "tier_upgrade.recipients": ("[\"lead_official\"]", "Who is told."),
    "unit_talk": ("", "Formal talks (约谈) with responsible units."),
    "unit_talk.level3_per_month": ("3", "Red cards in one calendar month that put a unit on the talk list."),
    "unit_talk.recipients": ("[\"supervisor\"]", "Who is told."),
    "handover": ("", "Handing a case up or down the levels (上交、下交): which clocks start again."),
    "handover.restart": ("[\"resolve\"]", "Running clocks that restart, for their full time, when the handling "
                         "level moves (`[]`: none); the intake clocks keep counting."),
    "screening": ("", "Screening (排查) and the periodic report (零报告) each unit owes; `source` says where the "
                  "numbers come from (local practice)."),
    "screening.<kind>": ("village, community: `{ every = \"half_month\", report_days = 1 }`; town: month, 3; "
                         "county: quarter, 5", "For units of that kind (`village`, `community`, `town`, `county`): "
                         "`every` is `day`, `half_month`, `month` or `quarter`; the report is due `report_days` "
                         "after the period's last day (0: by its 24:00). A round is due by the period's end."),
    "screening.sensitive": ("`{ every = \"day\", report_days = 0 }`", "In a sensitive period (敏感期, set by a "
                            "supervisor with `disputeflow screening sensitive`) the named units and those under "
                            "them also screen and report on this cadence."),
    "repeat_disputes": ("", "反复纠纷 and possible duplicate reports: intake looks the parties up by phone, ID number, "
                        "or name in the same village."),
    "repeat_disputes.similar_days": ("90", "An open case, or one reported within this many days, of the same party "
                                     "is shown as a possible duplicate (a warning, never a refusal)."),
    "repeat_disputes.repeat_months": ("12", "The window in which earlier disputes of a party count."),
    "repeat_disputes.repeat_count": ("2", "Earlier cases within the window that make a repeated dispute."),
    "repeat_disputes.open_counts": ("true", "One earlier case still open is a repeated dispute too."),
    "repeat_disputes.risk_floor": ("\"medium\"", "The new case's risk floor when it repeats an earlier dispute."),
}


def policy_keys_in_code() -> set[str]:
    """Every key name the policy parser accepts, read from the allowed-key tuples in ``workflow/policy_parse.py``."""
    tree = ast.parse((ROOT / "workflow" / "policy_parse.py").read_text(encoding="utf-8"))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table" \
                and len(node.args) == 3 and isinstance(node.args[2], ast.Tuple):
            keys.update(e.value for e in node.args[2].elts if isinstance(e, ast.Constant))
    from disputeflow.workflow.policy import RISKS

    return keys | set(RISKS)


_SUBTABLE_READ = re.compile(r"\b(?:config|cfg|conf)\.(notifications|scheduler|web)"
                            r"(?:\.get\(\s*|\[\s*)[\"'](\w+)[\"']")


def subtable_keys_in_code() -> dict[str, set[str]]:
    """Keys of ``[notifications]``, ``[scheduler]`` and ``[web]`` that the code reads."""
    found: dict[str, set[str]] = {}
    for pkg in PACKAGES:
        base = ROOT / pkg
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            for table, key in _SUBTABLE_READ.findall(path.read_text(encoding="utf-8")):
                found.setdefault(table, set()).add(key)
    return found


SUBTABLE_HELP: dict[str, str] = {
    "scheduler.leader_seconds": "Seconds between a standby scheduler's tries to take the leader lock, and the "
                                "leader's checks that it still holds it (0.2–300, default 20).",
    "web.secret": "The key that signs session cookies; the same on every worker and host behind a load balancer. "
                  "`--secret` and `DISPUTEFLOW_SECRET` come first. Unset: a random key per process.",
    "web.threads": "Worker threads for the handlers that call the engine (default 16).",
}  # "table.key" -> description; keys found in code without one are listed too


def config_markdown() -> str:
    from disputeflow.workflow.config import Config

    out = ["# 配置参考 Configuration reference\n",
           "Generated from `disputeflow.workflow.config.Config` and from the policy parser when the documentation is built.\n",
           "## Configuration file (`disputeflow.toml`)\n",
           "Named by `--config` or `DISPUTEFLOW_CONFIG`. Unknown keys are refused at start with their names; "
           "relative paths are read relative to the file.\n",
           "| key | default | meaning |", "|---|---|---|"]
    for f in dataclasses.fields(Config):
        if f.default is not dataclasses.MISSING:
            default = repr(f.default) if f.default not in ("", None) else ("unset" if f.default is None else '""')
        else:
            default = repr(f.default_factory())  # type: ignore[misc]
        help_text = CONFIG_HELP.get(f.name)
        if help_text is None:
            raise ValueError(f"configuration key {f.name!r} has no description in docs/hooks/reference.py")
        out.append(f"| `{f.name}` | `{default}` | {help_text} |")
    sub = subtable_keys_in_code()
    out.append("\n### Keys of the sub-tables read by the code\n")
    rows = [(t, k) for t in sorted(sub) for k in sorted(sub[t])]
    if rows:
        out += ["| key | meaning |", "|---|---|"]
        for t, k in rows:
            out.append(f"| `{t}.{k}` | {SUBTABLE_HELP.get(f'{t}.{k}', '(undocumented: see the module that reads it)')} |")
    else:
        out.append("No part of this build reads keys from `[notifications]`, `[scheduler]` or `[web]` yet.")
    out += ["\n## Policy file (`policy.toml`)\n",
            "Every number of deadlines and escalation is policy. The shipped file is the reference example; an "
            "operator copies it, edits it and names the copy in `policy`. A mistake is refused at start with the "
            "file, the line and the reason.\n",
            "| key | default | meaning |", "|---|---|---|"]
    for key, (default, text) in POLICY_HELP.items():
        out.append(f"| `{key}` | {default} | {text} |")
    missing = sorted(k for k in policy_keys_in_code()
                     if not any(re.search(rf"(^|[.\s/(]){re.escape(k)}($|[.\s/)])", doc) for doc in POLICY_HELP))
    if missing:
        raise ValueError(f"policy keys without a description in docs/hooks/reference.py: {', '.join(missing)}")
    out.append("\n### The shipped policy\n")
    out.append("```toml\n" + (ROOT / "workflow" / "policy.toml").read_text(encoding="utf-8") + "```\n")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTTP API


def _merged_openapi(app) -> dict[str, Any]:
    """The app's OpenAPI document with the paths of every mounted sub-application (the API lives at /api/v1)."""
    doc = app.openapi()
    paths = dict(doc.get("paths", {}))
    for route in app.routes:
        sub = getattr(route, "app", None)
        if sub is not None and sub is not app and hasattr(sub, "openapi"):
            sub_doc = sub.openapi()
            prefix = getattr(route, "path", "").rstrip("/")
            paths.update({prefix + path: ops for path, ops in sub_doc.get("paths", {}).items()})
            if doc.get("info", {}).get("version") in (None, "0.1.0"):
                doc["info"] = sub_doc.get("info", doc.get("info", {}))
            for key, value in sub_doc.get("components", {}).items():
                doc.setdefault("components", {}).setdefault(key, {}).update(value)
    doc["paths"] = paths
    return doc


def openapi_document() -> dict[str, Any] | None:
    """The OpenAPI document of the web app, or None when ``web`` is not part of this build."""
    if importlib.util.find_spec("web") is None:
        return None
    try:
        app_module = importlib.import_module("disputeflow.web.app")
    except ImportError:
        return None
    import tempfile

    from disputeflow.workflow.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(f"sqlite:///{tmp}/openapi.db")
        try:
            engine.init()
            return _merged_openapi(app_module.create_app(engine))
        finally:
            engine.close()


def http_markdown(doc: dict[str, Any] | None = None, *, probe: bool = True) -> str:
    if doc is None and probe:
        doc = openapi_document()
    out = ["# HTTP API 参考 HTTP API reference\n"]
    if doc is None:
        out.append("The HTTP API is not part of this build: the `web` package (`disputeflow.web.app.create_app`) is not "
                   "installed. Embed the engine as a Python library instead (see the Python API reference); "
                   "when `web` is installed, this page lists its endpoints, generated from its OpenAPI document.\n")
        return "\n".join(out)
    info = doc.get("info", {})
    out.append(f"Generated from the OpenAPI document of `disputeflow.web.app.create_app` "
               f"({info.get('title', '')} {info.get('version', '')}).\n")
    for path, ops in sorted(doc.get("paths", {}).items()):
        for method, op in ops.items():
            if method.startswith("x-") or not isinstance(op, dict):
                continue
            out.append(f"## `{method.upper()} {path}`\n")
            if op.get("summary"):
                out.append(op["summary"] + "\n")
            if op.get("description"):
                out.append(op["description"].strip() + "\n")
            params = op.get("parameters", [])
            if params:
                out += ["| parameter | in | required | description |", "|---|---|---|---|"]
                for p in params:
                    out.append(f"| `{p.get('name')}` | {p.get('in')} | {p.get('required', False)} | "
                               f"{(p.get('description') or '').replace('|', '/')} |")
                out.append("")
            codes = ", ".join(f"`{c}`" for c in op.get("responses", {}))
            if codes:
                out.append(f"Responses: {codes}\n")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- public and internal modules


def all_modules() -> list[str]:
    """Every module of the distribution's packages present in this build (found on disk, not imported)."""
    names: list[str] = ["disputeflow"]
    for pkg in PACKAGES:
        base = ROOT / pkg
        if not (base / "__init__.py").is_file():
            continue
        name = "disputeflow." + pkg.removeprefix("disputeflow/")
        names.append(name)
        for info in pkgutil.walk_packages([str(base)], prefix=f"{name}."):
            if ".migrations" in info.name:
                continue
            names.append(info.name)
    return sorted(names)


def internal_modules() -> list[str]:
    from disputeflow import PUBLIC_MODULES

    return [m for m in all_modules() if m not in PUBLIC_MODULES]


def internal_markdown() -> str:
    from disputeflow import PUBLIC_MODULES

    out = ["# 公开与内部模块 Public and internal modules\n",
           "**The rule.** The public API is what `disputeflow` exports (`disputeflow.__all__`) and the documented names "
           "of the modules in `disputeflow.PUBLIC_MODULES`. It follows semantic versioning: a release that breaks "
           "it raises the major version (see the changelog). **Every other module is internal**: it may change "
           "or disappear in any release; embedding code must not import it. Database tables are internal too — "
           "read cases through the engine, not with SQL.\n",
           "## Public modules\n"]
    out += [f"- `{m}`" for m in PUBLIC_MODULES]
    out += ["\n## Internal modules\n", "Generated from the modules present in this build.\n"]
    out += [f"- `{m}` — internal" for m in internal_modules()]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- mkdocs entry points

def changelog_markdown() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


GENERATED = {
    "changelog.md": changelog_markdown,
    "reference/cli.md": cli_markdown,
    "reference/configuration.md": config_markdown,
    "reference/http.md": http_markdown,
    "reference/internal.md": internal_markdown,
}


def on_files(files, config):
    from mkdocs.structure.files import File

    for path, make in GENERATED.items():
        files.append(File.generated(config, path, content=make()))
    return files
