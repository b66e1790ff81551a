"""The attachment operations of :class:`disputeflow.Engine`: attach, list, open and delete a case's files.

An upload is one transaction: the attachment row, the ``attach`` action's
audit event on the case's chain (name, type, size, SHA-256) and the bytes put
in the file store before the commit — a refused action leaves no row, and a
file store that fails leaves no event. Reading follows the case: whoever may
read the case may see and open its files, nobody else.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.errors import NotFound
from disputeflow.workflow.results import AttachmentDoc, NewAttachment
from disputeflow.workflow.unit_of_work import owned

if TYPE_CHECKING:
    from disputeflow.workflow.files import FileStore
    from disputeflow.workflow.runtime import Runtime

ACTIONS = ("attach", "detach")  # the case actions these operations perform; the case page's forms skip them


def _gone(number: str, attachment_id: int) -> NotFound:
    return NotFound(f"案件“{number}”没有第 {attachment_id} 号附件", f"case {number} has no attachment {attachment_id}")


class Attachments:
    """Files attached to a case as evidence (证据材料)."""

    _rt: "Runtime"

    @property
    def _file_store(self) -> "FileStore":
        """The configured file store (``[attachments]`` in the configuration; a local folder by default)."""
        rt = self._rt
        got = getattr(rt, "_files", None)
        if got is None:
            from disputeflow.workflow.files import store_for

            got = rt._files = store_for(rt.config, str(rt.db.url) if rt.db.url.drivername.startswith("sqlite") else "")
        return got

    @property
    def attachment_max_bytes(self) -> int:
        """The largest attachment accepted, in bytes (``[attachments] max_mb``, 20 MiB by default).

        A host checks an upload against it before reading the whole body.
        """
        from disputeflow.workflow.attachment_files import DEFAULT_MAX_MB

        mb = (self._rt.config.attachments or {}).get("max_mb", DEFAULT_MAX_MB)
        return int(float(mb) * 1048576)

    def attach(self, number: str, actor: str | Actor, filename: str, data: bytes) -> NewAttachment:
        """Attach ``data`` to case ``number`` as ``filename``.

        Raises:
            ValidationError: empty, too large, not an accepted type, or named as another type (field ``file``).
            NotFound, NotPermitted, InvalidAction: as for the ``attach`` action.
        """
        from disputeflow.cases import attachment_store
        from disputeflow.workflow import commands
        from disputeflow.workflow.attachment_files import check

        got = check(data, filename, self.attachment_max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        thumb_key = hashlib.sha256(got.thumbnail).hexdigest() if got.thumbnail else None
        rt = self._rt
        now = rt.clock.now()
        who = actor if isinstance(actor, Actor) else str(actor)
        with owned(rt):  # a before_commit listener: the change on a SQLAlchemy connection, told inside
            with rt.store.write() as tx:
                case_id = attachment_store.case_id(tx, number)
                if case_id is None:
                    raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
                by = who.id if isinstance(who, Actor) else who
                aid = attachment_store.insert(tx, case_id, got.name, got.content_type, len(data), digest, thumb_key,
                                              by, now)
                out = commands.act(rt, number, "attach", who, {
                    "attachment": aid, "file": got.name, "content_type": got.content_type, "size": len(data),
                    "sha256": digest}, tx=tx, now=now)
                self._file_store.put(digest, data)
                if got.thumbnail:
                    self._file_store.put(thumb_key, got.thumbnail)
            rt.emit(out)
        return {"id": aid, "name": got.name, "content_type": got.content_type, "size": len(data), "sha256": digest,
                "thumbnail": bool(thumb_key), "uploaded_by": by, "uploaded_at": now.isoformat(), "seq": out.seq}

    def attachments(self, number: str, actor: str | Actor | None = None, *,
                    with_deleted: bool = False) -> list[AttachmentDoc]:
        """The case's files, oldest first, for a reader of the case (uploader names resolved)."""
        from disputeflow.cases import attachment_store, directory, transactions
        from disputeflow.workflow import queries

        queries.case(self._rt, number, actor, self._rt.lang)  # NotFound / NotPermitted as for the case itself
        with self._rt.store.read() as tx:
            case_id = attachment_store.case_id(tx, number)
            rows = attachment_store.of_case(tx, case_id, with_deleted)
        with transactions.read(self._rt.store) as conn:
            names = directory.user_names(conn, [r.uploaded_by for r in rows] + [r.deleted_by for r in rows])
        return [cast(AttachmentDoc, _doc(r, names)) for r in rows]

    def attachment_file(self, number: str, attachment_id: int, actor: str | Actor | None = None, *,
                        thumbnail: bool = False) -> tuple[str, bytes, str]:
        """``(name, bytes, content type)`` of one current attachment (its thumbnail, a JPEG, if asked)."""
        from disputeflow.cases import attachment_store
        from disputeflow.workflow import queries

        queries.case(self._rt, number, actor, self._rt.lang)
        with self._rt.store.read() as tx:
            case_id = attachment_store.case_id(tx, number)
            row = attachment_store.one(tx, case_id, attachment_id)
        if row is None or row.deleted_at is not None:
            raise _gone(number, attachment_id)
        if thumbnail:
            if not row.thumb:
                raise NotFound("该附件没有缩略图", f"attachment {attachment_id} has no thumbnail")
            return (f"thumb-{attachment_id}.jpg", self._file_store.get(row.thumb), "image/jpeg")
        return (row.name, self._file_store.get(row.sha256), row.content_type)

    def detach(self, number: str, attachment_id: int, actor: str | Actor, *, reason: str | None = None) -> dict:
        """Mark an attachment deleted (the ``detach`` action, on the chain); its row stays for the file's record."""
        from disputeflow.cases import attachment_store
        from disputeflow.workflow import commands

        rt = self._rt
        now = rt.clock.now()
        with owned(rt):  # a before_commit listener: the change on a SQLAlchemy connection, told inside
            with rt.store.write() as tx:
                case_id = attachment_store.case_id(tx, number)
                if case_id is None:
                    raise NotFound(f"案件“{number}”不存在", f"case {number} not found")
                row = attachment_store.one(tx, case_id, attachment_id)
                if row is None or row.deleted_at is not None:
                    raise _gone(number, attachment_id)
                data: dict[str, Any] = {"attachment": attachment_id, "file": row.name}
                if reason:
                    data["reason"] = reason
                out = commands.act(rt, number, "detach", actor, data, tx=tx, now=now)
                attachment_store.mark_deleted(tx, attachment_id, out.actor, now)
            rt.emit(out)
        return {"id": attachment_id, "name": row.name, "seq": out.seq}


def _doc(r, names: dict[str, str]) -> dict:
    return {"id": r.id, "name": r.name, "content_type": r.content_type, "size": r.size, "sha256": r.sha256,
            "image": r.is_image, "thumbnail": bool(r.thumb), "uploaded_by": r.uploaded_by,
            "uploaded_by_name": names.get(r.uploaded_by, r.uploaded_by),
            "uploaded_at": r.uploaded_at.isoformat() if r.uploaded_at else None,
            "deleted_at": r.deleted_at.isoformat() if r.deleted_at else None,
            "deleted_by_name": names.get(r.deleted_by or "", r.deleted_by)}
