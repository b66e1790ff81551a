"""The shapes of the Engine's search, repeat parties, town board, missed-duty group, unit talks and API
token reads, and a case's attachments.

Re-exported from :mod:`disputeflow.workflow.results` and from ``disputeflow``; plain
``dict`` values at run time. Times are ISO-8601 strings with their offset, or None.
This module is pure: it imports no I/O library.
"""

from typing import Any, TypedDict

__all__ = ["SearchParty", "SearchHit", "SearchPage", "LapseItem", "LapseGroup", "TownRow", "CountyListedCase",
           "TownBoard", "TokenDoc", "NewToken", "RepeatCase", "RepeatParty", "RepeatParties", "UnitTalk",
           "AttachmentDoc", "NewAttachment"]


# ---------------------------------------------------------------------------- search

class SearchParty(TypedDict):
    """One party of a found case (``SearchHit.parties``), masked for the reader's role."""

    name: str
    #: The party's role on the case (``applicant``, ``respondent`` …).
    role: str
    phone: str | None
    id_number: str | None


class SearchHit(TypedDict):
    """One case found by ``Engine.search_cases()``, as the case list shows it."""

    number: str
    #: The case's title, masked for the reader's role.
    title: str
    state: str
    state_label: str
    risk: str
    risk_label: str
    category: str
    category_label: str
    unit: str
    unit_name: str
    #: The mediator's and the reporter's user ids (None when unassigned or unknown).
    mediator: str | None
    reporter: str | None
    reported_at: str
    party_count: int
    parties: list[SearchParty]


class SearchPage(TypedDict):
    """The answer of ``Engine.search_cases()``: newest report first."""

    items: list[SearchHit]
    #: The filters that applied (blank ones and the date range left out), phone and ID number masked.
    filters: dict[str, Any]


class RepeatCase(TypedDict):
    """One case of a party in repeated disputes (``RepeatParty.case_list``)."""

    number: str
    #: Masked for the reader's role.
    title: str
    state: str
    state_label: str
    reported_at: str


class RepeatParty(TypedDict):
    """A party on repeated disputes, found by one contact (``Engine.repeat_parties()``), most cases first."""

    #: ``phone`` or ``id_number``: the contact the cases share, masked for the reader's role.
    key: str
    value: str
    #: The name on the latest case, masked likewise.
    name: str
    #: How many cases in the period, and how many of them are open.
    cases: int
    open: int
    case_list: list[RepeatCase]


class RepeatParties(TypedDict):
    """``Engine.repeat_parties()``: the parties, and the rule that found them."""

    items: list[RepeatParty]
    #: The start of the period looked at, and the least number of cases that lists a party.
    since: str
    min_cases: int
    #: Where the rule comes from (policy ``[repeat_disputes]``).
    source: str


# ---------------------------------------------------------------------------- the board's other groups

class LapseItem(TypedDict):
    """One open missed-duty item of a key person (重点人员漏报/漏访)."""

    #: The item's id, the person's id and masked name.
    item: int
    person_id: int
    person: str
    #: What was missed (the duty's kind), and the person's risk.
    kind: str
    risk: str
    unit: str
    unit_name: str
    #: The days missed, ISO dates in order.
    days_missed: list[str]
    #: The escalation step reached and its name for people; whether it is listed for supervision.
    level: str
    level_label: str
    listed: bool
    opened_at: str | None
    first_due: str | None
    #: The person's page in the web interface.
    link: str


class LapseGroup(TypedDict):
    """The board's group of missed-duty items (``Engine.overdue_lapses()``)."""

    label: str
    total: int
    items: list[LapseItem]


class TownRow(TypedDict):
    """One town of ``Engine.town_board()``."""

    id: str
    name: str
    #: The town's unit path (``/county/town/``).
    path: str
    #: Running clocks past due (the board's own count).
    overdue: int
    #: Open disputes (work orders left out).
    open: int
    #: Open and listed for supervision at any level; and at county level.
    listed: int
    county_listed: int


class CountyListedCase(TypedDict):
    """One case listed for supervision at county level (``TownBoard.county_listed``)."""

    number: str
    #: Masked for the reader's role.
    title: str
    unit: str
    unit_name: str
    town: str
    town_name: str
    #: Who listed it (the supervision authority), if recorded.
    authority: str | None
    #: The supervision's deadline, or None.
    deadline: str | None


class TownBoard(TypedDict):
    """The board by town (``Engine.town_board()``): towns worst first, and the county-listed cases."""

    towns: list[TownRow]
    county_listed: list[CountyListedCase]


class UnitTalk(TypedDict):
    """A unit the sweep listed for a formal talk (约谈) in a month (``Engine.unit_talks()``), newest first."""

    unit: str
    unit_name: str
    #: ``YYYY-MM``.
    month: str
    #: How many cases reached the red card (level 3) against the unit that month, and their numbers.
    level3_count: int
    cases: list[str]
    listed_at: str


# ---------------------------------------------------------------------------- API tokens

class TokenDoc(TypedDict):
    """One API token of ``Engine.tokens()``; never the clear token."""

    id: int
    name: str
    #: The user the token acts as, within ``unit``.
    user: str
    unit: str
    #: The token's first characters, to recognise it.
    prefix: str
    created_at: str
    #: When it was revoked, or None while it works.
    revoked_at: str | None


class NewToken(TypedDict):
    """A token just issued by ``Engine.create_token()``: the clear ``token`` is shown this once."""

    id: int
    name: str
    user: str
    unit: str
    prefix: str
    #: The clear token, for the other system's configuration; only its digest is stored.
    token: str


# ---------------------------------------------------------------------------- attachments

class AttachmentDoc(TypedDict):
    """One file attached to a case (``Engine.attachments()``), in the order attached."""

    id: int
    #: The file's name as uploaded, its type and size in bytes, and the SHA-256 of its content (hex).
    name: str
    content_type: str
    size: int
    sha256: str
    #: It is an image, and a thumbnail of it is stored.
    image: bool
    thumbnail: bool
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: str | None
    #: When and by whom it was removed (listed only with ``with_deleted=True``), else None.
    deleted_at: str | None
    deleted_by_name: str | None


class NewAttachment(TypedDict):
    """A file just attached by ``Engine.attach()``."""

    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    thumbnail: bool
    uploaded_by: str
    uploaded_at: str
    #: The position of the attaching event on the case's chain.
    seq: int
