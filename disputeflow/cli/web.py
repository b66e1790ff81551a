"""CLI for the web: ``disputeflow serve``, ``disputeflow token …`` and ``user passwd``.

``serve`` runs the ASGI app on uvicorn (loopback by default) with the
scheduler in the same process, or in each of ``--workers`` processes (see
:mod:`disputeflow.web.workers`); the global ``--now`` fixes the clock, for drills
and browser tests.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from disputeflow.cli.params import PORT, ROW_ID, SECONDS, TEXT, WORKERS

if TYPE_CHECKING:  # the CLI imports this module; no import back at run time
    from disputeflow.cli.context import Ctx

# Demo sign-ins that ``serve --demo-logins`` sets (only where no password is set yet).
DEMO_PASSWORD = "shuangru2026"
DEMO_LOGINS = (
    ("wg-donggang-01-1", "网格员", "grid officer"),
    ("tj-donggang", "东岗村调解员", "village mediator"),
    ("sf-chen", "司法所调解员", "justice-office mediator"),
    ("ld-zhao", "包案领导", "lead official"),
    ("zz-wang", "督办人员", "supervisor"),
    ("rs-tang", "人社所工作人员", "labour-office staff"),
    ("cc-zhang", "县综治中心督办人员", "county supervisor"),
    ("admin", "管理员", "administrator"),
)


def set_demo_logins(engine) -> list[tuple[str, str]]:
    """Give the demo town's sample users the demo password unless they have one. Returns (user, role label)."""
    from disputeflow.cases import directory, transactions

    present = {u["id"] for u in engine.users()}
    from disputeflow.workflow.runtime import runtime_of

    with transactions.read(runtime_of(engine).store) as conn:
        has = directory.users_with_password(conn)
    out = []
    for uid, zh, en in DEMO_LOGINS:
        if uid not in present:
            continue
        if uid not in has:
            engine.set_password(uid, DEMO_PASSWORD)
        out.append((uid, en if engine.lang.startswith("en") else zh))
    return out


@click.command("serve", help="启动网页工作台和 HTTP 接口（同一进程内运行调度器）。")
@click.option("--host", type=TEXT, default="127.0.0.1", show_default=True, help="监听地址（默认仅本机）。")
@click.option("--port", default=8000, show_default=True, type=PORT, help="端口（1—65535）。")
@click.option("--workers", default=1, show_default=True, type=WORKERS,
              help="工作进程数（1—64）；多于 1 个时须配置会话密钥（--secret、DISPUTEFLOW_SECRET 或配置文件 [web] secret）。")
@click.option("--no-scheduler", is_flag=True, help="不在本进程运行调度器。")
@click.option("--sweep-seconds", default=60, show_default=True, type=SECONDS, help="巡检间隔（秒，1—86400）。")
@click.option("--secret", envvar="DISPUTEFLOW_SECRET",
              help="签名会话 Cookie 的密钥（也可在配置文件 [web] secret 设置；都没有时随机，重启后需重新登录）。")
@click.option("--demo-logins", is_flag=True, help="为示范镇的样例用户设置演示密码并打印登录名。")
@click.option("--secure-cookies", is_flag=True, help="Cookie 仅经 HTTPS 发送（部署在 HTTPS 之后时使用）。")
@click.pass_obj
def serve(c: Ctx, host, port, workers, no_scheduler, sweep_seconds, secret, demo_logins, secure_cookies):
    import uvicorn

    from disputeflow.web import workers as served

    engine = c.engine()
    secret = secret or served.configured_secret(engine)
    if workers > 1 and not secret:
        raise served.secret_missing(workers)
    engine.init()
    spec = served.Spec(db=c.db, config=c.config, lang=c.lang, now=c.now, sweep_seconds=sweep_seconds,
                       scheduler=not no_scheduler, secure_cookies=secure_cookies)
    click.echo(c.t(f"工作台地址：http://{host}:{port}/    接口：http://{host}:{port}/api/v1/openapi.json",
                   f"workspace: http://{host}:{port}/    API: http://{host}:{port}/api/v1/openapi.json"))
    if demo_logins:
        logins = set_demo_logins(engine)
        if logins:
            click.echo(c.t(f"演示登录（密码均为 {DEMO_PASSWORD}）：", f"demo sign-ins (password {DEMO_PASSWORD}):"))
            for uid, label in logins:
                click.echo(f"  {uid:<20} {label}")
    if c.now:
        click.echo(c.t(f"时钟固定在 {c.now}", f"clock fixed at {c.now}"))
    if workers > 1:
        click.echo(c.t(f"{workers} 个工作进程；调度器在每个进程中运行，只有持有领导锁的一个巡检。",
                       f"{workers} worker processes; each runs a scheduler, only the one holding the leader lock sweeps."))
    click.echo(c.t("按 Ctrl-C 停止。", "press Ctrl-C to stop."), err=False)
    level = os.environ.get("DISPUTEFLOW_LOG_LEVEL", "warning")
    if workers == 1:
        app = served.build_app(spec, secret, engine)
        uvicorn.run(app, host=host, port=port, log_level=level, proxy_headers=False)
        return
    # Each worker is a process of its own that builds its engine and app from the spec (uvicorn imports the factory).
    engine.close()  # this process only starts and watches the workers: no pool of its own kept open
    os.environ[served.SPEC_ENV] = spec.dumps()
    os.environ["DISPUTEFLOW_SECRET"] = secret
    uvicorn.run(served.FACTORY, factory=True, workers=workers, host=host, port=port, log_level=level,
                proxy_headers=False)


@click.group("token", help="HTTP 接口令牌：签发、列出、吊销。")
def token():
    pass


@token.command("create", help="为其他系统签发令牌（以 --user 的身份、限于 --unit 单位内）；令牌只显示一次。")
@click.argument("name")
@click.option("--user", "user_id", required=True, help="令牌代表的用户。")
@click.option("--unit", "unit_id", help="限定的单位（默认：该用户的单位）。")
@click.pass_obj
def token_create(c: Ctx, name, user_id, unit_id):
    t = c.engine().create_token(name, user_id, unit_id)
    c.out(t, c.t(f"已签发令牌 {t['id']}（{t['name']}，用户 {t['user']}，单位 {t['unit']}）：\n{t['token']}\n请妥善保存，此后不再显示。",
                 f"token {t['id']} issued ({t['name']}, user {t['user']}, unit {t['unit']}):\n{t['token']}\n"
                 "keep it safe: it is not shown again."))


@token.command("list", help="列出令牌（只显示前缀）。")
@click.pass_obj
def token_list(c: Ctx):
    from disputeflow.cli.texttable import render

    rows = c.engine().tokens()
    c.out(rows, render(c.t("编号 名称 用户 单位 前缀 吊销于", "id name user unit prefix revoked").split(),
                       [(r["id"], r["name"], r["user"], r["unit"], r["prefix"], r["revoked_at"] or "") for r in rows]))


@token.command("revoke", help="吊销令牌。")
@click.argument("token_id", type=ROW_ID)
@click.pass_obj
def token_revoke(c: Ctx, token_id):
    c.engine().revoke_token(token_id)
    c.out({"ok": True, "id": token_id}, c.t(f"令牌 {token_id} 已吊销。", f"token {token_id} revoked."))


@click.command("passwd", help="设置用户的网页登录密码（交互输入；或 --password-stdin 从标准输入读取）。")
@click.argument("user_id")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码。")
@click.pass_obj
def passwd(c: Ctx, user_id, password_stdin):
    import sys

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(c.t("新密码", "new password"), hide_input=True, confirmation_prompt=True)
    c.engine().set_password(user_id, password)
    c.out({"ok": True, "user": user_id}, c.t(f"已设置 {user_id} 的密码。", f"password of {user_id} set."))
