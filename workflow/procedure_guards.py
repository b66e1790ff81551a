"""Guards and conditions of the mediation procedure the People's Mediation Law lays down.

人民调解法 (2010) arts. 17, 26, 28, 31 and 33: a party who refuses cannot be
mediated; an oral agreement is recorded with the parties' confirmation; a failed
mediation ends with the legal routes given; an agreement is followed until it
is performed; a written agreement may be confirmed by a court. The outcome
values are the ``outcome`` vocabulary of the grassroots definition; ``agreement``
is the value cases stored before written and oral agreements were told apart,
and counts as a written agreement.
"""

from __future__ import annotations

from typing import Any, Mapping

from disputeflow.workflow.guards import CaseView, Refusal, register_condition, register_guard
from disputeflow.workflow.outcomes import AGREED, WRITTEN


def _blank(value: Any) -> bool:
    return not str(value or "").strip()


@register_guard("no_party_refused")
def no_party_refused(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Art. 17: 当事人一方明确拒绝调解的，不得调解 — a party's latest answer counts (one may change their mind)."""
    latest: dict[str, str] = {}
    for c in case.data.get("consents") or ():
        latest[str(c.get("party") or "").strip()] = str(c.get("agrees") or "")
    refused = [p for p, a in latest.items() if a == "no"]
    if refused:
        who = "、".join(p or "一方当事人" for p in refused)
        return Refusal("consents", f"{who}明确拒绝调解，不得调解（人民调解法第十七条）；可办理“拒绝调解结案”",
                       f"{', '.join(p or 'a party' for p in refused)} refused mediation, which then may not go ahead "
                       "(People's Mediation Law art. 17); close the case as declined")
    return None


@register_guard("agreement_if_agreed")
def agreement_if_agreed(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Arts. 28–29: an agreement, written or oral, has its content on record."""
    if data.get("outcome") in AGREED and _blank(data.get("agreement")):
        return Refusal("agreement", "达成协议时须填写协议内容", "an agreed outcome needs the agreement text")
    return None


@register_guard("confirmation_if_oral")
def confirmation_if_oral(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Art. 28: 采取口头协议方式的，人民调解员应当记录协议内容 — and the parties' confirmation of it."""
    if data.get("outcome") == "oral_agreement" and _blank(data.get("oral_confirmation")):
        return Refusal("oral_confirmation", "口头协议须记录当事人对协议内容的确认（人民调解法第二十八条）",
                       "an oral agreement needs the parties' confirmation recorded (People's Mediation Law art. 28)")
    return None


@register_guard("legal_channel_if_no_agreement")
def legal_channel_if_no_agreement(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Art. 26: 调解不成的，应当终止调解，并告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利."""
    if data.get("outcome") == "no_agreement" and not data.get("legal_channel"):
        return Refusal("legal_channel", "调解不成终止调解时，须填写告知当事人的法律途径（人民调解法第二十六条）",
                       "a failed mediation ends with the legal route the parties were told of (art. 26)")
    return None


@register_guard("agreement_reached")
def agreement_reached(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Art. 33: only an agreement reached in mediation can be put to a court for confirmation."""
    if case.data.get("outcome") not in AGREED:
        return Refusal("outcome", "本案未达成调解协议，不能申请司法确认", "no agreement was reached; nothing to confirm")
    return None


@register_guard("performed_or_reason")
def performed_or_reason(case: CaseView, data: Mapping[str, Any]) -> Refusal | None:
    """Art. 31: the committee sees the agreement performed; sign-off without full performance needs a stated reason.

    Cases without an agreement (调解不成) have nothing to perform. A refusal names
    ``close_reason``, a field of the closing action, so the form stays open for it.
    """
    if case.data.get("outcome") not in AGREED or not _blank(data.get("close_reason")):
        return None
    visits = case.data.get("follow_ups") or []
    if visits and visits[-1].get("performance") == "full":
        return None
    return Refusal("close_reason", "最近一次回访未记录协议已全部履行；须全部履行，或由督办人员填写销号理由",
                   "the latest follow-up does not record the agreement fully performed; "
                   "a supervisor must give the reason for closing")


@register_condition("written_agreement")
def written_agreement(case: CaseView, data: Mapping[str, Any]) -> bool:
    """The outcome is a written agreement: its 30-day window for judicial confirmation opens (art. 33)."""
    return data.get("outcome") in WRITTEN
