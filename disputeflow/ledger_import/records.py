"""A ledger row as the import keeps it: a plain record, its key and hash, and what is wrong with a row.

A record is plain JSON-able data; its hash decides whether a re-imported row
changed, and it is kept with the import key so a correction can be diffed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from disputeflow.cases.canonical import dumps_ordered


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    zh: str
    en: str

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh

    def to_dict(self, lang: str = "zh_CN") -> dict:
        return {"row": self.row, "column": self.column, "message": self.message(lang)}


def identity_hash(rec: dict) -> str:
    """A stable key for a row without a ledger number: its report day, unit and party names.

    Correcting any other cell keeps the key, so the correction updates the case;
    correcting one of these makes it a different row.
    """
    day = rec["dates"].get("reported_at", "")[:10]
    names = sorted(p["name"] for p in rec["parties"])
    basis = json.dumps([day, rec["unit"], names], ensure_ascii=False)
    return "h:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def record_json(rec: dict) -> tuple[str, str]:
    """(hash, JSON) of a record: the hash tells a changed row, the JSON is kept for diffs.

    The validator builds every record with its keys in one fixed order, so the
    text is canonical without sorting.
    """
    text = dumps_ordered(rec)
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), text
