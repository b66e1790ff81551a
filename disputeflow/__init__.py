"""disputeflow: the dispute case-workflow engine's one public facade.

``from disputeflow import Engine`` is all an embedding system needs. The facade
and the errors are loaded lazily, so importing the pure core (definitions,
guards, risk rules, the calendar, policies) never pulls in database code.

Stability rule (semantic versioning, see CHANGELOG.md): the names in
``__all__`` and the modules in ``PUBLIC_MODULES`` are the public API. A
change that breaks them raises the major version. Every other module of the
distribution is internal: it may change in any release, and embedding code
should not import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The shapes of what the Engine returns (TypedDicts: plain dicts at run time), from disputeflow.workflow.results.
_RESULTS = (
    "CaseDoc",
    "CaseSummary",
    "HistoryEntry",
    "ActionDoc",
    "ActionField",
    "Party",
    "Deadline",
    "FiveOnes",
    "SupervisionInfo",
    "WorkOrder",
    "OverdueItem",
    "OverduePage",
    "WorkClock",
    "WorkItem",
    "WorkPage",
    "SweepEvent",
    "DispatchReport",
    "InboxMessage",
    "UnitDoc",
    "UserDoc",
    "NewUnit",
    "NewUser",
    "AuditReport",
    "Health",
    "SearchParty",
    "SearchHit",
    "SearchPage",
    "LapseItem",
    "LapseGroup",
    "TownRow",
    "CountyListedCase",
    "TownBoard",
    "TokenDoc",
    "NewToken",
    "PersonSummary",
    "PersonsPage",
    "PersonDoc",
    "PlanDuty",
    "PersonContact",
    "PersonDuty",
    "MissedItem",
    "ContactDue",
    "ControlRate",
    "PersonAuditReport",
    "RoundCase",
    "ScreeningRound",
    "ScreeningDue",
    "MissingDuty",
    "FilingTotal",
    "UnitFiling",
    "ScreeningFiling",
    "ScreeningOverdue",
    "FiledReport",
    "ScreeningEscalation",
    "OrderClock",
    "DeskItem",
    "OfficeDesk",
    "OverdueOrder",
    "OfficeOverdue",
    "RepeatCase",
    "RepeatParty",
    "RepeatParties",
    "UnitTalk",
    "AttachmentDoc",
    "NewAttachment",
)

__all__ = [
    "Engine",
    "Actor",
    "Outcome",
    "Config",
    "Clock",
    "SystemClock",
    "FixedClock",
    "DisputeflowError",
    "NotFound",
    "InvalidAction",
    "NotPermitted",
    "ValidationError",
    "Conflict",
    "ConfigError",
    "DefinitionNotLoaded",
    "FieldError",
    "DefinitionError",
    "DefinitionProblem",
    "Busy",
    "Unavailable",
    "UnitOfWork",
    "Definition",
    "load_definition",
    "definition_from_dict",
    "builtin_definition",
    "register_guard",
    "register_condition",
    "register_effect",
    "Change",
    "CaseView",
    "Refusal",
    "IdentityResolver",
    "Identity",
    "Channel",
    "Message",
    "ChannelError",
    "ChannelConfigError",
    "create_app",
    *_RESULTS,
    "PUBLIC_MODULES",
    "__version__",
]

__version__ = "0.2.0"

# Modules whose documented names are public. Everything else is internal.
PUBLIC_MODULES = (
    "disputeflow",
    "disputeflow.workflow.engine",
    "disputeflow.workflow.errors",
    "disputeflow.workflow.definition",
    "disputeflow.workflow.definition_errors",
    "disputeflow.workflow.guards",
    "disputeflow.workflow.effects",
    "disputeflow.workflow.actor",
    "disputeflow.workflow.timesource",
    "disputeflow.workflow.config",
    "disputeflow.workflow.policy",
    "disputeflow.workflow.unit_of_work",
    "disputeflow.workflow.identities",
    "disputeflow.workflow.results",
    "disputeflow.workflow.results_cases",
    "disputeflow.workflow.results_more",
    "disputeflow.workflow.results_offices",
    "disputeflow.workflow.results_screening",
    "disputeflow.workflow.results_persons",
    "disputeflow.notifications.channels.base",
)

_LAZY = {
    "Engine": ("disputeflow.workflow.engine", "Engine"),
    "Actor": ("disputeflow.workflow.actor", "Actor"),
    "Outcome": ("disputeflow.workflow.decision_types", "Outcome"),
    "Config": ("disputeflow.workflow.config", "Config"),
    "Clock": ("disputeflow.workflow.timesource", "Clock"),
    "SystemClock": ("disputeflow.workflow.timesource", "SystemClock"),
    "FixedClock": ("disputeflow.workflow.timesource", "FixedClock"),
    "Definition": ("disputeflow.workflow.definition", "Definition"),
    "DefinitionError": ("disputeflow.workflow.definition_errors", "DefinitionError"),
    "DefinitionProblem": ("disputeflow.workflow.definition_errors", "DefinitionProblem"),
    "load_definition": ("disputeflow.workflow.definition", "load_definition"),
    "definition_from_dict": ("disputeflow.workflow.definition", "definition_from_dict"),
    "builtin_definition": ("disputeflow.workflow.definition", "builtin"),
    "register_guard": ("disputeflow.workflow.guards", "register_guard"),
    "register_condition": ("disputeflow.workflow.guards", "register_condition"),
    "register_effect": ("disputeflow.workflow.effects", "register_effect"),
    "Change": ("disputeflow.workflow.effects", "Change"),
    "CaseView": ("disputeflow.workflow.guards", "CaseView"),
    "Refusal": ("disputeflow.workflow.guards", "Refusal"),
    "UnitOfWork": ("disputeflow.workflow.unit_of_work", "UnitOfWork"),
    "IdentityResolver": ("disputeflow.workflow.identities", "IdentityResolver"),
    "Identity": ("disputeflow.workflow.identities", "Identity"),
    "Channel": ("disputeflow.notifications.channels.base", "Channel"),
    "Message": ("disputeflow.notifications.channels.base", "Message"),
    "ChannelError": ("disputeflow.notifications.channels.base", "ChannelError"),
    "ChannelConfigError": ("disputeflow.notifications.channels.base", "ChannelConfigError"),
    # The web workspace's app factory: loads FastAPI, so only when asked for.
    "create_app": ("disputeflow.web.app", "create_app"),
}
# The shapes of what the Engine returns (TypedDicts: plain dicts at run time).
_LAZY.update({name: ("disputeflow.workflow.results", name) for name in _RESULTS})
_ERRORS = ("DisputeflowError", "NotFound", "InvalidAction", "NotPermitted", "ValidationError",
           "Conflict", "ConfigError", "FieldError", "DefinitionNotLoaded", "Busy", "Unavailable")

if TYPE_CHECKING:  # what type checkers see (explicit re-exports); at run time the names load on first use
    from disputeflow.notifications.channels.base import Channel as Channel
    from disputeflow.notifications.channels.base import ChannelConfigError as ChannelConfigError
    from disputeflow.notifications.channels.base import ChannelError as ChannelError
    from disputeflow.notifications.channels.base import Message as Message
    from disputeflow.web.app import create_app as create_app
    from disputeflow.workflow.actor import Actor as Actor
    from disputeflow.workflow.config import Config as Config
    from disputeflow.workflow.decision_types import Outcome as Outcome
    from disputeflow.workflow.definition import builtin as builtin_definition
    from disputeflow.workflow.definition import definition_from_dict as definition_from_dict
    from disputeflow.workflow.definition import load_definition as load_definition
    from disputeflow.workflow.definition_types import Definition as Definition
    from disputeflow.workflow.effects import Change as Change
    from disputeflow.workflow.effects import register_effect as register_effect
    from disputeflow.workflow.engine import Engine as Engine
    from disputeflow.workflow.errors import Conflict as Conflict
    from disputeflow.workflow.errors import ConfigError as ConfigError
    from disputeflow.workflow.errors import DisputeflowError as DisputeflowError
    from disputeflow.workflow.errors import FieldError as FieldError
    from disputeflow.workflow.errors import InvalidAction as InvalidAction
    from disputeflow.workflow.errors import NotFound as NotFound
    from disputeflow.workflow.errors import NotPermitted as NotPermitted
    from disputeflow.workflow.errors import ValidationError as ValidationError
    from disputeflow.workflow.guards import CaseView as CaseView
    from disputeflow.workflow.guards import Refusal as Refusal
    from disputeflow.workflow.guards import register_condition as register_condition
    from disputeflow.workflow.guards import register_guard as register_guard
    from disputeflow.workflow.results import ActionDoc as ActionDoc
    from disputeflow.workflow.results import ActionField as ActionField
    from disputeflow.workflow.results import AuditReport as AuditReport
    from disputeflow.workflow.results import CaseDoc as CaseDoc
    from disputeflow.workflow.results import CaseSummary as CaseSummary
    from disputeflow.workflow.results import Deadline as Deadline
    from disputeflow.workflow.results import DispatchReport as DispatchReport
    from disputeflow.workflow.results import FiveOnes as FiveOnes
    from disputeflow.workflow.results import Health as Health
    from disputeflow.workflow.results import HistoryEntry as HistoryEntry
    from disputeflow.workflow.results import InboxMessage as InboxMessage
    from disputeflow.workflow.results import NewUnit as NewUnit
    from disputeflow.workflow.results import NewUser as NewUser
    from disputeflow.workflow.results import OverdueItem as OverdueItem
    from disputeflow.workflow.results import OverduePage as OverduePage
    from disputeflow.workflow.results import Party as Party
    from disputeflow.workflow.results import AttachmentDoc as AttachmentDoc
    from disputeflow.workflow.results import NewAttachment as NewAttachment
    from disputeflow.workflow.results import RepeatCase as RepeatCase
    from disputeflow.workflow.results import RepeatParty as RepeatParty
    from disputeflow.workflow.results import RepeatParties as RepeatParties
    from disputeflow.workflow.results import UnitTalk as UnitTalk
    from disputeflow.workflow.results import OrderClock as OrderClock
    from disputeflow.workflow.results import DeskItem as DeskItem
    from disputeflow.workflow.results import OfficeDesk as OfficeDesk
    from disputeflow.workflow.results import OverdueOrder as OverdueOrder
    from disputeflow.workflow.results import OfficeOverdue as OfficeOverdue
    from disputeflow.workflow.results import RoundCase as RoundCase
    from disputeflow.workflow.results import ScreeningRound as ScreeningRound
    from disputeflow.workflow.results import ScreeningDue as ScreeningDue
    from disputeflow.workflow.results import MissingDuty as MissingDuty
    from disputeflow.workflow.results import FilingTotal as FilingTotal
    from disputeflow.workflow.results import UnitFiling as UnitFiling
    from disputeflow.workflow.results import ScreeningFiling as ScreeningFiling
    from disputeflow.workflow.results import ScreeningOverdue as ScreeningOverdue
    from disputeflow.workflow.results import FiledReport as FiledReport
    from disputeflow.workflow.results import ScreeningEscalation as ScreeningEscalation
    from disputeflow.workflow.results import PersonSummary as PersonSummary
    from disputeflow.workflow.results import PersonsPage as PersonsPage
    from disputeflow.workflow.results import PersonDoc as PersonDoc
    from disputeflow.workflow.results import PlanDuty as PlanDuty
    from disputeflow.workflow.results import PersonContact as PersonContact
    from disputeflow.workflow.results import PersonDuty as PersonDuty
    from disputeflow.workflow.results import MissedItem as MissedItem
    from disputeflow.workflow.results import ContactDue as ContactDue
    from disputeflow.workflow.results import ControlRate as ControlRate
    from disputeflow.workflow.results import PersonAuditReport as PersonAuditReport
    from disputeflow.workflow.results import SearchParty as SearchParty
    from disputeflow.workflow.results import SearchHit as SearchHit
    from disputeflow.workflow.results import SearchPage as SearchPage
    from disputeflow.workflow.results import LapseItem as LapseItem
    from disputeflow.workflow.results import LapseGroup as LapseGroup
    from disputeflow.workflow.results import TownRow as TownRow
    from disputeflow.workflow.results import CountyListedCase as CountyListedCase
    from disputeflow.workflow.results import TownBoard as TownBoard
    from disputeflow.workflow.results import TokenDoc as TokenDoc
    from disputeflow.workflow.results import NewToken as NewToken
    from disputeflow.workflow.results import SupervisionInfo as SupervisionInfo
    from disputeflow.workflow.results import SweepEvent as SweepEvent
    from disputeflow.workflow.results import UnitDoc as UnitDoc
    from disputeflow.workflow.results import UserDoc as UserDoc
    from disputeflow.workflow.results import WorkClock as WorkClock
    from disputeflow.workflow.results import WorkItem as WorkItem
    from disputeflow.workflow.results import WorkOrder as WorkOrder
    from disputeflow.workflow.results import WorkPage as WorkPage
    from disputeflow.workflow.timesource import Clock as Clock
    from disputeflow.workflow.timesource import FixedClock as FixedClock
    from disputeflow.workflow.timesource import SystemClock as SystemClock
    from disputeflow.workflow.definition_errors import DefinitionError as DefinitionError
    from disputeflow.workflow.definition_errors import DefinitionProblem as DefinitionProblem
    from disputeflow.workflow.errors import Busy as Busy
    from disputeflow.workflow.errors import DefinitionNotLoaded as DefinitionNotLoaded
    from disputeflow.workflow.errors import Unavailable as Unavailable
    from disputeflow.workflow.identities import Identity as Identity
    from disputeflow.workflow.identities import IdentityResolver as IdentityResolver
    from disputeflow.workflow.unit_of_work import UnitOfWork as UnitOfWork


def __getattr__(name: str) -> Any:
    import importlib

    if name in _ERRORS:
        return getattr(importlib.import_module("disputeflow.workflow.errors"), name)
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'disputeflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
