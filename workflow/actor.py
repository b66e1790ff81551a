"""Who is acting: a user of the engine, or an identity an embedding system vouches for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """An acting person.

    ``unit_path`` is the materialised path of the actor's home unit
    (``/town/village/``); a user may act on cases whose unit path starts with it.
    An embedding system that owns its users passes an ``Actor`` instead of a
    user id and the engine trusts it.

    ``bound`` is an upper limit on everything the actor reaches: an API token
    narrowed to a unit below its user's own sets it to that unit's path, so the
    user's roles on cases elsewhere (named mediator, lead official, responsible
    office) do not carry through the token. ``None``: no limit beyond the rules.
    """

    id: str
    role: str
    unit_path: str = "/"
    unit_id: str | None = None
    name: str | None = None
    bound: str | None = None

    def covers(self, unit_path: str) -> bool:
        """Whether a unit (by its materialised path) is in the actor's jurisdiction and bound."""
        return unit_path.startswith(self.unit_path) and self.within(unit_path)

    def within(self, unit_path: str) -> bool:
        """Inside the actor's upper bound (always, for an actor without one)."""
        return self.bound is None or unit_path.startswith(self.bound)


SYSTEM = Actor(id="system", role="system", unit_path="/", name="系统")
