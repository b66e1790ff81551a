"""The papers of the outcome and after: the agreement, the oral-agreement register, the return visits, the case file.

Sources: 人民调解法 art. 28 (an oral agreement: the committee records its content),
art. 29 (what a written agreement states; it takes effect when the parties have
signed, sealed or thumb-printed it, the mediator has signed it and the committee's
seal is on it; one copy for each party and one for the committee), arts. 31 and 33
(binding; judicial confirmation within thirty days); 人民调解工作若干规定 art. 39
(the committee visits to see the agreement performed); the standard case file
(调解卷宗) of the Ministry of Justice's forms: cover, index of the standard items,
back cover.
"""

from __future__ import annotations

from disputeflow.reports import paper_blocks as b
from disputeflow.reports.paper_facts import PaperFacts, when
from disputeflow.workflow.errors import ValidationError

WRITTEN = ("agreement", "written_agreement")
ORAL = ("oral_agreement",)
PERFORMANCE = {"full": ("已全部履行", "fully performed"), "partial": ("部分履行", "partly performed"),
               "partly": ("部分履行", "partly performed"), "not_yet": ("尚未履行", "not yet performed"),
               "pending": ("尚未履行", "not yet performed"), "refused": ("拒绝履行", "refused")}
# The standard items of a people's mediation file, in binding order: (zh, en, required, how the case holds it).
FILE_ITEMS = [
    ("人民调解申请书或人民调解受理登记表", "Application or acceptance register", True, "always"),
    ("人民调解当事人权利义务告知书", "Notice of rights and duties", True, "notices"),
    ("当事人身份证明", "Parties' identity documents", True, "identity"),
    ("授权委托书", "Powers of attorney", False, None),
    ("人民调解调查记录", "Investigation records", False, "investigations"),
    ("人民调解证据材料", "Evidence", False, "attachments"),
    ("人民调解记录", "Mediation records", True, "sessions"),
    ("人民调解协议书或口头调解协议登记表", "Agreement or oral-agreement register", True, "agreement"),
    ("收条或汇款单等履行凭证", "Receipts and other evidence of performance", False, "performance"),
    ("人民调解回访记录", "Return-visit records", False, "follow_ups"),
    ("司法确认有关材料", "Judicial confirmation papers", False, "judicial_confirmation"),
    ("卷宗情况说明", "Notes on the file", False, None),
    ("封底", "Back cover", True, "always"),
]


def _agreed_at(f: PaperFacts) -> str:
    resolved = f.events("resolve")
    return when(resolved[-1]["at"], with_time=False) if resolved else ""


def _require(f: PaperFacts, outcomes: tuple[str, ...], zh: str, en: str) -> None:
    if f.case["data"].get("outcome") not in outcomes:
        n = f.case["number"]
        raise ValidationError.one("number", f"案件“{n}”尚未达成调解协议（{zh}），不能生成该文书",
                                  f"case {n} has no {en}")


def agreement(f: PaperFacts, performance: str = "", performance_due: str = "") -> list[dict]:
    """人民调解协议书 (art. 29)."""
    _require(f, WRITTEN, "书面调解协议", "written mediation agreement")
    t, data = f.t, f.case["data"]
    copies = len(f.case["parties"]) + 1
    out = [b.title(t("人民调解协议书", "People's mediation agreement")), b.number(f.number),
           b.h(t("一、当事人基本情况", "1. The parties")), b.parties_grid(f, f.case["parties"]),
           b.h(t("二、纠纷主要事实、争议事项及各方当事人责任", "2. The facts, what is in dispute, each party's part")),
           b.p(f.case.get("description") or ""),
           b.p(t("各方当事人责任：", "Each party's responsibility: ") + (data.get("responsibility") or "")),
           b.h(t("三、经调解，各方当事人自愿达成如下协议", "3. Terms agreed voluntarily through mediation"))]
    out += [b.p(x) for x in b.lines(data.get("agreement"))]
    out += [b.h(t("四、履行方式、时限", "4. How and by when the terms are performed")),
            b.p(t("履行方式：", "Manner of performance: ") + (performance or data.get("performance_manner") or "")),
            b.p(t("履行期限：", "Performed by: ") + (performance_due or data.get("performance_due") or "")),
            b.p(t(f"本协议书自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。本协议书一式{copies}份，"
                  "当事人各执一份，人民调解委员会留存一份。",
                  f"This agreement takes effect when every party has signed, sealed or thumb-printed it, the mediator "
                  f"has signed it and the committee's seal is affixed. It is made in {copies} copies: one for each "
                  "party and one kept by the committee.")),
            b.p(t("经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。当事人可以自调解协议生效之日起"
                  "三十日内共同向人民法院申请司法确认。",
                  "An agreement reached through a people's mediation committee is legally binding and the parties "
                  "shall perform it; within thirty days of its taking effect they may jointly apply to a people's "
                  "court for judicial confirmation.")),
            b.party_signatures(f, with_mediator=True, recorder=True),
            b.committee_seal(f, _agreed_at(f))]
    return out


def oral(f: PaperFacts) -> list[dict]:
    """人民调解口头协议登记表 (art. 28): the content of an oral agreement and the parties' confirmation."""
    _require(f, ORAL, "口头调解协议", "oral agreement")
    t, data = f.t, f.case["data"]
    return [b.title(t("人民调解口头协议登记表", "Register of an oral mediation agreement")), b.number(f.number),
            b.parties_grid(f, f.case["parties"]),
            b.grid([(t("纠纷名称", "Dispute"), f.case["title"]), (t("纠纷类型", "Category"), f.case["category_label"])],
                   [(t("达成协议时间", "Agreed on"), _agreed_at(f)),
                    (t("人民调解员", "Mediator"), f.name(f.case.get("mediator")))]),
            b.h(t("纠纷简要情况", "Summary of the dispute")), b.p(f.case.get("description") or ""),
            b.h(t("口头协议内容", "What was agreed orally"))] + [b.p(x) for x in b.lines(data.get("agreement"))] + [
            b.h(t("履行方式、时限", "How and by when performed")),
            b.p(data.get("performance_manner") or ""),
            b.h(t("当事人确认情况", "The parties' confirmation")),
            b.p(str(data.get("oral_confirmation") or "")),
            b.party_signatures(f, with_mediator=True, recorder=True),
            b.committee_seal(f, _agreed_at(f))]


def visit(f: PaperFacts) -> list[dict]:
    """人民调解回访记录: each visit's time, way, whether the agreement is performed, the parties' views, by whom."""
    t = f.t
    rows = []
    for i, v in enumerate(f.records.get("follow_ups") or [], start=1):
        perf = f.label("performance", v.get("performance"), PERFORMANCE)
        if v.get("performance_note"):
            perf = f"{perf}{t('：', ': ')}{v['performance_note']}" if perf else v["performance_note"]
        rows.append([str(i), when(v.get("at")), f.label("method", v.get("method")), perf,
                     f.label("satisfaction", v.get("satisfaction")), f.label("relapse", v.get("relapse_risk")),
                     str(v.get("note") or ""), f.name(v.get("by"))])
    if not rows:
        rows = [["", "", "", t("尚未回访", "no visit yet"), "", "", "", ""]]
    return [b.title(t("人民调解回访记录", "People's mediation return-visit record")), b.number(f.number),
            b.grid([(t("当事人", "Parties"), b.party_names(f))],
                   [(t("调解协议编号", "Agreement no."), f.number), (t("回访事由", "Matter"), f.case["title"])],
                   [(t("调解结果", "Outcome"), f.label("outcome", f.case["data"].get("outcome"))),
                    (t("达成协议时间", "Agreed on"), _agreed_at(f))]),
            b.table([t("次数", "No."), t("回访时间", "Time"), t("回访方式", "Method"),
                     t("协议履行情况", "Performance of the agreement"), t("满意度", "Satisfaction"),
                     t("反弹风险", "Relapse risk"), t("回访情况", "Notes"), t("回访人", "Visited by")], rows),
            b.sign(t("回访人（签名）：", "Visited by (signature): "), t("被回访人（签名）：", "Visited party (signature): "))]


def _held(f: PaperFacts, how: str | None) -> bool:
    data, recs = f.case["data"], f.records
    if how == "always":
        return True
    if how == "identity":
        return any(x.get("id_number") for x in f.case["parties"])
    if how == "agreement":
        return data.get("outcome") in WRITTEN + ORAL
    if how == "performance":
        return any(v.get("performance") in ("full", "partial", "partly") for v in recs.get("follow_ups") or [])
    if how == "judicial_confirmation":
        return bool(data.get("judicial_confirmation"))
    if how == "attachments":
        return bool(f.attachments)
    return bool(how and recs.get(how))


def case_file(f: PaperFacts) -> list[dict]:
    """调解卷宗: cover (卷名, 卷号, mediator, dates), the index of the standard items, the back cover."""
    t, c = f.t, f.case
    ended = c.get("closed_at") or (f.events("resolve")[-1]["at"] if f.events("resolve") else None)
    cover = [b.title(f.committee.title(f.lang)), b.title(t("人民调解卷宗", "People's mediation file")),
             b.grid([(t("卷名", "File"), c["title"])], [(t("卷号", "File no."), f.number)],
                    [(t("人民调解员", "Mediator"), f.name(c.get("mediator")))],
                    [(t("调解日期", "Mediated"), f"{when(c['reported_at'], False)} {t('至', 'to')} {when(ended, False)}")],
                    [(t("立卷人", "Filed by"), ""), (t("立卷日期", "Filed on"), "")],
                    [(t("保管期限", "Kept for"), ""), (t("备注", "Notes"), "")])]
    rows = [[str(i), t(zh, en), "", t("必须", "required") if required else t("按需", "as needed"),
             t("有", "on file") if _held(f, how) else ""]
            for i, (zh, en, required, how) in enumerate(FILE_ITEMS, start=1)]
    index = [b.title(t("卷内目录", "Index")), b.number(f.number),
             b.table([t("序号", "No."), t("文书名称", "Document"), t("页号", "Page"), t("备注", "Notes"),
                      t("系统中有记录", "Recorded here")], rows)]
    if f.attachments:
        index += [b.h(t("证据材料及附件清单", "Evidence and attachments")),
                  b.table([t("序号", "No."), t("名称", "Name"), t("类型", "Type"), t("上传人", "Uploaded by"),
                           t("上传日期", "Uploaded on")],
                          [[str(i), name, _kind(kind, t), by, when(at.isoformat() if at else None, False)]
                           for i, (_id, name, kind, _size, at, by) in enumerate(f.attachments, start=1)])]
    back = [b.title(t("卷内备考表", "Back cover")), b.number(f.number),
            b.p(t("本卷共　　件，　　页。", "This file holds ___ documents on ___ pages.")),
            b.p(t("卷宗情况说明：", "Notes on the file: ")),
            b.sign(t("立卷人（签名）：", "Filed by (signature): "), t("检查人（签名）：", "Checked by (signature): "),
                   t(*b.DATE_BLANK))]
    return cover + [b.page_break()] + index + [b.page_break()] + back


def _kind(content_type: str, t) -> str:
    if content_type.startswith("image/"):
        return t("照片", "photo")
    if content_type == "application/pdf":
        return t("PDF 扫描件", "PDF scan")
    return t("文档", "document")
