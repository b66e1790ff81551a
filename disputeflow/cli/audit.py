"""``disputeflow audit``: verify the signed audit chains, re-sign unsigned events, make a key.

Exit codes of ``verify``: 0 intact (every event signed and checked, or no key
anywhere: then the output says the log is unsigned); 1 tampering found; 6 no
tampering found but the check is incomplete — signed events and no key to
check them, or unsigned/legacy events under a configured key (``audit resign``).
"""

from __future__ import annotations

import sys

import click

from disputeflow.cli.context import Ctx

EXIT_INCOMPLETE = 6


@click.group(help="审计日志：校验、重新签名、生成密钥。")
def group():
    pass


def problem_docs(problems, lang: str) -> list[dict]:
    return [{"number": p.number, "seq": p.seq, "field": p.field, "message": p.message(lang)} for p in problems]


def summary(c: Ctx, res: dict, what_zh: str, what_en: str) -> tuple[str, int]:
    """The human report of a verification and its exit code (shared by cases and key persons)."""
    problems, status = res["problems"], res["status"]
    counted = c.t(f"{what_zh}，{res['events']} 条事件", f"{what_en}, {res['events']} events")
    if status == "tampered":
        lines = [c.t(f"发现 {len(problems)} 处问题：", f"{len(problems)} problems found:")]
        lines += [f"  {p.number} #{p.seq if p.seq is not None else '-'}：{p.message(c.lang)}" for p in problems]
        return "\n".join(lines), 1
    if status == "no_key":
        return c.t(f"未配置审计密钥（DISPUTEFLOW_AUDIT_KEY 或配置文件 audit_key）：{res['unverifiable']} 处签名无法校验。"
                   f"其余检查（链接、序号、记录与日志是否一致、编号连续）未发现问题：{counted}。",
                   f"no audit key is configured (DISPUTEFLOW_AUDIT_KEY or audit_key in the config file): "
                   f"{res['unverifiable']} signatures could not be checked. The other checks (links, sequence, record "
                   f"against log, number gaps) found no problem: {counted}."), EXIT_INCOMPLETE
    if status == "incomplete":
        chains = "、".join(res["unsigned_chains"]) or "—"
        return c.t(f"未发现篡改（{counted}），但有未签名的记录：旧格式事件 {res['legacy']} 条、无密钥写入的事件 "
                   f"{res['unsigned']} 条、编号计数器 {res['unsigned_counters']} 个（涉及：{chains}）。"
                   f"核实无误后请运行 disputeflow audit resign。",
                   f"no tampering found ({counted}), but some records are not signed: {res['legacy']} legacy events, "
                   f"{res['unsigned']} events written without a key, {res['unsigned_counters']} number counters "
                   f"(in: {chains}). Once checked, run disputeflow audit resign."), EXIT_INCOMPLETE
    if status == "unsigned":
        return c.t(f"审计日志完好：{counted}。注意：未配置审计密钥，日志未签名，拥有数据库写权限者可改写事件后重新计算哈希"
                   f"（配置密钥见运维文档）。",
                   f"audit log intact: {counted}. Note: no audit key is configured, so the log is not signed and "
                   f"someone with write access to the database could rewrite and re-hash it (see the operations guide)."), 0
    return c.t(f"审计日志完好：{counted}，签名均已校验。", f"audit log intact: {counted}, every signature checked."), 0


@group.command("verify", help="校验每个案件的审计链（签名、序号、记录与日志是否一致、编号是否连续）；"
                              "发现篡改退出码 1，无法完整校验（缺少密钥或有未签名事件）退出码 6。")
@click.pass_obj
def verify(c: Ctx):
    res = c.engine().verify_audit()
    human, code = summary(c, res, f"{res['cases']} 个案件", f"{res['cases']} cases")
    c.out({**res, "ok": code == 0, "problems": problem_docs(res["problems"], c.lang)}, human)
    if code:
        sys.exit(code)


@group.command("resign", help="管理员：用当前审计密钥为未签名（旧格式或无密钥写入）的事件和编号计数器签名；"
                              "有问题的审计链不签名。")
@click.pass_obj
def resign(c: Ctx):
    from disputeflow.workflow.errors import NotPermitted

    eng = c.engine()
    who = eng.resolve_actor(c.actor())
    if who.role != "admin":
        raise NotPermitted("只有管理员可以重新签名审计日志", "only an administrator may re-sign the audit log")
    res = eng.resign_audit()
    refused = res["refused"]
    human = c.t(f"已签名：{res['chains']} 条审计链、{res['events']} 条事件、{res['counters']} 个编号计数器。",
                f"signed: {res['chains']} chains, {res['events']} events, {res['counters']} number counters.")
    if refused:
        human += "\n" + c.t(f"以下 {len(refused)} 处问题所在的记录未签名：", f"not signed, {len(refused)} problems:")
        human += "".join(f"\n  {p.number} #{p.seq if p.seq is not None else '-'}：{p.message(c.lang)}" for p in refused)
    c.out({**res, "refused": problem_docs(refused, c.lang)}, human)
    if refused:
        sys.exit(1)


@group.command("keygen", help="生成一个新的审计密钥（打印到标准输出；保存在数据库之外）。")
@click.pass_obj
def keygen(c: Ctx):
    from disputeflow.cases.audit_key import generate, key_id

    key = generate()
    c.out({"key": key, "key_id": key_id(key)}, key)
