"""Templates, masking and notification settings, without a database.

Every shipped template is rendered with a realistic case in both languages
and must show personal data masked; undefined names fail; HTML is escaped and
plain text is not; operator overrides run in the sandbox.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import SecurityError

from disputeflow.notifications import samples
from disputeflow.notifications.channels import ChannelConfigError
from disputeflow.notifications.privacy import mask_id, mask_phone, scrub
from disputeflow.notifications.render import BUILTIN_DIR, Renderer, stem_for
from disputeflow.notifications.settings import NotifySettings

RENDERER = Renderer()
KEYS = sorted(samples.EVENTS)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_event_renders_masked_in_both_languages(key, lang):
    event, ctx = samples.context(key, lang)
    short = RENDERER.short(lang, event, ctx)
    mail = RENDERER.email(lang, event, ctx)
    assert short and mail.subject and mail.text and mail.html.startswith("<!DOCTYPE html>")
    assert "\n" not in mail.subject
    for text in (short, mail.subject, mail.text, mail.html):
        for secret in samples.SECRETS:
            assert secret not in text
    if ctx["case"] is not None:
        assert ctx["case"]["number"] in short and ctx["case"]["number"] in mail.subject
        assert "138****8000" in mail.text  # the party's phone, masked
    if lang == "zh_CN":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in mail.subject)
        assert "您好" in mail.text
    else:
        assert "Dear" in mail.text and "您好" not in mail.text


def test_every_template_file_is_used_in_both_languages():
    stems = {stem_for(samples.context(k)[0], samples.context(k)[1]["data"]) for k in KEYS}
    for lang in ("zh_CN", "en"):
        files = {p.name[:-3] for p in (BUILTIN_DIR / lang).glob("*.j2") if not p.name.startswith("_")}
        assert files <= stems, f"{lang}: templates without a sample: {files - stems}"
    zh = {p.name for p in (BUILTIN_DIR / "zh_CN").glob("*.j2")}
    en = {p.name for p in (BUILTIN_DIR / "en").glob("*.j2")}
    assert zh == en


def test_escalation_wording_per_step_and_follow_up():
    _e, warn = samples.context("escalate.warning")
    assert RENDERER.short("zh_CN", "escalate.warning", warn).startswith("【预警】")
    assert "将于2026-03-18 09:00到期" in RENDERER.short("zh_CN", "escalate.warning", warn)
    e, red = samples.context("escalate.level3")
    assert "已自动挂牌督办" in RENDERER.email("zh_CN", e, red).text
    e, fu = samples.context("escalate.follow_up")
    assert RENDERER.email("zh_CN", e, fu).subject.startswith("【回访提醒】")


def test_strict_undefined_fails_loudly():
    event, ctx = samples.context("report")
    del ctx["actor_name"]
    with pytest.raises(jinja2.UndefinedError):
        RENDERER.email("zh_CN", event, ctx)


def test_html_is_escaped_and_plain_text_is_not():
    event, ctx = samples.context("report")
    ctx["case"] = {**ctx["case"], "title": '<script>alert("x")</script> & 邻居'}
    mail = RENDERER.email("zh_CN", event, ctx)
    assert '<script>alert("x")</script> & 邻居' in mail.subject and "<script>" in mail.text
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html and "&amp; 邻居" in mail.html


def test_override_directory_runs_in_the_sandbox(tmp_path):
    (tmp_path / "zh_CN").mkdir()
    (tmp_path / "zh_CN" / "report.short.j2").write_text("新案 {{ case.number }}", encoding="utf-8")
    (tmp_path / "zh_CN" / "close.short.j2").write_text("{{ case.__class__.__mro__ }}", encoding="utf-8")
    r = Renderer(str(tmp_path))
    event, ctx = samples.context("report")
    assert r.short("zh_CN", event, ctx) == "新案 试点-2026-000123"
    assert r.email("zh_CN", event, ctx).subject.startswith("【新登记】")  # falls back to the shipped file
    with pytest.raises(SecurityError):
        r.short("zh_CN", "close", samples.context("close")[1])
    (tmp_path / "zh_CN" / "delist.short.j2").write_text("{{ data.update({'x': 1}) }}", encoding="utf-8")
    with pytest.raises(SecurityError):
        r.short("zh_CN", "delist", samples.context("delist")[1])


def test_templates_ship_inside_the_package():
    from disputeflow import templates
    root = Path(templates.__file__).parent / "notifications"
    assert root.resolve() == BUILTIN_DIR.resolve()
    assert (root / "zh_CN" / "report.j2").is_file() and (root / "en" / "_layout.html.j2").is_file()
    # every template file is declared as package data of the package its directory is
    from fnmatch import fnmatch

    from tests.conftest import setup_cfg

    project = Path(__file__).parents[2]
    declared = {pkg: [p.strip() for p in v.split(",")] for pkg, v in setup_cfg()["options.package_data"].items()}
    files = [f for f in (project / "templates").rglob("*") if f.is_file() and f.suffix not in (".py", ".pyc")]
    assert len(files) > 20
    for f in files:
        pkg = "disputeflow." + ".".join(f.parent.relative_to(project).parts)
        assert any(fnmatch(f.name, pat) for pat in declared.get(pkg, ())), f"{f} is not package data of {pkg}"


@pytest.mark.parametrize("raw, masked", [("13812348000", "138****8000"), ("138-1234-8000", "138****8000"),
                                         ("110", "***"), ("", "")])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_and_free_text():
    assert mask_id("11010519491231002X") == "**************002X"
    text = scrub("张三身份证11010519491231002X，电话 138 1234 8000，门牌12号")
    assert text == "张三身份证**************002X，电话 138****8000，门牌12号"


def test_settings_from_config_and_environment():
    s = NotifySettings.from_config({
        "max_attempts": 5, "backoff_seconds": 10, "backoff_max_seconds": 60,
        "roles": {"supervisor": ["email"]}, "users": {"zhang": {"channels": ["email"]}},
        "channels": {"email": {"kind": "email", "host": "smtp.local", "password": "env:SMTP_PW"},
                     "robot": {"kind": "wecom", "events": ["escalate.*"]}},
    }, environ={"SMTP_PW": "pw", "DISPUTEFLOW_NOTIFY_ROBOT_URL": "https://robot.local/send?key=k"})
    assert s.channels["email"]["password"] == "pw" and s.channels["robot"]["url"].endswith("key=k")
    assert set(s.channels) == {"inbox", "email", "robot"}
    assert [s.backoff(i) for i in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert s.person_channels_for("li", "supervisor") == ["inbox", "email"]
    assert s.person_channels_for("zhang", "mediator") == ["email"]
    assert s.channels["robot"]["events"] == ["escalate.*"] and s.channels["robot"]["name"] == "robot"
    with pytest.raises(ChannelConfigError, match="SMTP_PW"):
        NotifySettings.from_config({"channels": {"email": {"password": "env:SMTP_PW"}}}, environ={})
    with pytest.raises(ChannelConfigError, match="unknown"):
        NotifySettings.from_config({"max_attempt": 3})


def test_wrong_channel_settings_stop_the_engine_with_a_readable_error(tmp_path):
    from disputeflow import ConfigError, Engine
    from disputeflow.workflow.config import Config

    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert Engine(url).check_notifications() == ["inbox", "log"]
    bad = Engine(Config(url=url, notifications={"channels": {"mail": {"kind": "email"}}}))
    with pytest.raises(ConfigError) as err:
        bad.check_notifications()
    assert "host" in err.value.message("zh_CN") and err.value.message("zh_CN").startswith("通知配置有误")
    with pytest.raises(ConfigError, match="pigeon"):
        Engine(Config(url=url, notifications={"channels": {"x": {"kind": "pigeon"}}})).check_notifications()


def test_config_file_template_dir_is_relative_to_the_file(tmp_path):
    from disputeflow.workflow.config import Config

    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "disputeflow.toml"
    path.write_text('[notifications]\ntemplate_dir = "tpl"\nmax_attempts = 4\n', encoding="utf-8")
    cfg = Config.load(path)
    assert cfg.notifications["template_dir"] == str((tmp_path / "conf" / "tpl").resolve())
    assert NotifySettings.from_config(cfg.notifications).max_attempts == 4


def test_the_notifications_package_does_not_import_the_workflow_package():
    import subprocess
    import sys

    code = ("import sys, disputeflow.notifications.dispatcher, disputeflow.notifications.inbox, disputeflow.notifications.samples, "
            "disputeflow.notifications.channels.email, disputeflow.notifications.channels.robots, disputeflow.notifications.channels.webhook, "
            "disputeflow.notifications.channels.inbox, disputeflow.notifications.channels.log; "
            "print(sorted(m for m in sys.modules if m == 'disputeflow.workflow' or m.startswith('disputeflow.workflow.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(Path(__file__).parents[2]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
