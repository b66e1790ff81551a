"""The main line a ledger row walks, read from the workflow definition through its machine.

A ledger records where a dispute stands (化解情况) and a date per stage; the
import replays the definition's own actions up to that state. Which states
come in which order is the definition's: the main line is the longest run of
moving actions from the initial state to a terminal one (asked of the compiled
``transitions`` machine once per import, not per row). A state on it that the
next state can also be reached around (稳控 before 调处) is taken only when the
ledger dates it or stands there; a terminal state off the line (撤回) is an
exit, left from the furthest line state the ledger's dates show. So is a state
an action that opens a child case leads to (移交, which waits for the
receiving body's reply): a ledger records the handing-over, not the child, so
the main line never runs through such an action and the row stops there.
Which date column dates which action is the mapping's ``[dates]`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from disputeflow.workflow.errors import ConfigError


@dataclass(frozen=True)
class Step:
    """One moving action of a row's history: its name and the states it leaves and reaches."""

    action: str
    source: str
    dest: str


class LedgerLine:
    """The main line, the exits and the date columns of one definition (shared by every row of an import)."""

    def __init__(self, definition, compiled, dates: dict[str, tuple[str, ...]]):
        self.defn = definition
        self.compiled = compiled
        self._edges = self._moving_edges(definition, compiled)
        spawning = {a.name for a in definition.actions if a.spawns is not None}
        self._line_edges = {src: [(a, d) for a, d in ways if a not in spawning] for src, ways in self._edges.items()}
        self.order = self._longest_line(definition)
        if len(self.order) < 2:
            raise ConfigError(f"流程 {definition.name} 没有从“{definition.state_label(definition.initial)}”通往终态的动作，"
                              "无法按台账状态导入",
                              f"workflow {definition.name} has no actions from {definition.initial} to an end state; "
                              "ledger states cannot be imported")
        self._rank = {s: i for i, s in enumerate(self.order)}
        self.steps = tuple(Step(self._edge(a, b), a, b) for a, b in zip(self.order, self.order[1:]))
        waiting = {d for ways in self._edges.values() for a, d in ways if a in spawning}
        exits = {dest: [(action, src) for src in self.order for action, d in self._edges.get(src, ()) if d == dest]
                 for dest in (s.name for s in definition.states
                              if (s.terminal or s.name in waiting) and s.name not in self._rank)}
        self.exits = {dest: ways for dest, ways in exits.items() if ways}
        self.mapping_dates = dates
        self._dates = {a.name: tuple(dates.get(a.name, ())) for a in definition.actions}
        self.ledger_actions = frozenset([s.action for s in self.steps] +
                                        [a for ways in self.exits.values() for a, _ in ways])
        # rows share their states and which dates they give: their paths are worked out once
        self._date_cols = tuple(dict.fromkeys(f for fields in self._dates.values() for f in fields))
        self._paths: dict[tuple, list[Step]] = {}
        self._passes: dict[tuple[str, str], bool] = {}
        self.risk_step = next((s.action for s in self.steps
                               if any(f.target == "case.risk" for f in definition.action(s.action).fields)), None)

    # ------------------------------------------------------------------ built once

    @staticmethod
    def _moving_edges(definition, compiled) -> dict[str, list[tuple[str, str]]]:
        """state -> [(action, the state it leads to)] for the actions that move a case, as the machine answers."""
        edges: dict[str, list[tuple[str, str]]] = {}
        for s in definition.states:
            for trigger in compiled.machine.get_triggers(s.name):
                dest = compiled.fire(trigger, s.name)
                if dest != s.name:
                    edges.setdefault(s.name, []).append((trigger, dest))
        return edges

    def _longest_line(self, definition) -> tuple[str, ...]:
        """The longest path without repeats from the initial state to a terminal one (the first of equals)."""
        terminal = {s.name for s in definition.states if s.terminal}
        best: tuple[str, ...] = (definition.initial,)

        def walk(path: tuple[str, ...]) -> None:
            nonlocal best
            if path[-1] in terminal:
                if len(path) > len(best):
                    best = path
                return
            for _, dest in self._line_edges.get(path[-1], ()):
                if dest not in path:
                    walk(path + (dest,))

        walk((definition.initial,))
        return best if best[-1] in terminal else (definition.initial,)

    def _edge(self, source: str, dest: str) -> str | None:
        return next((a for a, d in self._edges.get(source, ()) if d == dest), None)

    # ------------------------------------------------------------------ per row

    def rank(self, state: str) -> int:
        """The state's place on the main line (past its end for a state off it)."""
        return self._rank.get(state, len(self.order))

    def on_line(self, state: str | None) -> bool:
        return state in self._rank

    def moved_back(self, old_state: str | None, new_state: str | None) -> bool:
        """Whether the ledger's own state went backwards between two imports of a row."""
        return self.on_line(old_state) and self.on_line(new_state) and self.rank(new_state) < self.rank(old_state)

    def date_fields(self, action: str) -> tuple[str, ...]:
        """The ledger's date columns for ``action``, the first one given dating it."""
        return self._dates.get(action, ())

    def dated(self, index: int, dates) -> bool:
        """Whether the ledger gives a date for reaching the line's ``index``-th state."""
        return index > 0 and any(f in dates for f in self._dates.get(self.steps[index - 1].action, ()))

    def path(self, state: str, dates) -> list[Step]:
        """The moving actions after the report that take a case to ``state``, given the ledger's dated columns.

        Raises:
            ValueError: no ledger row can stand in ``state`` (it is neither on the line nor an exit).
        """
        key = (state, *[f in dates for f in self._date_cols])
        got = self._paths.get(key)
        if got is None:
            got = self._paths[key] = self._path(state, dates)
        return got

    def _path(self, state: str, dates) -> list[Step]:
        if state in self._rank:
            return self._line_to(self._rank[state], dates)
        ways = self.exits.get(state)
        if not ways:
            raise ValueError(f"no ledger path to state {state!r}")
        sources = {src for _, src in ways}
        dated = [i for i, s in enumerate(self.order) if s in sources and self.dated(i, dates)]
        start = max(dated) if dated else min(self._rank[s] for s in sources)
        steps = self._line_to(start, dates)
        action = next(a for a, src in ways if src == self.order[start])
        return steps + [Step(action, self.order[start], state)]

    def _line_to(self, k: int, dates) -> list[Step]:
        chosen = [self.order[0]]
        for i in range(1, k + 1):
            skip = (i < k and not self.dated(i, dates) and self._edge(chosen[-1], self.order[i + 1]) is not None)
            if not skip:
                chosen.append(self.order[i])
        return [Step(self._edge(a, b), a, b) for a, b in zip(chosen, chosen[1:])]

    def reachable(self, state: str) -> bool:
        return state in self._rank or bool(self.exits.get(state))

    def infer_state(self, dates, risk_given: bool) -> str:
        """The state of a row without a 化解情况 cell: the furthest line state it dates (assessed if it has a risk)."""
        for i in range(len(self.order) - 1, 0, -1):
            if self.dated(i, dates):
                return self.order[i]
        if risk_given and self.risk_step == self.steps[0].action:
            return self.order[1]
        return self.order[0]

    def times(self, dates: dict[str, datetime], steps: list[Step]) -> list[datetime]:
        """When each step happened: its date column, never before the step before it (the report first)."""
        t = dates["reported_at"]
        out = []
        for s in steps:
            d = next((dates[f] for f in self._dates.get(s.action, ()) if dates.get(f) is not None), None)
            if d is not None and d > t:
                t = d
            out.append(t)
        return out

    def passes(self, state: str, field_source: str) -> bool:
        """Whether the line up to ``state`` has an action with a field the ledger's ``field_source`` column feeds."""
        key = (state, field_source)
        got = self._passes.get(key)
        if got is None:
            got = self._passes[key] = self.reachable(state) and any(
                source_of(f) == field_source for s in self.path(state, {}) for f in self.defn.action(s.action).fields)
        return got


def source_of(field) -> str:
    """The record key that feeds an action's field: what its target names (``data.measures``), else its own name."""
    return field.target.split(".", 1)[1] if field.target else field.name
