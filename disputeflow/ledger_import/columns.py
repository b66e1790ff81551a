"""Which ledger column feeds which field, and the units and users a ledger names.

Both are settled once per ledger, before the first row is checked.
"""

from __future__ import annotations

from disputeflow.workflow.errors import ValidationError
from disputeflow.ledger_import.mapping import FIELD_LABELS, REQUIRED, Mapping, norm_heading
from disputeflow.ledger_import.unit_names import find as find_units
from disputeflow.ledger_import.ledger_file import Column

UNIT_KINDS = ("town", "village", "community", "grid")


def assign_columns(columns: list[Column], mapping: Mapping) -> dict[str, Column]:
    """Which column feeds each field.

    Sub-headings and ``group/sub`` names are matched first, group headings
    alone second, so 当事人 over 申请人 | 被申请人 feeds the applicant and
    respondent fields rather than the generic parties field.

    Raises:
        ValidationError: a required column is missing (names the headings it looked for).
    """
    taken: set[int] = set()
    out: dict[str, Column] = {}
    normed = [(c, [norm_heading(n) for n in c.names]) for c in columns]
    for rnd in (0, 1):
        for name in mapping.columns:
            if name in out:
                continue
            for alias in mapping.aliases(name):
                hit = None
                for c, names in normed:
                    if c.index in taken or not names:
                        continue
                    primary = names[:-1] if (rnd == 0 and len(names) > 1) else names
                    if alias in primary:
                        hit = c
                        break
                if hit is not None:
                    out[name] = hit
                    taken.add(hit.index)
                    break
    missing = [f for f in REQUIRED if f not in out]
    if not any(f in out for f in ("parties", "applicant", "respondent")):
        missing.append("parties")
    if missing:
        zh = "；".join(f"找不到“{FIELD_LABELS[f]}”列（可识别：{'、'.join(mapping.columns[f][:6])}）" for f in missing)
        en = "; ".join(f"no column for {f} (known headings: {', '.join(mapping.columns[f][:6])})" for f in missing)
        raise ValidationError.one("表头", zh + "。请用 --mapping 指定列名",
                                  en + ". Name the columns with --mapping")
    return out


class Directory:
    """Units and users by id and by name, loaded once per import (they are few)."""

    def __init__(self, units: list[tuple], users: list[tuple]):
        self.units = {u[0]: u for u in units}  # id -> (id, name, kind, path, handles)
        self._all = list(units)
        self.unit_names: dict[str, list[tuple]] = {}
        for u in units:
            self.unit_names.setdefault(u[1], []).append(u)
        self.users = {u[0]: u for u in users}  # id -> (id, name, role, active)
        self.user_names: dict[str, list[tuple]] = {}
        for u in users:
            self.user_names.setdefault(u[1], []).append(u)

    def unit(self, text: str, kinds: tuple[str, ...], within: str | None = None,
             category: str | None = None) -> tuple[tuple | None, str | None]:
        """(unit, None) or (None, reason code: missing / ambiguous / kind), by id, name or a name containing it;
        (unit, "contained") when only a longer name contained it (the import says which unit it took).

        See :mod:`disputeflow.ledger_import.unit_names` for how a committee's or an office's name is read.
        """
        u, contained = self.units.get(text), False
        if u is None:
            found, contained = find_units(self._all, text, kinds, within=within, category=category)
            if len(found) > 1:
                return None, "ambiguous"
            u = found[0] if found else None
        if u is None:
            return None, "missing"
        if u[2] not in kinds:
            return None, "kind"
        return u, ("contained" if contained else None)

    def user(self, text: str, role: str) -> tuple | None:
        u = self.users.get(text)
        if u is not None and u[2] == role and u[3]:
            return u
        found = [x for x in self.user_names.get(text, []) if x[2] == role and x[3]]
        return found[0] if len(found) == 1 else None
