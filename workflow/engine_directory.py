"""The directory operations of :class:`disputeflow.Engine`: the host's units and people kept in step.

A part of the facade of its own because an embedding system owns its
organisation: it saves, moves and switches off units and users as its own
records change, or sends its whole list (:meth:`Directory.sync_units`,
:meth:`Directory.sync_users`). What each change does to the cases is told in
:mod:`disputeflow.workflow.directory_admin`; people who are not in the engine's
table at all reach it through ``Engine(identities=...)``
(:mod:`disputeflow.workflow.identities`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from disputeflow.workflow import directory_admin, directory_sync

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class HostDirectory:
    """Create, update, move, switch off and bulk-sync units and users."""

    _rt: "Runtime"

    def save_unit(self, id: str, name: str, kind: str, parent: str | None = None, short_name: str | None = None,
                  handles: Iterable[str] | None = None) -> tuple[dict, bool]:
        """Create the unit, or update it to these values; returns ``(unit, changed)``.

        On an existing unit, ``parent=None`` leaves it where it is (another parent moves it, as
        :meth:`move_unit` does), and ``short_name``/``handles`` of ``None`` keep the stored ones (``""``
        and ``[]`` clear them). Saving a switched-off unit switches it on again.

        Raises:
            ValidationError: a bad field, a missing or switched-off parent, a kind its parent or children refuse.
        """
        return directory_admin.save_unit(self._rt, id, name, kind, directory_admin.KEEP if parent is None else parent,
                                         short_name, handles)

    def move_unit(self, id: str, new_parent: str | None) -> dict:
        """Put a unit and its subtree under ``new_parent`` (``None``: the top), with every case, user and key
        person there, in one transaction; returns the unit with ``moved`` counts (units, users, cases).

        The cases follow their place: a moved village's cases are read by the new town from the commit on;
        case numbers are never rewritten (see :mod:`disputeflow.workflow.directory_admin`).

        Raises:
            NotFound: no such unit.
            ValidationError: the new parent is missing, switched off, the wrong kind, or inside the unit itself.
        """
        return directory_admin.move_unit(self._rt, id, new_parent)

    def deactivate_unit(self, id: str, *, force: bool = False) -> dict:
        """Switch a unit off: no new cases, users or child units there; its cases stay readable.

        Refused while it has active child units or open cases, unless ``force``: then the whole subtree is
        switched off and open cases stay with whoever holds them. Returns the unit with ``changed``.

        Raises:
            NotFound: no such unit.
            InvalidAction: active child units or open cases, without ``force``.
        """
        return directory_admin.deactivate_unit(self._rt, id, force)

    def save_user(self, id: str, name: str, role: str, unit: str, phone: str | None = None,
                  email: str | None = None, lang: str = "zh_CN", active: bool = True) -> tuple[dict, bool]:
        """Create the user, or update every field to these values (``phone=None`` clears it); ``(user, changed)``.

        Raises:
            ValidationError: a bad field, an unknown role, a missing or switched-off unit.
        """
        return directory_admin.save_user(self._rt, id, name, role, unit, phone, email, lang, active)

    def deactivate_user(self, id: str) -> dict:
        """Switch a user off: they cannot sign in, act or be assigned, and are no longer notified.

        Their cases keep their history. Returns the user with ``changed`` and ``held``: the numbers of the
        open cases they are mediator or lead official of, which need someone else.

        Raises:
            NotFound: no such user.
        """
        return directory_admin.deactivate_user(self._rt, id)

    def sync_units(self, rows: Iterable[Mapping[str, Any]], *, deactivate_missing: bool = False) -> dict[str, int]:
        """Make the units match a host's list, in one transaction (idempotent).

        Returns ``{created, updated, unchanged, deactivated}``; see :mod:`disputeflow.workflow.directory_sync`
        for the keys of a row.

        Raises:
            ValidationError: a bad row (named by its id); nothing is saved.
        """
        return directory_sync.sync_units(self._rt, rows, deactivate_missing)

    def sync_users(self, rows: Iterable[Mapping[str, Any]], *, deactivate_missing: bool = False) -> dict[str, int]:
        """Make the users match a host's list, in one transaction (idempotent).

        Returns ``{created, updated, unchanged, deactivated}``; see :mod:`disputeflow.workflow.directory_sync`
        for the keys of a row.

        Raises:
            ValidationError: a bad row (named by its id); nothing is saved.
        """
        return directory_sync.sync_users(self._rt, rows, deactivate_missing)
