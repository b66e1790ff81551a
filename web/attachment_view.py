"""What the case page shows of a case's attachments, and the words it uses (kept apart from the upload routes,
which use the case page in turn)."""

from __future__ import annotations

from disputeflow.web.files_out import human_size
from disputeflow.web.i18n import WORDS

WORDS.update({
    "attachments": ("附件（证据材料）", "Attachments (evidence)"),
    "attachments_none": ("尚无附件。", "No attachments yet."),
    "attach_pick": ("选择文件（照片、PDF、Word、Excel）", "Choose files (photos, PDF, Word, Excel)"),
    "attach_camera": ("拍照", "Take a photo"),
    "attach_submit": ("上传", "Upload"),
    "attach_hint": ("单个文件不超过 {mb} MB；照片会生成缩略图。", "Up to {mb} MB a file; photos get a thumbnail."),
    "attach_ok": ("已上传：{names}", "Uploaded: {names}"),
    "attach_empty": ("请先选择文件或拍照", "Choose a file or take a photo first"),
    "attach_too_many": ("一次最多上传 {n} 个文件", "At most {n} files at a time"),
    "detach": ("删除", "Delete"),
    "detach_reason": ("删除理由", "Reason"),
    "detach_ok": ("已删除附件：{name}", "Deleted: {name}"),
    "uploaded_by": ("上传人", "Uploaded by"),
})


def attachments_context(engine, number: str, user, actions: list[dict]) -> dict:
    """What the case page's attachments block needs; ``actions`` without the attach/detach forms."""
    from disputeflow.workflow.attachment_files import ACCEPT
    from disputeflow.workflow.engine_attachments import ACTIONS

    allowed = {a["action"] for a in actions if a["action"] in ACTIONS and a.get("available")}
    files = engine.attachments(number, user)
    for f in files:
        f["size_text"] = human_size(f["size"])
    return {"attachments": files, "can_attach": "attach" in allowed, "can_detach": "detach" in allowed,
            "attach_mb": engine.attachment_max_bytes // 1048576, "attach_accept": ACCEPT,
            "actions": [a for a in actions if a["action"] not in ACTIONS]}
