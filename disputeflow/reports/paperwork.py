"""The standard mediation papers (人民调解文书) printed from a case, as printable HTML or a Word document.

The papers and their items follow the Ministry of Justice's standard forms
(人民调解文书格式, issued with its 2010 notice on the forms and statistics of people's
mediation): the application, the acceptance register, the notice of rights and
duties, investigation and mediation records, the written agreement, the
oral-agreement register, the return-visit record and the case file (cover, index
of the standard items, back cover). :mod:`~disputeflow.reports.paper_facts` says
which committee a paper is in the name of and how it is numbered.

Paperwork names parties in full: it is signed by them. Only readers whose role
handles parties (mediator, lead official, supervisor) get unmasked details;
anyone else sees the masked form the case view gives them. The text the parties
sign never carries the audit log's notes or the grid the case was registered in.

HTML goes through the report templates (``<kind>.html.j2``, each extending
``paper.html.j2``), which an operator may override; the .docx is written from the
same blocks. PDF is not offered: with no browser on the server, an honest PDF of
Chinese text needs the fonts embedded, which the Word file leaves to the printer.
"""

from __future__ import annotations

from disputeflow.reports import paper_docx, paper_facts, paper_forms, paper_outcome_forms
from disputeflow.reports.render import render
from disputeflow.workflow.errors import ValidationError

FORMATS = ("html", "docx")
# kind: (zh name, en file label, builder)
PAPERS = {
    "application": ("人民调解申请书", "application", paper_forms.application),
    "acceptance": ("人民调解受理登记表", "acceptance-register", paper_forms.acceptance),
    "notice": ("当事人权利义务告知书", "rights-notice", paper_forms.notice),
    "investigation": ("人民调解调查记录", "investigation-record", paper_forms.investigation),
    "record": ("人民调解记录", "mediation-record", paper_forms.record),
    "agreement": ("人民调解协议书", "mediation-agreement", paper_outcome_forms.agreement),
    "oral": ("口头调解协议登记表", "oral-agreement-register", paper_outcome_forms.oral),
    "visit": ("人民调解回访记录", "return-visits", paper_outcome_forms.visit),
    "file": ("人民调解卷宗", "case-file", paper_outcome_forms.case_file),
}
ALIASES = {"index": "file"}  # the file index's earlier name
KINDS = (*PAPERS, *ALIASES)


def blocks_for(f: paper_facts.PaperFacts, kind: str, performance: str | None = None,
               performance_due: str | None = None) -> list[dict]:
    build = PAPERS[kind][2]
    if kind == "agreement":
        return build(f, performance or "", performance_due or "")
    return build(f)


def render_paper(engine, kind: str, who, lang: str, *, number: str | None = None, fmt: str = "html",
                 performance: str | None = None, performance_due: str | None = None,
                 **_ignored) -> tuple[str, bytes, str]:
    """One paper for case ``number`` as ``(filename, bytes, mimetype)``.

    Raises:
        ValidationError: no case number, an unknown format, or a paper the case has nothing for
            (an agreement for a case without one).
        NotFound, NotPermitted: as for reading the case.
    """
    kind = ALIASES.get(kind, kind)
    if not number:
        raise ValidationError.one("number", "请指明案件编号", "give the case number")
    if fmt not in FORMATS:
        raise ValidationError.one("format", f"文书的格式只能是 {'、'.join(FORMATS)}",
                                  f"paperwork comes as {', '.join(FORMATS)}")
    f = paper_facts.gather(engine, number, who, lang)
    blocks = blocks_for(f, kind, performance, performance_due)
    zh, en, _ = PAPERS[kind]
    title = en if f.en else zh
    stem = f"{number}-{title}"
    if fmt == "docx":
        return f"{stem}.docx", paper_docx.build(blocks, title), paper_docx.DOCX_MIME
    body = render(engine, f"{kind}.html.j2", lang, blocks=blocks, paper_title=title, paper_number=f.number,
                  case=f.case, data=f.case["data"], committee=f.committee.title(lang), paper_kind=kind)
    return f"{stem}.html", body.encode("utf-8"), "text/html; charset=utf-8"
