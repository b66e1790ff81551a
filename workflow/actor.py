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
    """

    id: str
    role: str
    unit_path: str = "/"
    unit_id: str | None = None
    name: str | None = None

    def covers(self, unit_path: str) -> bool:
        return unit_path.startswith(self.unit_path)


SYSTEM = Actor(id="system", role="system", unit_path="/", name="系统")
