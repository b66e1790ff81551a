"""``report_file``: which report, for whom, in which format — the one entry for the facade, CLI and web.

Kinds and formats:

========== ======================= ==========================================
kind       formats                 parameters
========== ======================= ==========================================
ledger     csv, xlsx, html, json   month (or year / start+end), unit
stats      html, xlsx, csv, json   month, year or start+end; unit
month      xlsx, json              month (or year / start+end), unit: the statistics as the monthly
                                   statistics form (人民调解工作统计表) forwarded upward
nil        html, json              month (or year / start+end), unit
offices    html, csv, json         month, year or start+end; unit (交办办理情况, by receiving office)
agenda     html, md, json          date, since (default: seven days earlier), unit
agreement  html, docx              number; performance, performance_due
(papers)   html, docx              number: application, acceptance, notice, investigation,
                                   record, oral, visit, file (index: the file's earlier name)
========== ======================= ==========================================

Reports on a jurisdiction need a role that oversees cases (mediator, lead
official, supervisor, administrator); the unit defaults to the reader's own and
must lie inside it. Case paperwork follows the case's own read rule.
"""

from __future__ import annotations

import json

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.errors import NotPermitted, ValidationError
from disputeflow.workflow.masking import mask_text
from disputeflow.reports import collect, formats, period as period_mod, snapshot

REPORT_ROLES = frozenset({"mediator", "lead_official", "supervisor", "admin", "system"})
JURISDICTION_KINDS = {"ledger": ("csv", "xlsx", "html", "json"), "stats": ("html", "xlsx", "csv", "json"),
                      "month": ("xlsx", "json"),
                      "nil": ("html", "json"), "agenda": ("html", "md", "json"), "offices": ("html", "csv", "json")}
# The mediation papers (disputeflow.reports.paperwork.KINDS), each as html or docx.
PAPER_KINDS = ("application", "acceptance", "notice", "investigation", "record", "agreement", "oral", "visit", "file",
               "index")
MIME = {"csv": "text/csv; charset=utf-8", "xlsx": formats.XLSX_MIME, "html": "text/html; charset=utf-8",
        "json": "application/json", "md": "text/markdown; charset=utf-8"}


def _actor(engine, actor) -> Actor:
    who = engine.resolve_actor(actor)
    if who is None:
        raise NotPermitted("须指明操作人", "an actor is required")
    return who


def jurisdiction(engine, who: Actor, unit: str | None) -> str:
    """The unit the report covers: the one asked for (inside the reader's jurisdiction) or the reader's own.

    Raises:
        NotPermitted: the role may not produce reports, or the unit is outside the reader's jurisdiction.
        NotFound: the unit does not exist.
    """
    from disputeflow.reports.units import Units

    if who.role not in REPORT_ROLES:
        raise NotPermitted(f"角色“{engine.role_label(who.role)}”不能生成报表", f"role {who.role} may not produce reports")
    units = Units.load(engine)
    if unit is None:
        if who.unit_id:
            return who.unit_id
        roots = [u.id for u in units.by_id.values() if u.parent is None]
        if len(roots) != 1:
            raise ValidationError.one("unit", "请指明单位", "say which unit")
        return roots[0]
    u = units.get(unit)
    if not who.within(u.path) or (who.role not in ("admin", "system") and not who.covers(u.path)):
        raise NotPermitted(f"“{u.name}”不在您的管辖范围内", f"{unit} is outside your jurisdiction")
    return unit


def dataset(engine, kind: str, who: Actor, params: dict) -> dict:
    """The JSON dataset of a jurisdiction report (frozen once its period has ended)."""
    unit = jurisdiction(engine, who, params.get("unit"))
    if kind == "agenda":
        from disputeflow.reports import agenda

        return mask_text(agenda.build(engine, unit, params.get("date"), params.get("since")), None)
    period = period_mod.from_params(params)
    if kind == "nil":  # read fresh each time: a report filed late changes the paper (no frozen copy)
        doc = collect.nil_report(engine, unit, period)
        if not doc["nil"]:
            raise ValidationError.one("unit", *_not_nil(doc, period))
        return doc
    kind = "stats" if kind == "month" else kind  # the monthly form is the statistics dataset, laid out upward
    doc = snapshot.get_or_build(engine, kind, unit, period, who.id, _builder(engine, kind, unit, period))
    return _masked_rows(doc)


def _builder(engine, kind: str, unit: str, period):
    """What builds the dataset of a ledger, statistics or work orders by office."""
    if kind == "offices":
        return lambda: collect.offices_report(engine, unit, period)
    return lambda: collect.build(engine, unit, period, ledger=kind == "ledger")


def _not_nil(doc: dict, period) -> tuple[str, str]:
    """Why the unit cannot print a nil report for the period, in both languages."""
    name, zh, en = doc["unit"]["name"], period.label(), period.label("en")
    if doc["total"]:
        return (f"{name}在{zh}排查发现 {doc['total']} 起纠纷，不能报零报告",
                f"{name}'s screening found {doc['total']} disputes in {en}: no nil report")
    if doc["unfiled"]:
        return (f"{'、'.join(doc['unfiled'])}在{zh}未报送排查报告，不能报零报告",
                f"{', '.join(doc['unfiled'])} filed no screening report in {en}: no nil report")
    return (f"{name}在{zh}没有已报送的排查报告，不能报零报告", f"{name} filed no screening report in {en}: no nil report")


def report_data(engine, kind: str, *, actor=None, **params) -> dict:
    """The dataset of a jurisdiction report for ``actor`` (see :func:`dataset`)."""
    return dataset(engine, kind, _actor(engine, actor), params)


def _masked_rows(doc: dict) -> dict:
    """A ledger with numbers masked in its typed text (titles, supervising authority) for every reader.

    Ledgers travel upward and party names in them are masked whoever reads them, so
    the free text follows the masked readers' rule (applied here, after the frozen
    copy, so reports frozen earlier are served masked too).
    """
    if not doc.get("rows"):
        return doc
    return {**doc, "rows": [{**r, "title": mask_text(r["title"], None),
                             "supervision": mask_text(r["supervision"], None)} for r in doc["rows"]]}


def report_file(engine, kind: str, *, fmt: str | None = None, actor=None, lang: str | None = None,
                **params) -> tuple[str, bytes, str]:
    """Produce one report as ``(filename, bytes, mimetype)``.

    Raises:
        ValidationError: unknown kind or format, or bad parameters (each named).
        NotPermitted, NotFound: as for the case or jurisdiction asked for.
    """
    lang = lang or engine.lang
    who = _actor(engine, actor)
    if kind in PAPER_KINDS:
        from disputeflow.reports import paperwork

        return paperwork.render_paper(engine, kind, who, lang, fmt=fmt or "html", **params)
    if kind not in JURISDICTION_KINDS:
        raise ValidationError.one("kind", f"报表类型“{kind}”无效（可选：{'、'.join([*JURISDICTION_KINDS, *PAPER_KINDS])}）",
                                  f"unknown report kind {kind!r} (one of {', '.join([*JURISDICTION_KINDS, *PAPER_KINDS])})")
    allowed = JURISDICTION_KINDS[kind]
    fmt = fmt or allowed[0]
    if fmt not in allowed:
        raise ValidationError.one("format", f"{kind} 报表的格式只能是 {'、'.join(allowed)}",
                                  f"format for {kind} must be one of {', '.join(allowed)}")
    doc = dataset(engine, kind, who, params)
    stem = _stem(kind, doc, lang)
    if fmt == "json":
        body = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    elif kind == "agenda":
        from disputeflow.reports import agenda

        body = agenda.render_agenda(engine, doc, lang, fmt)
    else:
        body = getattr(formats, f"{kind}_{fmt}")(engine, doc, lang)
    return f"{stem}.{fmt}", body, MIME[fmt]


def _stem(kind: str, doc: dict, lang: str) -> str:
    names = {"ledger": ("台账", "ledger"), "stats": ("统计", "statistics"), "nil": ("零报告", "nil-report"),
             "month": ("人民调解工作统计表", "mediation-statistics"),
             "agenda": ("研判会议程", "review-agenda"), "offices": ("交办办理情况", "work-orders-by-office")}[kind]
    label = names[1] if lang.startswith("en") else names[0]
    if kind == "agenda":
        return f"{doc['unit']['id']}-{label}-{doc['date']}"
    p = doc["period"]
    when = p["first"][:7] if p["is_month"] else f"{p['first']}_{p['last']}"
    return f"{doc['unit']['id']}-{label}-{when}"


def verify_snapshot(engine, kind: str, actor, **params) -> dict:
    """Recompute a frozen report from the audit log and compare it with what was frozen."""
    who = _actor(engine, actor)
    unit = jurisdiction(engine, who, params.get("unit"))
    period = period_mod.from_params(params)
    if kind == "nil":
        return snapshot.verify(engine, kind, unit, period, lambda: collect.nil_report(engine, unit, period))
    return snapshot.verify(engine, kind, unit, period, _builder(engine, kind, unit, period))
