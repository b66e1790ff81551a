"""What a message about a case needs to say, read in bulk for a batch of outbox rows.

A notification is rendered after commit, at delivery, from the outbox row and
the case as it stands then: its title, state, unit and people, its parties,
the audit event that caused the message, and the names behind user and unit
ids. Each is one query for the whole batch. The values are returned as
stored — unmasked: masking what leaves the system is the notifications'
rule, applied to all of it in one place there.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterable, Iterator, NamedTuple

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.engine import Connection

from disputeflow.cases.transactions import read
from disputeflow.cases.prepared import run
from disputeflow.cases.tables import audit_events, cases, outbox, parties, units, users


class Notice(NamedTuple):
    """An outbox row as a message is made from it (the payload parsed)."""

    id: int
    created_at: datetime
    event: str
    case_id: int | None
    case_number: str | None
    actor: str | None
    payload: dict[str, Any]


class CaseFacts(NamedTuple):
    """A case as a message tells it: its fields, with the names of its unit and people."""

    id: int
    number: str
    title: str
    category: str
    risk: str
    state: str
    unit: str
    unit_name: str
    description: str | None
    mediator: str | None
    mediator_name: str | None
    lead_official: str | None
    lead_official_name: str | None
    supervision_level: str | None
    definition: str
    definition_version: int
    responsible_unit: str | None
    responsible_unit_name: str | None
    source: str | None


class PartyFacts(NamedTuple):
    name: str
    role: str
    phone: str | None
    id_number: str | None


NOTICE_COLUMNS = (outbox.c.id, outbox.c.created_at, outbox.c.event, outbox.c.case_id, outbox.c.case_number,
                  outbox.c.actor, outbox.c.payload)


def notice(row) -> Notice:
    """A :class:`Notice` from the :data:`NOTICE_COLUMNS` of a row (in that order)."""
    payload = row[6]
    return Notice(row[0], row[1], row[2], row[3], row[4], row[5],
                  (json.loads(payload) if isinstance(payload, str) else payload) or {})


def _in(column):
    return column.in_(bindparam("values", expanding=True))


_NOTICES = select(*NOTICE_COLUMNS).where(_in(outbox.c.id)).order_by(outbox.c.id)
_mediator, _lead, _responsible = users.alias("m"), users.alias("l"), units.alias("ru")
_CASES = (
    select(cases.c.id, cases.c.number, cases.c.title, cases.c.category, cases.c.risk, cases.c.state, cases.c.unit_id,
           units.c.name, cases.c.description, cases.c.mediator, _mediator.c.name, cases.c.lead_official,
           _lead.c.name, cases.c.supervision_level, cases.c.definition, cases.c.definition_version,
           cases.c.responsible_unit, _responsible.c.name, cases.c.source)
    .select_from(cases.join(units, units.c.id == cases.c.unit_id)
                 .outerjoin(_mediator, _mediator.c.id == cases.c.mediator)
                 .outerjoin(_lead, _lead.c.id == cases.c.lead_official)
                 .outerjoin(_responsible, _responsible.c.id == cases.c.responsible_unit))
    .where(_in(cases.c.id))
)
_PARTIES = (select(parties.c.case_id, parties.c.name, parties.c.role, parties.c.phone, parties.c.id_number)
            .where(_in(parties.c.case_id)).order_by(parties.c.case_id, parties.c.seq))
_AUDIT = select(audit_events.c.case_id, audit_events.c.seq, audit_events.c.data).where(
    tuple_(audit_events.c.case_id, audit_events.c.seq).in_(bindparam("values", expanding=True)))
_USER_NAMES = select(users.c.id, users.c.name).where(_in(users.c.id))
_UNIT_NAMES = select(units.c.id, units.c.name).where(_in(units.c.id))

# Pairs of (case, seq) a statement: two parameters each, well inside either database's limit.
AUDIT_CHUNK = 500


class Facts:
    """The lookups of one read, each taking the whole batch's keys at once."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def _rows(self, stmt, values: Iterable) -> list:
        values = list(values)
        return run(self.conn, stmt, {"values": values}).all() if values else []

    def notices(self, outbox_ids: Iterable[int]) -> list[Notice]:
        return [notice(r) for r in self._rows(_NOTICES, outbox_ids)]

    def cases(self, case_ids: Iterable[int]) -> dict[int, CaseFacts]:
        return {r[0]: CaseFacts(*r) for r in self._rows(_CASES, case_ids)}

    def parties(self, case_ids: Iterable[int]) -> dict[int, list[PartyFacts]]:
        """Each case's parties in their order on the case."""
        out: dict[int, list[PartyFacts]] = {}
        for case_id, *party in self._rows(_PARTIES, case_ids):
            out.setdefault(case_id, []).append(PartyFacts(*party))
        return out

    def audit_data(self, events: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict]:
        """The recorded data of the audit events ``(case_id, seq)``."""
        events = list(events)
        out: dict[tuple[int, int], dict] = {}
        for lo in range(0, len(events), AUDIT_CHUNK):
            for case_id, seq, data in self._rows(_AUDIT, events[lo:lo + AUDIT_CHUNK]):
                out[(case_id, seq)] = json.loads(data)
        return out

    def user_names(self, user_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._rows(_USER_NAMES, user_ids))

    def unit_names(self, unit_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._rows(_UNIT_NAMES, unit_ids))


@contextmanager
def facts(store) -> Iterator[Facts]:
    """:class:`Facts` over one consistent read."""
    with read(store) as conn:
        yield Facts(conn)
