"""The API's attachment routes: list, upload (multipart), download, thumbnail and delete a case's files."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, File, Form, Path, UploadFile

from disputeflow.web.api_models import ERRORS
from disputeflow.web.files_out import file_response

AttachmentId = Path(ge=1, le=2**63 - 1, description="the attachment's id")


def read_upload(engine, upload: UploadFile) -> bytes:
    """The upload's bytes, reading one past the limit at most (the engine then names the limit)."""
    return upload.file.read(engine.attachment_max_bytes + 1)


def add_attachment_routes(api: FastAPI, engine, actor) -> None:
    @api.get("/cases/{number}/attachments", responses=ERRORS, summary="The case's attachments (证据材料)")
    def listing(number: str, who=Depends(actor)):
        return {"items": engine.attachments(number, who)}

    @api.post("/cases/{number}/attachments", status_code=201, responses=ERRORS,
              summary="Attach a file (multipart field `file`): a photo, a PDF scan, a Word or Excel document")
    def upload(number: str, file: UploadFile = File(...), name: Optional[str] = Form(None, max_length=200),
               who=Depends(actor)):
        return engine.attach(number, who, name or file.filename or "", read_upload(engine, file))

    @api.get("/cases/{number}/attachments/{attachment_id}", responses=ERRORS, summary="Download an attachment")
    def download(number: str, attachment_id: int = AttachmentId, who=Depends(actor)):
        return file_response(*engine.attachment_file(number, attachment_id, who), download=True)

    @api.get("/cases/{number}/attachments/{attachment_id}/thumbnail", responses=ERRORS,
             summary="An image attachment's thumbnail (JPEG, at most 320 px)")
    def thumbnail(number: str, attachment_id: int = AttachmentId, who=Depends(actor)):
        return file_response(*engine.attachment_file(number, attachment_id, who, thumbnail=True))

    @api.delete("/cases/{number}/attachments/{attachment_id}", responses=ERRORS,
                summary="Delete an attachment (recorded on the case's chain; the record of it stays)")
    def delete(number: str, attachment_id: int = AttachmentId,
               reason: Optional[str] = None, who=Depends(actor)):
        return engine.detach(number, attachment_id, who, reason=reason)
