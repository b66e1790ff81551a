"""The attachments table's statements: written inside a case command's transaction, read for pages and papers.

The insert and the deletion mark run on the command's :class:`~disputeflow.cases.tx.Tx`,
so an attachment row and the audit event that records it commit together.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import text

COLUMNS = "id, case_id, name, content_type, size, sha256, thumb, uploaded_by, uploaded_at, deleted_at, deleted_by"


class Attachment(NamedTuple):
    id: int
    case_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    thumb: str | None
    uploaded_by: str
    uploaded_at: datetime
    deleted_at: datetime | None
    deleted_by: str | None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _record(tx, row) -> Attachment:
    a = Attachment._make(row)
    return a._replace(uploaded_at=tx.time(a.uploaded_at), deleted_at=tx.time(a.deleted_at))


def case_id(tx, number: str) -> int | None:
    rows = tx.query("SELECT id FROM cases WHERE number = :number", {"number": number})
    return rows[0][0] if rows else None


def insert(tx, case_id: int, name: str, content_type: str, size: int, sha256: str, thumb: str | None,
           by: str, now: datetime) -> int:
    rows = tx.query(
        "INSERT INTO attachments (case_id, name, content_type, size, sha256, thumb, uploaded_by, uploaded_at) "
        "VALUES (:case_id, :name, :content_type, :size, :sha256, :thumb, :by, :now) RETURNING id",
        {"case_id": case_id, "name": name, "content_type": content_type, "size": size, "sha256": sha256,
         "thumb": thumb, "by": by, "now": tx.t(now)})
    return rows[0][0]


def mark_deleted(tx, attachment_id: int, by: str, now: datetime) -> int:
    return tx.execute("UPDATE attachments SET deleted_at = :now, deleted_by = :by "
                      "WHERE id = :id AND deleted_at IS NULL", {"id": attachment_id, "by": by, "now": tx.t(now)})


def of_case(tx, case_id: int, with_deleted: bool = False) -> list[Attachment]:
    where = "" if with_deleted else " AND deleted_at IS NULL"
    rows = tx.query(f"SELECT {COLUMNS} FROM attachments WHERE case_id = :case_id{where} ORDER BY id",
                    {"case_id": case_id})
    return [_record(tx, r) for r in rows]


def one(tx, case_id: int, attachment_id: int) -> Attachment | None:
    rows = tx.query(f"SELECT {COLUMNS} FROM attachments WHERE case_id = :case_id AND id = :id",
                    {"case_id": case_id, "id": attachment_id})
    return _record(tx, rows[0]) if rows else None


def listing(conn, case_id: int) -> list[tuple[int, str, str, int, datetime, str]]:
    """The case's current attachments on a SQLAlchemy connection (the papers read that way):
    ``(id, name, content_type, size, uploaded_at, uploaded_by)``, oldest first."""
    from disputeflow.cases.types import from_db

    return [(r[0], r[1], r[2], r[3], from_db(r[4]), r[5]) for r in conn.execute(text(
        "SELECT id, name, content_type, size, uploaded_at, uploaded_by FROM attachments "
        "WHERE case_id = :case_id AND deleted_at IS NULL ORDER BY id"), {"case_id": case_id}).all()]
