"""The papers before the outcome: application, acceptance register, rights notice, investigation and
mediation records — their items as the Ministry of Justice's standard forms (人民调解文书格式, 2010) give them.

Sources: 人民调解法 arts. 17 (a party applies, or the committee mediates of its own
motion unless a party refuses), 23–24 (the parties' rights and duties), 22 and 29–30
(facts established, records kept); 人民调解工作若干规定 (2002) art. 30 (the parties are
told, orally or in writing, the nature, principles and effect of people's mediation and
their rights and duties before mediation) and art. 35 (a record of the mediation,
signed by the mediator and the parties).

Records the procedure keeps in the case's ``data`` (``notices``, ``investigations``,
``sessions``, and the intake's ``initiation`` and ``request``) are read if present;
a paper whose record is absent prints its form with blanks to fill in by hand. No
paper prints the audit notes or the grid a case was registered in.
"""

from __future__ import annotations

from disputeflow.reports import paper_blocks as b
from disputeflow.reports.paper_facts import PaperFacts, when

INITIATION = {"application": ("当事人申请", "a party's application"),
              "initiative": ("人民调解委员会主动调解", "the committee's own initiative")}


def _text(value) -> str:
    """A record value as one text: a list joined, a mapping as ``key：value`` lines."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{k}：{_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    return str(value)


def _accepted_at(f: PaperFacts) -> str:
    for action in ("consent", "mediate"):
        events = f.events(action)
        if events:
            return when(events[0]["at"], with_time=False)
    return when(f.case["reported_at"], with_time=False)


def application(f: PaperFacts) -> list[dict]:
    """人民调解申请书: who applies against whom, what happened, what is asked; signed by the applicant."""
    t, data = f.t, f.case["data"]
    applicants = [x for x in f.case["parties"] if (x.get("role") or "applicant") == "applicant"]
    others = [x for x in f.case["parties"] if (x.get("role") or "applicant") != "applicant"]
    requests = b.lines(_text(data.get("request"))) or ["", ""]
    out = [b.title(t("人民调解申请书", "Application for people's mediation")), b.number(f.number),
           b.parties_grid(f, applicants + others),
           b.h(t("纠纷简要情况", "Summary of the dispute")), b.p(f.case.get("description") or ""),
           b.h(t("申请事项", "What is asked"))]
    out += [b.p(f"{i}、{r}") for i, r in enumerate(requests, start=1)]
    out += [b.p(t(f"{f.committee.title(f.lang)}已将申请人民调解的有关规定告知我，现自愿申请人民调解委员会进行调解。",
                  f"The {f.committee.title(f.lang)} has told me the rules of applying for people's mediation; "
                  "I apply for mediation of my own free will.")),
            b.sign(t("申请人（签名、盖章或按指印）：", "Applicant (signature, seal or thumbprint): "), t(*b.DATE_BLANK))]
    return out


def acceptance(f: PaperFacts) -> list[dict]:
    """人民调解受理登记表: the committee records, with the parties' consent, that it mediates their dispute."""
    t, data = f.t, f.case["data"]
    how = data.get("initiation")
    marks = [("☑" if how == key else "☐") + f.t(*words) for key, words in INITIATION.items()]
    sentence = t(f"{_accepted_at(f)}，本人民调解委员会经当事人同意，调解{b.party_names(f)}之间的纠纷。",
                 f"On {_accepted_at(f)} this committee, with the parties' consent, took up the dispute between "
                 f"{b.party_names(f)}.")
    return [b.title(t("人民调解受理登记表", "People's mediation acceptance register")), b.number(f.number),
            b.p(sentence),
            b.grid([(t("纠纷名称", "Dispute"), f.case["title"]), (t("纠纷类型", "Category"), f.case["category_label"])],
                   [(t("案件来源", "How it began"), "　".join(marks))],
                   [(t("人民调解员", "Mediator"), f.name(f.case.get("mediator"))),
                    (t("登记人", "Registered by"), f.name(f.case.get("mediator")) or f.name(f.case.get("reporter")))]),
            b.parties_grid(f, f.case["parties"]),
            b.h(t("纠纷简要情况", "Summary of the dispute")), b.p(f.case.get("description") or ""),
            b.sign(t("当事人（签名）：", "Parties (signature): "), t("登记人（签名）：", "Registered by (signature): ")),
            b.committee_seal(f, _accepted_at(f)),
            b.p(t("备注：此表由人民调解委员会填写。", "Note: filled in by the mediation committee."))]


RIGHTS = [
    ("选择或者接受人民调解员；", "to choose or accept a mediator;"),
    ("接受调解、拒绝调解或者要求终止调解；", "to accept or refuse mediation, or ask for it to end;"),
    ("要求调解公开进行或者不公开进行；", "to ask for mediation in public or in private;"),
    ("自主表达意愿，自愿达成调解协议。", "to speak their own mind and reach an agreement only of their own free will."),
]
DUTIES = [
    ("如实陈述纠纷事实；", "to state the facts of the dispute truthfully;"),
    ("遵守调解现场秩序，尊重人民调解员；", "to keep order at the mediation and respect the mediator;"),
    ("尊重对方当事人行使权利。", "to respect the other party's exercise of their rights."),
]


def notice(f: PaperFacts) -> list[dict]:
    """当事人权利义务告知书 (人民调解法 arts. 23–24; 若干规定 art. 30), with when it was given if recorded."""
    t = f.t
    given = f.records.get("notices") or []
    out = [b.title(t("人民调解当事人权利义务告知书", "Notice of the parties' rights and duties in people's mediation")),
           b.number(f.number),
           b.p(t(f"{b.party_names(f)}：", f"To {b.party_names(f)}:")),
           b.p(t("根据《中华人民共和国人民调解法》的规定，现将人民调解的性质、原则和效力，以及当事人在调解活动中"
                 "享有的权利和承担的义务告知如下：",
                 "Under the People's Mediation Law you are told the nature, principles and effect of people's "
                 "mediation, and your rights and duties in it:")),
           b.p(t("一、人民调解委员会是依法设立的调解民间纠纷的群众性组织。人民调解遵循当事人自愿、平等的原则，"
                 "不违背法律、法规和国家政策，尊重当事人的权利，不因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。"
                 "人民调解不收取任何费用。",
                 "1. The committee is a mass organisation set up by law to mediate civil disputes. Mediation is "
                 "voluntary and equal, lawful, respects your rights and never stops you from arbitration, "
                 "administrative or judicial routes. It is free of charge.")),
           b.p(t("二、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行；当事人可以自调解协议生效之日起"
                 "三十日内共同向人民法院申请司法确认。",
                 "2. An agreement reached through the committee is legally binding and shall be performed; within "
                 "thirty days of its taking effect the parties may jointly apply to a court for judicial confirmation.")),
           b.h(t("三、当事人享有下列权利：", "3. The parties have the right:"))]
    out += [b.p(f"（{i}）{t(*r)}") for i, r in enumerate(RIGHTS, start=1)]
    out.append(b.h(t("四、当事人应当履行下列义务：", "4. The parties have the duty:")))
    out += [b.p(f"（{i}）{t(*d)}") for i, d in enumerate(DUTIES, start=1)]
    if given:
        last = given[-1]
        out.append(b.p(t(f"告知时间：{when(last.get('at'))}　告知人：{f.name(last.get('by'))}",
                         f"Told on {when(last.get('at'))} by {f.name(last.get('by'))}")))
    out += [b.p(t("以上内容我已知悉。", "I have read and understood the above.")),
            b.party_signatures(f, with_mediator=True), b.committee_seal(f)]
    return out


def investigation(f: PaperFacts) -> list[dict]:
    """人民调解调查记录: one form per investigation recorded (time, place, participants, what was found)."""
    t = f.t
    visits = f.records.get("investigations") or [{}]
    out: list[dict] = []
    for i, rec in enumerate(visits):
        if i:
            out.append(b.page_break())
        out += [b.title(t("人民调解调查记录", "People's mediation investigation record")), b.number(f.number),
                b.grid([(t("时间", "Time"), when(rec.get("at"))), (t("地点", "Place"), _text(rec.get("place")))],
                       [(t("参加人", "Present"), _text(rec.get("participants")))],
                       [(t("调查人", "Investigated by"), f.name(rec.get("by"))),
                        (t("纠纷名称", "Dispute"), f.case["title"])]),
                b.h(t("调查情况", "Findings"))]
        out += [b.p(x) for x in b.lines(_text(rec.get("content")))] or [b.p("")]
        out.append(b.sign(t("被调查人（签名）：", "Person heard (signature): "),
                          t("调查人（签名）：", "Investigator (signature): "), t("记录人（签名）：", "Recorded by (signature): ")))
    return out


def record(f: PaperFacts) -> list[dict]:
    """人民调解记录: one per session (time, place, parties, participants, statements, proposal, result)."""
    t = f.t
    sessions = f.records.get("sessions") or [_session_from_outcome(f)]
    told = bool(f.records.get("notices"))
    out: list[dict] = []
    for i, s in enumerate(sessions):
        if i:
            out.append(b.page_break())
        out += [b.title(t("人民调解记录", "People's mediation record")), b.number(f.number),
                b.grid([(t("时间", "Time"), when(s.get("at"))), (t("地点", "Place"), _text(s.get("place")))],
                       [(t("事由", "Matter"), f"{f.case['title']}（{f.case['category_label']}）")],
                       [(t("当事人", "Parties"), b.party_names(f))],
                       [(t("参加人", "Others present"), _text(s.get("participants")))],
                       [(t("人民调解员", "Mediator"), f.name(s.get("by")) or f.name(f.case.get("mediator")))])]
        if told:
            out.append(b.p(t("人民调解员已告知当事人人民调解的性质、原则和效力及当事人的权利义务。",
                             "The mediator told the parties the nature, principles and effect of people's mediation "
                             "and their rights and duties.")))
        for head, key in ((t("当事人陈述", "What the parties said"), "statements"),
                          (t("调解意见或方案", "The mediator's proposal"), "proposal"),
                          (t("调解结果", "Result"), "result")):
            out.append(b.h(head))
            out += [b.p(x) for x in b.lines(_text(s.get(key)))] or [b.p("")]
        out.append(b.party_signatures(f, with_mediator=True, recorder=True))
    return out


def _session_from_outcome(f: PaperFacts) -> dict:
    """With no session recorded, the one record the case's outcome gives (its time, mediator and result)."""
    data = f.case["data"]
    resolved = f.events("resolve")
    began = f.events("mediate")
    result = f.label("outcome", data.get("outcome")) if data.get("outcome") else ""
    if data.get("agreement"):
        result += f.t("：", ": ") + data["agreement"]
    if data.get("legal_channel"):
        result += f.t("（告知通过", " (told to use ") + f.label("legal_channel", data["legal_channel"]) + f.t("途径解决）", ")")
    src = resolved[-1] if resolved else (began[-1] if began else {})
    return {"at": src.get("at"), "by": src.get("actor"), "result": result}
