"""The canonical text of a policy, hashed into its revision (a clock stores it to notice a changed policy)."""

from __future__ import annotations

import json

from disputeflow.workflow.policy_hours import QuietHours, Window, WorkingHours
from disputeflow.workflow.policy_terms import AutoListing, Duration


def canonical(policy) -> str:
    """The policy's content as sorted JSON; every key added after the first release appears only when set, so
    that adding it left existing revisions unchanged."""
    def dur(d: Duration | None):
        return None if d is None else [d.amount, d.unit]

    clocks = {name: {"default": dur(c.default), "risk": {k: dur(v) for k, v in c.by_risk.items()},
                     "categories": {k: {r: dur(d) for r, d in v.items()} for k, v in c.by_category.items()},
                     "extension_cap": dur(c.extension_cap), "count_from": c.count_from,
                     # only when used, so that adding the key left existing revisions unchanged
                     **({"tiers": {k: dur(v) for k, v in c.by_tier.items()}} if c.by_tier else {}),
                     **({"outlives_case": True} if c.outlives_case else {}),
                     **({"ladder_time": c.ladder_time} if c.ladder_time else {}),
                     **({"rungs": list(c.rungs)} if c.rungs is not None else {})}
              for name, c in policy.clocks.items()}
    ladder = [[s.name, s.kind, s.value, list(s.recipients), s.list_for_supervision, s.label_zh, s.label_en]
              for s in policy.ladder]
    ext_from = [policy.extension_cap_from] if policy.extension_cap_from != "later" else []  # as for auto_listing
    return json.dumps({"clocks": clocks, "ladder": ladder, "count_from": policy.count_from,
                       "ext": [policy.max_extensions_per_clock, dur(policy.extension_hard_cap)] + ext_from,
                       "tier": [dur(policy.tier_upgrade_after), list(policy.tier_upgrade_recipients)],
                       "talk": [policy.unit_talk_level3_per_month, list(policy.unit_talk_recipients)],
                       "key_persons": [[[d.name, d.label_zh, d.label_en, list(d.satisfied_by),
                                         {k: [v.every, v.unit] for k, v in d.by_risk.items()}]
                                        for d in policy.key_persons.duties.values()],
                                       list(policy.key_persons.alarm_recipients)],
                       # only when changed, so that adding the section left existing revisions unchanged
                       **({"auto_listing": policy.auto_listing.canonical()}
                          if policy.auto_listing != AutoListing() else {}),
                       # only when changed, as for auto_listing
                       **({"handover": list(policy.handover_restart)} if policy.handover_restart != ("resolve",)
                          else {}),
                       # the hours change when steps fire; only when set, as for auto_listing
                       **({"hours": _hours_canonical(policy)} if (policy.working_hours, policy.quiet_hours)
                          != (WorkingHours(), QuietHours()) else {})},
                      sort_keys=True, ensure_ascii=False)


def _hours_canonical(p: Policy) -> list:
    def win(w: Window | None):
        return None if w is None else [w.start.isoformat(), w.end.isoformat()]

    q = p.quiet_hours
    return [p.working_hours.start.isoformat(), p.working_hours.end.isoformat(), win(q.default),
            {k: win(v) for k, v in sorted(q.by_risk.items())}]
