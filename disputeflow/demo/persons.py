"""Key persons for the demo town: a few people under control, with a week of visits, some missed.

Called by :func:`disputeflow.demo.town.load` with the engine's clock fixed, so the
register, the officers' "due today" lists, the board and the control rate
have something true to show.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from disputeflow.workflow.timeutil import at_local, local_date

LEADS = ("ld-zhao", "ld-sun", "ld-zhou")
PEOPLE = (  # name, risk, reasons, share of days visited
    ("马德海", "critical", {"threat": "扬言“讨不回钱就同归于尽”", "prior_incidents": "曾堵门闹事"}, 1.0),
    ("郭春梅", "high", {"mental_state": "情绪低落，多次哭诉", "note": "独居，子女在外务工"}, 1.0),
    ("冯建军", "high", {"threat": "与对方多次口角推搡"}, 0.7),
)


def load(engine, rng: random.Random, now: datetime) -> list[int]:
    """Register the demo's key persons on the riskiest open cases, ten days back, and record their visits."""
    risky = []
    for c in engine.list_cases(None, limit=500):
        doc = engine.case(c["number"])
        if set(doc["flags"]) & {"key_person", "civil_to_criminal", "violence"} and doc["state"] not in (
                "closed", "referred", "withdrawn"):
            risky.append(doc)
    clock = engine.clock
    start = now - timedelta(days=10)
    ids = []
    for (name, risk, reasons, share), doc, lead in zip(PEOPLE, risky, LEADS):
        clock.set(start)
        out = engine.add_person(doc["reporter"], name=name, cases=[doc["number"]], risk=risk,
                                grid_officer=doc["reporter"], lead_official=lead, reasons=reasons,
                                phone="139" + "".join(str(rng.randint(0, 9)) for _ in range(8)))
        ids.append(out["id"])
        if rng.random() < share:  # the first visit right after registering
            clock.set(start + timedelta(minutes=5))
            engine.record_contact(out["id"], doc["reporter"], method="visit", state="已见面，告知稳控措施")
        day = local_date(start) + timedelta(days=1)
        while day < local_date(now):
            if rng.random() < share:  # days not visited are missed and escalate
                at = at_local(day) + timedelta(hours=rng.randint(9, 18))  # 09:00–18:00 local
                clock.set(at)
                engine.record_contact(out["id"], doc["reporter"], method="visit", state="情绪基本平稳")
            day += timedelta(days=1)
    return ids
