"""Operator-edited TOML files (policy, calendar overrides): parse them and say where a mistake is.

``tomllib`` reports only syntax errors with a position; a value that parses but
is wrong (``unit = "weeks"``) is found again through :func:`key_lines`, so the
operator reads the file, the line and the reason.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

from disputeflow.workflow.errors import ConfigError


class ConfigFileError(ConfigError):
    """An operator's file that cannot be used: names the file, the line (when known) and the reason."""

    kind_zh = "配置文件"
    kind_en = "configuration file"

    def __init__(self, path: str, line: int | None, reason_zh: str, reason_en: str, column: int | None = None):
        self.path, self.line, self.column = path, line, column
        self.reason_zh, self.reason_en = reason_zh, reason_en
        zh, en = f"{self.kind_zh} {path}", f"{self.kind_en} {path}"
        if line:
            zh += f" 第 {line} 行" + (f"第 {column} 列" if column else "")
            en += f", line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{zh}：{reason_zh}", f"{en}: {reason_en}")

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_KEY_PART})\s*=")


def load_toml(text: str, path: str, error: type[ConfigFileError]) -> dict[str, Any]:
    """Parse TOML, turning tomllib's error into ``error`` with its line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line = int(m.group(1)) if m and m.group(1) else (len(text.splitlines()) or None)
        column = int(m.group(2)) if m and m.group(2) else None
        raise error(path, line, f"TOML 语法错误（{msg}）", f"TOML syntax error ({msg})", column) from None


def read_text(path: str | os.PathLike, error: type[ConfigFileError]) -> str:
    """The file's text, or ``error`` saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(str(path), None, "文件不是 UTF-8 编码", "the file is not UTF-8 text") from None
    except OSError as exc:
        raise error(str(path), None, f"无法读取（{exc.strerror}）", f"cannot be read ({exc.strerror})") from None


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in re.findall(_KEY_PART, dotted))


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each key path in a TOML text to the line that first defines it.

    ``tomllib`` reports only syntax errors with a position; a value that parses
    but is wrong (``unit = "weeks"``) needs this to be found again. Paths use
    the parsed shape: ``("clocks", "assess", "default", "unit")``,
    ``("ladder", 2, "value")`` for the third ``[[ladder]]``. Inline tables are
    followed one level deep, which covers ``{ amount = 1, unit = "..." }``.
    """
    found: dict[tuple[str | int, ...], int] = {}
    arrays: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    for n, raw in enumerate(text.splitlines(), 1):
        m = _HEADER.match(raw)
        if m:
            parts = _split_key(m.group(2))
            path: tuple[str | int, ...] = ()
            for part in parts[:-1]:
                path += (part,)
                if path in arrays:
                    path += (arrays[path],)
            path += parts[-1:]
            if m.group(1) == "[[":
                arrays[path] = arrays.get(path, -1) + 1
                path += (arrays[path],)
            table = path
            found.setdefault(table, n)
            continue
        m = _KEY.match(raw)
        if m:
            key = table + _split_key(m.group(1))
            found.setdefault(key, n)
            for inner in _INLINE_KEY.finditer(raw, m.end()):
                found.setdefault(key + _split_key(inner.group(1)), n)
    return found


def line_of(lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int | None:
    """The line of ``path``, or of its nearest enclosing key or table that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
