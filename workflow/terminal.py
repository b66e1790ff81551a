"""Text bound for a terminal: stored values must not drive it.

A title or a name typed on the web may hold control characters: BEL rings the
bell, CR returns the cursor and lets the rest of the line overwrite what came
before (a forged "已销号"), ESC starts a terminal escape sequence, and the Unicode
bidirectional controls reorder what the reader sees. Human output drops them;
JSON output keeps values exact, because JSON escapes them.
"""

from __future__ import annotations

_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
_CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI)

# Lines of output keep their line breaks; a table cell or a one-line message does not.
_FOR_TEXT = {cp: None for cp in _CONTROLS if chr(cp) not in "\n\t"}
_FOR_LINE = {**_FOR_TEXT, ord("\n"): " ", ord("\t"): " "}


def printable(text: str) -> str:
    """``text`` without the characters that steer a terminal; line breaks and tabs stay."""
    return text.translate(_FOR_TEXT)


def one_line(text: str) -> str:
    """``text`` as one line for a table cell or an error: controls dropped, breaks and tabs made spaces."""
    return text.translate(_FOR_LINE)
