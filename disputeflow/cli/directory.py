"""The units and users of the jurisdiction: ``disputeflow unit …`` and ``disputeflow user …``.

The people and places every case refers to, set up by an administrator before the first case.
"""

from __future__ import annotations

import click

from disputeflow.cli.context import Ctx, pass_ctx
from disputeflow.cli.params import TEXT


@click.group(help="辖区单位：县（区）、镇、村（社区）、网格、站所。")
def unit():
    pass


@unit.command("add", help="新增单位。")
@click.argument("unit_id")
@click.option("--name", required=True, help="单位名称。")
@click.option("--parent", help="上级单位编号。")
@click.option("--kind", type=click.Choice(["county", "town", "village", "community", "grid", "office"]), default="village",
              show_default=True, help="单位类型。")
@click.option("--short-name", help="简称，用于人民调解文书编号（如“东”得“（2026）东调字第001号”；默认取名称首字）。")
@click.option("--handles", multiple=True, metavar="CATEGORY",
              help="站所受理的纠纷类型（可重复或用逗号分隔，如 labour），交办时据此推荐站所。")
@pass_ctx
def unit_add(c: Ctx, unit_id, name, parent, kind, short_name, handles):
    u = c.engine().add_unit(unit_id, name, kind, parent, short_name=short_name, handles=handles)
    c.out(u, c.t(f"已新增单位 {u['id']}（{u['name']}）。", f"unit {u['id']} ({u['name']}) added."))


@unit.command("list", help="列出单位。")
@pass_ctx
def unit_list(c: Ctx):
    from disputeflow.workflow.vocabulary import UNIT_KINDS
    from disputeflow.cli.texttable import render

    rows = c.engine().units()
    kinds = {k: (v[1] if c.en else v[0]) for k, v in UNIT_KINDS.items()}
    c.out(rows, render(c.t("编号 名称 类型 上级", "id name kind parent").split(),
                       [(r["id"], r["name"], kinds.get(r["kind"], r["kind"]), r["parent"]) for r in rows]))


@unit.command("move", help="把单位（连同下级单位、用户和案件）迁移到新的上级单位下；已有案件随之归新的上级管辖，案件编号不变。")
@click.argument("unit_id")
@click.option("--parent", required=True, help="新的上级单位编号（写 - 表示移到最上级）。")
@pass_ctx
def unit_move(c: Ctx, unit_id, parent):
    u = c.engine().move_unit(unit_id, None if parent == "-" else parent)
    m = u["moved"]
    c.out(u, c.t(f"已迁移单位 {u['id']}（{u['name']}）到 {u['path']}：单位 {m['units']} 个、用户 {m['users']} 个、"
                 f"案件 {m['cases']} 件。",
                 f"unit {u['id']} ({u['name']}) moved to {u['path']}: {m['units']} units, {m['users']} users, "
                 f"{m['cases']} cases."))


@unit.command("deactivate", help="停用单位：不能再在此登记案件或新增用户，已有案件照常可查。有未停用的下级单位或未办结案件时拒绝，除非加 --force。")
@click.argument("unit_id")
@click.option("--force", is_flag=True, help="强制停用（连同全部下级单位；未办结案件仍由原承办人办理）。")
@pass_ctx
def unit_deactivate(c: Ctx, unit_id, force):
    u = c.engine().deactivate_unit(unit_id, force=force)
    c.out(u, c.t(f"已停用单位 {u['id']}（{u['name']}）。" if u["changed"] else f"单位 {u['id']} 已是停用状态。",
                 f"unit {u['id']} deactivated." if u["changed"] else f"unit {u['id']} was already deactivated."))


@click.group(help="用户与角色。")
def user():
    pass


@user.command("add", help="新增用户。角色：grid_officer 网格员、mediator 调解员、lead_official 包案领导、supervisor 督办人员、admin 管理员。")
@click.argument("user_id")
@click.option("--name", required=True, help="姓名。")
@click.option("--role", required=True, help="角色。")
@click.option("--unit", "unit_id", help="所属单位（默认：唯一的镇）。")
@click.option("--phone", help="手机号。")
@click.option("--email", help="电子邮箱。")
@pass_ctx
def user_add(c: Ctx, user_id, name, role, unit_id, phone, email):
    eng = c.engine()
    if not unit_id:
        towns = [u for u in eng.units() if u["kind"] == "town"]
        if len(towns) != 1:
            from disputeflow.workflow.errors import ValidationError

            raise ValidationError.one("--unit", "请用 --unit 指明所属单位", "say which unit with --unit")
        unit_id = towns[0]["id"]
    u = eng.add_user(user_id, name, role, unit_id, phone, email)
    c.out(u, c.t(f"已新增用户 {u['id']}（{u['name']}，{eng.role_label(role)}）。",
                 f"user {u['id']} ({u['name']}, {role}) added."))


@user.command("list", help="列出用户。")
@click.option("--unit", "unit_id", type=TEXT, help="只看此单位。")
@click.option("--role", type=TEXT, help="只看此角色。")
@pass_ctx
def user_list(c: Ctx, unit_id, role):
    from disputeflow.workflow.masking import mask_contacts
    from disputeflow.cli.texttable import render

    eng = c.engine()
    if unit_id and unit_id not in {u["id"] for u in eng.units()}:
        from disputeflow.workflow.errors import NotFound

        raise NotFound(f"单位“{unit_id}”不存在", f"no unit {unit_id!r}")
    rows = [mask_contacts(r) for r in eng.users(unit_id, role)]
    c.out(rows, render(c.t("用户名 姓名 角色 单位 电话", "id name role unit phone").split(),
                       [(r["id"], r["name"], eng.role_label(r["role"]), r["unit_name"], r["phone"]) for r in rows]))


@user.command("deactivate", help="停用用户：不能登录、办理或被指派，也不再收到通知；其承办的案件保留记录，列出待重新指派的案件。")
@click.argument("user_id")
@pass_ctx
def user_deactivate(c: Ctx, user_id):
    u = c.engine().deactivate_user(user_id)
    held = "、".join(u["held"])
    zh = f"已停用用户 {u['id']}（{u['name']}）。" if u["changed"] else f"用户 {u['id']} 已是停用状态。"
    en = f"user {u['id']} deactivated." if u["changed"] else f"user {u['id']} was already deactivated."
    if held:
        zh += f"以下未办结案件需要重新指派：{held}"
        en += f" Open cases to reassign: {', '.join(u['held'])}"
    c.out(u, c.t(zh, en))


def _user_passwd():
    from disputeflow.cli.web import passwd  # click only: keeps --help fast

    return passwd


user.add_command(_user_passwd(), "passwd")
