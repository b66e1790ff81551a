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


def _user_passwd():
    from disputeflow.cli.web import passwd  # click only: keeps --help fast

    return passwd


user.add_command(_user_passwd(), "passwd")
