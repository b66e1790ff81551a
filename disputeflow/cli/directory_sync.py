"""``disputeflow directory sync FILE``: the host's organisation list read into the units and users.

The file is JSON (``{"units": [...], "users": [...]}``, or one list) or CSV
with a header row (a ``kind`` column makes it units, a ``role`` column users).
Each run is one transaction per list and may be repeated: the same file a
second time changes nothing (see :mod:`disputeflow.workflow.directory_sync`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.workflow.errors import ValidationError

_LISTS = (("units", "单位"), ("users", "用户"))


def _which(rows: list) -> str:
    """Whether a list is of units or of users, by its first row's keys."""
    first = rows[0] if rows and isinstance(rows[0], dict) else {}
    if "role" in first:
        return "users"
    if "kind" in first:
        return "units"
    raise ValidationError.one("FILE", "无法判断是单位还是用户列表（单位须有 kind 列，用户须有 role 列）",
                              "cannot tell units from users (units have a kind column, users a role column)")


def _csv_row(row: dict) -> dict:
    """A CSV row: empty cells absent (so a missing short name keeps the stored one), ``active`` as a flag,
    ``handles`` split on commas."""
    out = {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}
    if "active" in out:
        out["active"] = out["active"].lower() not in ("0", "false", "no", "否", "停用")
    if "handles" in out:
        out["handles"] = [h for h in out["handles"].split(",") if h.strip()]
    return out


def read_lists(path: Path) -> dict[str, list]:
    """The units and users lists of a JSON or CSV file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = [_csv_row(r) for r in csv.DictReader(text.splitlines())]
        return {_which(rows): rows} if rows else {}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError.one("FILE", f"JSON 格式有误：第 {exc.lineno} 行", f"invalid JSON at line {exc.lineno}") from None
    if isinstance(doc, list):
        return {_which(doc): doc} if doc else {}
    if isinstance(doc, dict):
        return {k: list(doc[k]) for k, _ in _LISTS if isinstance(doc.get(k), list)}
    raise ValidationError.one("FILE", "JSON 应为列表或含 units/users 的对象", "JSON must be a list or an object "
                              "with units/users")


@click.group(help="与外部系统同步单位和用户。")
def group():
    pass


@group.command("sync", help="从 JSON 或 CSV 文件批量同步单位和用户（新增或更新；重复执行不产生变化）。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True, help="停用文件中没有列出的单位或用户（含本系统自己的账号）。")
@pass_ctx
def sync(c: Ctx, file: Path, deactivate_missing: bool):
    lists = read_lists(file)
    eng = c.engine()
    done, lines = {}, []
    for key, zh in _LISTS:
        if key in lists:
            run = eng.sync_units if key == "units" else eng.sync_users
            n = done[key] = run(lists[key], deactivate_missing=deactivate_missing)
            lines.append(c.t(f"{zh}：新增 {n['created']}，更新 {n['updated']}，未变 {n['unchanged']}，停用 {n['deactivated']}",
                             f"{key}: {n['created']} created, {n['updated']} updated, {n['unchanged']} unchanged, "
                             f"{n['deactivated']} deactivated"))
    c.out(done, "\n".join(lines) or c.t("文件中没有单位或用户。", "the file lists no units or users."))
