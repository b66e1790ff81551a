"""``disputeflow serve --workers N``: what each worker process builds, and the secret they must share.

uvicorn starts a worker by importing an app factory, so the options of the
command travel to the workers in one environment variable (:data:`SPEC_ENV`) and
the session secret in ``DISPUTEFLOW_SECRET``. Each worker builds its own engine
(its own connection pool) and its own scheduler: every scheduler delivers
notifications (the outbox's claims keep that exactly-once) but only the one
holding the database's leader lock sweeps (:mod:`disputeflow.workflow.leader`).

A session cookie signed by one worker must be accepted by every other worker and
every other host behind the load balancer: with more than one worker a configured
secret is required (a random one per process would sign people out at random).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from disputeflow.web.app import configured_secret  # noqa: F401  (serve reads it from here)
from disputeflow.workflow.errors import ConfigError

SPEC_ENV = "DISPUTEFLOW_SERVE_SPEC"
FACTORY = "disputeflow.web.workers:app"


@dataclass
class Spec:
    """The ``serve`` options a worker needs to build the same app as its siblings."""

    db: str | None = None
    config: str | None = None
    lang: str = "zh_CN"
    now: str | None = None
    sweep_seconds: int = 60
    scheduler: bool = True
    secure_cookies: bool = False

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> "Spec":
        return cls(**json.loads(text))


def secret_missing(workers: int) -> ConfigError:
    """The refusal to start several workers that would each sign cookies with a random key of their own."""
    return ConfigError(
        f"以 {workers} 个工作进程运行时，各进程（以及负载均衡后的各台主机）须用同一密钥签名会话 Cookie，"
        "否则登录会随机失效。请用 --secret、环境变量 DISPUTEFLOW_SECRET 或配置文件 [web] secret 设置密钥"
        "（可用 python -c \"import secrets; print(secrets.token_urlsafe(32))\" 生成）",
        f"with {workers} worker processes every process (and every host behind the load balancer) must sign "
        "session cookies with the same key, or sign-ins fail at random. Set one with --secret, DISPUTEFLOW_SECRET "
        "or [web] secret in the configuration file "
        "(python -c \"import secrets; print(secrets.token_urlsafe(32))\" makes one)")


def build_app(spec: Spec, secret: str | None, engine):
    """The app over ``engine`` with its scheduler (unless switched off), as ``serve`` runs it."""
    from disputeflow.web.app import create_app

    scheduler = None
    if spec.scheduler:
        from disputeflow.workflow import scheduler as sched_mod

        scheduler = sched_mod.build(engine, sweep_seconds=spec.sweep_seconds)
    return create_app(engine, secret=secret, scheduler=scheduler, lang=spec.lang, secure_cookies=spec.secure_cookies)


def app():
    """uvicorn's factory in each worker process: the engine and app from :data:`SPEC_ENV`."""
    from disputeflow.cli.context import Ctx

    spec = Spec.loads(os.environ[SPEC_ENV])
    ctx = Ctx(db=spec.db, user=None, as_json=False, lang=spec.lang, now=spec.now, config=spec.config,
              command="serve")
    engine = ctx.engine()
    secret = os.environ.get("DISPUTEFLOW_SECRET") or configured_secret(engine)
    if not secret:
        raise secret_missing(2)
    return build_app(spec, secret, engine)
