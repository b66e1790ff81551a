"""The shapes of what the Engine's case reads return: one case, its timeline, its actions, case lists.

These are :class:`typing.TypedDict` types: at run time every value is the plain
``dict`` it always was (JSON-ready, what the web API and the CLI serialise), and a
type checker knows each key and its type. Times are ISO-8601 strings with their
offset; labels are in the reader's language (the call's ``lang``). Text about
people (titles, descriptions, parties, payloads) is masked for the reader's role.

This module is pure: it imports no I/O library and no other part of the package.
"""

from typing import Any, NotRequired, TypedDict

__all__ = ["Party", "Deadline", "FiveOnes", "SupervisionInfo", "WorkOrder", "CaseDoc",
           "HistoryEntry", "ActionField", "ActionDoc", "CaseSummary"]


class Party(TypedDict, total=False):
    """One party of a case, masked for the reader's role (a definition may add keys of its own).

    Keys: ``seq`` (position on the case, from 1), ``name``, ``role`` (``applicant``,
    ``respondent`` …), ``phone``, ``id_number``, ``address``, ``birth_date`` (ISO date),
    ``gender``; a key whose value is unknown holds ``None``.
    """

    seq: int
    name: str
    role: str
    phone: str | None
    id_number: str | None
    address: str | None
    birth_date: str | None
    gender: str | None


class Deadline(TypedDict):
    """One clock of a case (its ``deadlines``), running or stopped."""

    #: The clock's name in the definition (``resolve``, ``confirm`` …).
    clock: str
    #: The clock's name for people.
    label: str
    #: When it started, and when it is (or was) due; ``warn_at`` is the early-warning time.
    started_at: str | None
    due_at: str | None
    warn_at: str | None
    #: The ladder step reached (``level1`` …), or None while within time.
    level: str | None
    #: ``running``, ``stopped`` or ``expired``.
    status: str
    #: When it stopped (None while running).
    stopped_at: str | None
    #: Whether its due time was extended.
    extended: bool
    #: Business days past due (0 unless running and late).
    overdue_business_days: int


class FiveOnes(TypedDict):
    """The "five ones" (五个一) of a high-risk case: which of its five assignments are still missing."""

    #: Whether the case's risk requires them.
    required: bool
    #: The missing assignments' keys, and their names for people.
    missing: list[str]
    missing_labels: list[str]


class SupervisionInfo(TypedDict):
    """A supervised (督办) case's level, who supervises it and by when."""

    level: str
    level_label: str
    authority: str | None
    deadline: str | None


class WorkOrder(TypedDict):
    """A work order (工单) spawned from a case, sent to an office."""

    number: str
    #: The child case's workflow.
    workflow: str
    #: The office it was sent to, and its name.
    to: str | None
    to_name: str | None
    state: str
    state_label: str
    request: str | None
    result: str | None
    #: How many times the office sent it back.
    returns: int
    deadlines: list[Deadline]


class CaseDoc(TypedDict):
    """One case as ``Engine.case()`` returns it.

    Identity and state: ``number``, ``title``, ``state``/``state_label``, ``version`` (pass
    it as ``expected_version`` to ``act``), ``definition``/``definition_version``.
    Classification: ``category``, ``source``, ``risk`` (each with its ``*_label``),
    ``risk_floor`` (the lowest risk the rules allow), ``flags``, ``tier``/``tier_label``.
    Where and who: ``unit``/``unit_name`` (where it happened), ``handling_unit``/``handling_unit_name``
    (who handles it after a hand-over), ``reporter``, ``mediator``, ``lead_official``,
    ``responsible_unit`` (each with its ``*_name``). ``parties`` and ``party_count``;
    ``supervision`` (None unless supervised), ``five_ones``, ``deadlines`` (its clocks),
    ``parent`` (a work order's originating case number) and ``work_orders`` (its children), ``key_person_lapses``
    (open missed duties of its key persons), ``data`` (the definition's own fields),
    ``reported_at``, ``updated_at``, ``closed_at``.
    """

    number: str
    title: str
    state: str
    state_label: str
    version: int
    definition: str
    definition_version: int
    category: str
    category_label: str
    source: str | None
    source_label: str | None
    description: str | None
    unit: str
    unit_name: str
    risk: str
    risk_label: str
    risk_floor: str | None
    flags: list[str]
    parties: list[Party]
    party_count: int
    reporter: str
    reporter_name: str | None
    mediator: str | None
    mediator_name: str | None
    lead_official: str | None
    lead_official_name: str | None
    responsible_unit: str | None
    responsible_unit_name: str | None
    supervision: SupervisionInfo | None
    handling_unit: str
    handling_unit_name: str
    tier: str
    tier_label: str
    five_ones: FiveOnes
    deadlines: list[Deadline]
    #: The number of the case a work order was spawned from (None for other cases).
    parent: str | None
    work_orders: list[WorkOrder]
    key_person_lapses: list[dict[str, Any]]
    data: dict[str, Any]
    reported_at: str
    updated_at: str
    closed_at: str | None


class HistoryEntry(TypedDict):
    """One event of a case's audit timeline (``Engine.history()``), oldest first."""

    #: Position in the case's hash chain, from 1.
    seq: int
    at: str
    #: Who did it (a user id, or ``system`` for the sweep), and their name.
    actor: str
    actor_name: str
    #: The action (``report``, ``assign`` …, ``escalate.level1`` for the sweep) and its name for people.
    action: str
    action_label: str
    from_state: str | None
    to_state: str
    #: What the action recorded, masked for the reader.
    data: dict[str, Any]
    #: The event's hash in the chain (hex).
    hash: str


class ActionField(TypedDict):
    """One input of an action (``ActionDoc.fields``)."""

    name: str
    #: ``text``, ``choice``, ``choices``, ``user``, ``unit``, ``date``, ``clock`` …
    type: str
    label: str | None
    required: bool
    #: The allowed values and their names (choice, clock and unit fields).
    choices: NotRequired[dict[str, str]]
    #: The roles a ``user`` field accepts.
    roles: NotRequired[list[str]]


class ActionDoc(TypedDict):
    """An action the reader may take on a case now (``Engine.actions()``)."""

    action: str
    label: str | None
    #: The state it leads to (None when it stays), and its name.
    moves_to: str | None
    moves_to_label: str | None
    #: False when a guard blocks it; ``reasons`` says why (in the reader's language).
    available: bool
    reasons: list[str]
    #: True when it is blocked for a reason that makes it pointless (not merely not yet possible).
    moot: bool
    fields: list[ActionField]


class CaseSummary(TypedDict):
    """One row of ``Engine.list_cases()``: a case without its parties and clocks."""

    number: str
    title: str
    state: str
    state_label: str
    risk: str
    risk_label: str
    category: str
    category_label: str
    unit: str
    unit_name: str
    mediator: str | None
    lead_official: str | None
    #: The supervision level (None unless supervised).
    supervision: str | None
    reported_at: str
    version: int
