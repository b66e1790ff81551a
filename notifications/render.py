"""Render notifications from jinja2 templates, compiled once per process.

Templates live in ``templates/notifications/<lang>/`` inside the installed
package. Each event has one file ``<stem>.j2`` with three blocks: ``subject``
and ``body`` (e-mail, inbox) and ``short`` (robots, SMS, log). An operator may
override any of them from ``[notifications] template_dir`` — a whole file, or
one kind only as ``<stem>.short.j2`` / ``<stem>.email.j2`` (blocks ``subject``
and ``body``) / ``<stem>.html.j2``. As soon as an override directory is set,
every template is rendered in jinja2's ``ImmutableSandboxedEnvironment``.

Undefined names fail loudly (``StrictUndefined``); HTML (``*.html.j2``) is
autoescaped and nothing else is, so plain text keeps its quotes and angle
brackets. Events without a template of their own use ``_default.j2``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from disputeflow.notifications.privacy import mask_id, mask_phone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
LANGS = ("zh_CN", "en")
BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates" / "notifications"

# Events whose template stem is not the event name itself.
_BLANKS = re.compile(r"\n\s*\n(\s*\n)+")
STEMS = {"case.tier_upgraded": "tier_upgraded", "unit.talk_listed": "unit_talk",
         "person.registered": "person_registered", "person.alarm": "person_alarm",
         "person.released": "person_released"}


def normalise_lang(lang: str | None) -> str:
    if lang and lang.lower().startswith("en"):
        return "en"
    return "zh_CN"


def stem_for(event: str, data: dict | None = None) -> str:
    """The template stem of an event (escalations share one; the follow-up clock has its own)."""
    if event.startswith("person.duty_"):
        return "person_duty"
    if event.startswith("screening."):
        return "screening_duty"
    if event.startswith("escalate."):
        if (data or {}).get("clock") == "follow_up":
            return "follow_up_due"
        return "escalate"
    return STEMS.get(event, event)


def local_time(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime or ISO text, shown in Asia/Shanghai."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ).strftime(fmt)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))


class Renderer:
    """Compiled templates for every language and event.

    Args:
        override_dir: an operator's directory searched before the built-in one
            (switches to the sandboxed environment).
        builtin_dir: where the shipped templates are (tests may point elsewhere).
    """

    def __init__(self, override_dir: str | None = None, builtin_dir: str | Path | None = None):
        builtin = FileSystemLoader(str(builtin_dir or BUILTIN_DIR), encoding="utf-8")
        opts = dict(undefined=StrictUndefined, autoescape=_autoescape, auto_reload=False, trim_blocks=False,
                    lstrip_blocks=False, keep_trailing_newline=False, cache_size=-1)
        if override_dir:
            loader = ChoiceLoader([FileSystemLoader(str(override_dir), encoding="utf-8"), builtin])
            self.env: Environment = ImmutableSandboxedEnvironment(loader=loader, **opts)
        else:
            self.env = Environment(loader=builtin, **opts)
        self.sandboxed = bool(override_dir)
        self.env.filters.update(local_time=local_time, mask_phone=mask_phone, mask_id=mask_id)
        self._cache: dict[tuple[str, str, str], tuple[Any, str | None]] = {}
        self._globals: dict[int, dict] = {}

    def _find(self, lang: str, stem: str, kind: str):
        """(template, block prefix) for a kind: its own file first, then the event's file, then the default."""
        key = (lang, stem, kind)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        candidates = [(f"{lang}/{stem}.{kind}.j2", False), (f"{lang}/{stem}.j2", True),
                      (f"{lang}/_default.{kind}.j2", False), (f"{lang}/_default.j2", True)]
        if kind == "html":
            candidates = [(f"{lang}/{stem}.html.j2", False), (f"{lang}/_layout.html.j2", False)]
        for name, blocks in candidates:
            try:
                tmpl = self.env.get_template(name)
            except TemplateNotFound:
                continue
            if blocks and kind not in ("email",) and kind not in tmpl.blocks:
                continue
            hit = (tmpl, blocks)
            self._cache[key] = hit
            return hit
        raise TemplateNotFound(f"{lang}/{stem} ({kind})")

    def _context(self, tmpl, ctx: dict):
        """A render context without jinja2's per-call merge of the globals ChainMap (half the cost of a short render)."""
        g = self._globals.get(id(tmpl))
        if g is None:
            g = self._globals[id(tmpl)] = dict(tmpl.globals)
        return tmpl.new_context({**g, **ctx}, shared=True)

    def _block(self, tmpl, name: str, ctx: dict) -> str:
        return _BLANKS.sub("\n\n", "".join(tmpl.blocks[name](self._context(tmpl, ctx)))).strip()

    def short(self, lang: str, event: str, ctx: dict) -> str:
        """The short text (robots, SMS, the log)."""
        tmpl, blocks = self._find(normalise_lang(lang), stem_for(event, ctx.get("data")), "short")
        if blocks:
            return "".join(tmpl.blocks["short"](self._context(tmpl, ctx))).strip()
        return "".join(tmpl.root_render_func(self._context(tmpl, ctx))).strip()

    def email(self, lang: str, event: str, ctx: dict, html: bool = True) -> Rendered:
        """Subject, plain body and (optionally) the HTML part."""
        lang = normalise_lang(lang)
        tmpl, _ = self._find(lang, stem_for(event, ctx.get("data")), "email")
        subject = " ".join(self._block(tmpl, "subject", ctx).split())
        body = self._block(tmpl, "body", ctx)
        page = None
        if html:
            layout, _ = self._find(lang, stem_for(event, ctx.get("data")), "html")
            page = layout.render({**ctx, "subject": subject, "body": body}).strip()
        return Rendered(subject, body, page)

    def render(self, kind: str, lang: str, event: str, ctx: dict) -> Rendered:
        """What a channel with template kind ``kind`` sends."""
        if kind == "short":
            text = self.short(lang, event, ctx)
            return Rendered(text.splitlines()[0] if text else "", text, None)
        return self.email(lang, event, ctx, html=(kind == "email"))
