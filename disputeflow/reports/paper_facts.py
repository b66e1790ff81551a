"""What the mediation papers print about a case, gathered once: the committee, its number, people's names.

The committee is the one that actually mediated: the people's mediation committee
(人民调解委员会) of the mediator's own unit — a village's or community's committee for
its mediators, the town's committee for the town's and the justice office's staff
(the justice office guides the town committee and its staff mediate in its name), a
grid's village. Only a case with no mediator yet falls back to the village of the
case's place. The case's paper number (``（2026）东调字第012号``) is that committee's,
for the year the case was registered, assigned on the first print and kept.

People are printed by name: every user id a record holds (``by``) is looked up;
an id with no name prints as nothing, never as the login id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from disputeflow.cases import attachment_store, directory, paper_store, transactions
from disputeflow.reports.units import VILLAGE_KINDS, Units
from disputeflow.workflow.timeutil import format_local, local_date, parse_time

COMMITTEE_SUFFIX = ("人民调解委员会", " People's Mediation Committee")
# Records the papers read from ``data`` (each a list of dicts with ``at`` and ``by``); absent ones are empty.
RECORDS = ("notices", "investigations", "sessions", "follow_ups", "reopenings")


@dataclass
class Committee:
    unit_id: str
    name: str  # the unit's name: 甲村
    short: str  # the character its numbers carry: 甲

    def title(self, lang: str) -> str:
        return self.name + COMMITTEE_SUFFIX[1 if lang.startswith("en") else 0]


@dataclass
class PaperFacts:
    case: dict
    definition: Any  # the case's workflow definition (its vocabulary labels)
    history: list[dict]
    committee: Committee
    number: str  # （2026）甲调字第001号
    names: dict[str, str]
    today: date
    lang: str
    records: dict[str, list[dict]] = field(default_factory=dict)
    # the case's current attachments: (id, name, content type, size, uploaded at, uploader's name)
    attachments: list[tuple] = field(default_factory=list)

    @property
    def en(self) -> bool:
        return self.lang.startswith("en")

    def t(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def name(self, user_id: str | None) -> str:
        return self.names.get(user_id or "", "")

    def label(self, vocab: str, key: str | None, fallback: dict[str, tuple[str, str]] | None = None) -> str:
        """A vocabulary label from the case's definition, else from ``fallback``, else the key."""
        if not key:
            return ""
        got = self.definition.vocab_label(vocab, key, self.lang)
        if got == key and fallback and key in fallback:
            return fallback[key][1 if self.en else 0]
        return got

    def events(self, action: str) -> list[dict]:
        return [h for h in self.history if h["action"] == action]


def when(text: str | None, with_time: bool = True) -> str:
    if not text:
        return ""
    return format_local(parse_time(text))[: None if with_time else 10]


def committee_unit(units: Units, unit_id: str) -> str:
    """The unit whose mediation committee a person of ``unit_id`` mediates in."""
    u = units.get(unit_id)
    ids = [s for s in u.path.strip("/").split("/") if s]
    village = next((i for i in reversed(ids) if i in units.by_id and units.by_id[i].kind in VILLAGE_KINDS), None)
    if village:
        return village
    above = next((i for i in reversed(ids) if i in units.by_id and units.by_id[i].kind in ("town", "county")), None)
    return above or unit_id


def short_name(name: str, explicit: str | None) -> str:
    """The unit's own short name, else the first character of its name (东港村 → 东)."""
    return (explicit or "").strip() or name[:1]


def gather(engine, number: str, who, lang: str) -> PaperFacts:
    """Read the case as ``who`` may see it, resolve its committee, and assign or read its paper number."""
    from disputeflow.workflow import queries

    case = queries.case(engine, number, who, lang)
    history = queries.history(engine, number, who, lang)
    d = engine.definition(case["definition"], case["definition_version"])
    units = Units.load(engine)
    data = case["data"]
    records = {r: [x for x in (data.get(r) or []) if isinstance(x, dict)] for r in RECORDS}
    ids = {h["actor"] for h in history} | {x.get("by") for rs in records.values() for x in rs}
    ids |= {case.get("mediator"), case.get("reporter"), case.get("lead_official")}
    now = engine.clock.now()
    with transactions.read(engine.store) as conn:
        cid = paper_store.case_id(conn, number)
        files = attachment_store.listing(conn, cid)
        names = directory.user_names(conn, [i for i in ids | {f[5] for f in files} if i])
        mediator_unit = _mediator_unit(conn, case, history)
        shorts = paper_store.short_names(conn)
    unit_id = committee_unit(units, mediator_unit) if mediator_unit else units.village_of(units.get(case["unit"]).path)
    unit = units.get(unit_id)
    committee = Committee(unit.id, unit.name, short_name(unit.name, shorts.get(unit.id)))
    year = local_date(parse_time(case["reported_at"])).year
    with transactions.write(engine.store) as conn:
        got = paper_store.assign(conn, cid, unit.id, year, committee.short, now)
    paper_no = f"（{got.year}）{got.short_name}调字第{got.seq:03d}号"
    files = [(i, name, kind, size, at, names.get(by, by)) for i, name, kind, size, at, by in files]
    return PaperFacts(case, d, history, committee, paper_no, names, local_date(now), lang, records, files)


def _mediator_unit(conn, case: dict, history: list[dict]) -> str | None:
    """The unit of the case's mediator, or of whoever resolved or began mediating it."""
    candidates = [case.get("mediator")] + [h["actor"] for h in reversed(history) if h["action"] in ("resolve", "mediate")]
    for user_id in candidates:
        if user_id:
            row = directory.user_unit(conn, user_id)
            if row:
                return row
    return None
