"""What is wrong with a workflow definition, said so that its author can fix the file in one pass.

Each problem names the file, the line (when the text is known), what is
wrong in both languages and, for a name that does not exist, the nearest
valid one (``case.mediatr`` → ``case.mediator``). ``tomllib`` gives no
positions for values that parse, so the line is found again from the key's
path in the text (:func:`disputeflow.workflow.tomlfile.key_lines`); a key that
is not in the text (a missing table) is reported at its enclosing section.
Pure: nothing here reads a file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple

from disputeflow.workflow.errors import ConfigError
from disputeflow.workflow.tomlfile import line_of

Path = tuple[str | int, ...]  # where in the document: ("actions", 3, "starts")


class Problem(NamedTuple):
    """One thing wrong, before it is placed in a file: the wording, where in the document, the nearest name."""

    zh: str
    en: str
    path: Path = ()
    nearest: str | None = None


def nearest(name: str, valid: Iterable[str]) -> str | None:
    """The valid name closest to ``name`` (``difflib``'s judgement), or None when none is close."""
    got = difflib.get_close_matches(name, sorted(set(valid)), n=1, cutoff=0.6)
    return got[0] if got else None


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem of a definition, placed: ``file`` and ``line`` are None when not known."""

    file: str | None
    line: int | None
    zh: str
    en: str
    nearest: str | None = None

    def message(self, lang: str = "zh_CN") -> str:
        """``file:line: problem（最接近的有效名称：…）`` in ``lang``; parts not known are left out."""
        en = lang.startswith("en")
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        text = self.en if en else self.zh
        if self.nearest:
            text += f" (nearest valid name: {self.nearest})" if en else f"（最接近的有效名称：{self.nearest}）"
        return f"{where}: {text}" if where else text


class DefinitionError(ConfigError):
    """A workflow definition that cannot be used; ``problems`` lists every problem found, in the file's order.

    A subclass of :class:`ConfigError`, so code that catches that keeps working.
    """

    def __init__(self, problems: list[DefinitionProblem]):
        self.problems = list(problems)
        super().__init__("流程定义有误：" + "；".join(p.message("zh_CN") for p in self.problems),
                         "invalid workflow definition: " + "; ".join(p.message("en") for p in self.problems))


def place(found: list[Problem], file: str | None = None,
          lines: Mapping[Path, int] | None = None) -> list[DefinitionProblem]:
    """The problems with their file and line, ordered by line (those without a line last)."""
    placed = [DefinitionProblem(file, line_of(lines, p.path) if lines and p.path else None, p.zh, p.en, p.nearest)
              for p in found]
    return sorted(placed, key=lambda p: (p.line is None, p.line or 0))
