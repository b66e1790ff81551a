"""Driving the demo's sample cases through the engine, and the steps they are written with.

A scenario is ``(village, category, title, source, flags, parties, days ago, steps)``;
a step is ``(action, actor, data, hours after the previous step)``. The actor
"M" stands for the village's mediator, "G" for the reporting grid officer, "S"
for the town's supervisor; a value "*" for all the case's parties, "#2" for the
second one, "@office" for the office the case's category routes to. Mediation
is preceded by each party's consent and 告知 (人民调解法 arts. 17, 23–24), as
the workflow requires. Every step is an ordinary ``engine.act`` at a clock set
back in time, so histories, deadlines and escalations are the engine's own.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Iterable, NamedTuple

from disputeflow.demo import offices as demo_offices
from disputeflow.demo.common import LOCAL, name, officer, phone


class Place(NamedTuple):
    """What the driver needs to know of a town."""
    supervisor: str
    mediators: dict[str, str]  # village id → its mediator's user id
    grids: int  # grids per village
    officers: int  # grid officers per grid
    offices: tuple[demo_offices.Office, ...]


def assess(risk: str, office: str = "@office") -> tuple:
    return ("assess", "M", {"risk": risk, "responsible_unit": office}, 20)


MEDIATE = ("mediate", "M", {}, 4)
SESSION = ("session", "M", {"place": "村调委会调解室", "participants": "*", "statements": "双方各自陈述事实和诉求。",
                            "proposal": "依法依情提出调解方案，双方各让一步。", "result": "双方同意方案"}, 48)
AGREE = [SESSION, ("resolve", "M", {"outcome": "written_agreement", "agreement": "双方自愿达成协议，按约定期限履行。"}, 24)]
VISIT = ("follow_up", "G", {"method": "visit", "satisfaction": "satisfied", "relapse_risk": "low",
                            "performance": "full"}, 120)
PARTLY = ("follow_up", "G", {"method": "phone", "satisfaction": "basically_satisfied", "relapse_risk": "low",
                             "performance": "partly", "performance_note": "首期款已付，余款约定下月付清"}, 120)
CONFIRM = ("apply_confirmation", "M", {"court": "县人民法院"}, 24)
CLOSE = ("close", "S", {}, 48)


def high_prep(lead: str) -> list[tuple]:
    """A lead official, control and the plan (五个一) for a high-risk case."""
    return [("assign_lead", "S", {"official": lead}, 2),
            ("control", "M", {"measures": "落实网格员每日走访，派出所民警联系双方，防止矛盾激化。"}, 6),
            ("plan", "M", {"team": "包案领导、司法所、派出所、村调委会组成工作专班",
                           "plan": "分头做双方工作，核实事实，依法提出调解方案。"}, 4)]


def run(engine, rng: random.Random, now: datetime, place: Place, scenarios: Iterable[tuple]) -> dict[str, str]:
    """Report and drive each scenario, in order (numbers follow it). Returns title → case number."""
    clock = engine.clock
    numbers = {}
    for vid, category, title, source, flags, n_parties, days_ago, steps in scenarios:
        grid = rng.randint(1, place.grids)
        reporter = officer(vid, grid, rng.randint(1, place.officers))
        local_day = (now - timedelta(days=days_ago)).astimezone(LOCAL).replace(
            hour=rng.randint(8, 11), minute=rng.choice((0, 10, 20, 30, 40, 50)), second=0, microsecond=0)
        clock.set(min(local_day.astimezone(timezone.utc), now))  # a case of today is never reported after now
        parties = []
        for i in range(n_parties):
            role = "applicant" if i == 0 else ("respondent" if i == 1 else "other")
            parties.append({"name": name(rng), "role": role, "phone": phone(rng)})
        applied = source in ("visit", "hotline", "petition")
        out = engine.report(reporter, title=title, category=category, unit=f"{vid}-g{grid:02d}", parties=parties,
                            source=source, flags=flags, description=f"{title}，{n_parties}方当事人，网格员排查发现后登记。",
                            initiation="application" if applied else "initiative",
                            request=f"请求调解{title}" if applied else "")
        numbers[title] = out.number
        engine.act(out.number, "assign", place.supervisor, mediator=place.mediators[vid])
        names = [p["name"] for p in parties]
        office = demo_offices.route(place.offices, category, police=source == "police" or "violence" in flags)
        for action, actor, data, hours in _with_consent(steps, names):
            clock.advance(hours=hours)
            if clock.now() > now:
                break
            who = {"M": place.mediators[vid], "G": reporter, "S": place.supervisor}.get(actor, actor)
            engine.act(out.number, action, who, **_named(data, names, office))
    return numbers


def _with_consent(steps: list[tuple], names: list[str]) -> list[tuple]:
    """The steps, each party's consent and 告知 recorded before the first mediation."""
    out: list[tuple] = []
    for step in steps:
        if step[0] == "mediate" and not any(s[0] == "inform" for s in out):
            out += [("consent", "M", {"party": n, "agrees": "yes"}, 1) for n in names]
            out.append(("inform", "M", {"informed_parties": "*", "method": "written"}, 1))
        out.append(step)
    return out


def _named(data: dict, names: list[str], office: str) -> dict:
    """``data`` with "*" (all parties), "#n" (the n-th party) and "@office" replaced."""
    def one(v):
        if v == "*":
            return "、".join(names)
        if v == "@office":
            return office
        if isinstance(v, str) and v.startswith("#") and v[1:].isdigit():
            return names[int(v[1:]) - 1]
        return v
    return {k: one(v) for k, v in data.items()}
