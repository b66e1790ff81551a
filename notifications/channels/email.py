"""E-mail over SMTP: plain-text and HTML parts, UTF-8 subject and names.

The connection is opened on the first message of a dispatch pass and reused
for the rest (``close()`` ends it); a failed send drops the connection so the
next attempt starts clean. Settings: ``host``, ``port`` (25), ``sender``,
optional ``username``/``password``, ``starttls`` or ``ssl``, ``timeout`` (10 s).
"""

from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from disputeflow.notifications.channels.base import Channel, ChannelError, Message


class EmailChannel(Channel):
    kind = "email"
    audience = "person"
    template = "email"

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.host = str(self.require("host"))
        self.port = int(self.settings.get("port", 25))
        self.sender = str(self.require("sender"))
        self.sender_name = self.settings.get("sender_name", "矛盾纠纷调处平台")
        self.username = self.settings.get("username")
        self.password = self.settings.get("password")
        self.starttls = bool(self.settings.get("starttls", False))
        self.ssl = bool(self.settings.get("ssl", False))
        self.timeout = float(self.settings.get("timeout", 10))
        self._smtp: smtplib.SMTP | None = None

    def accepts(self, recipient: dict) -> bool:
        return bool(recipient.get("email"))

    def build(self, message: Message) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = Address(display_name=self.sender_name or "", addr_spec=self.sender)
        to = message.recipient.get("email")
        if not to:
            raise ChannelError("recipient has no e-mail address")
        msg["To"] = Address(display_name=message.recipient.get("name") or "", addr_spec=to)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        if message.outbox_id is not None:
            msg["X-Disputeflow-Notification"] = f"{message.outbox_id}-{message.delivery_id}"
        msg.set_content(message.text, charset="utf-8")
        if message.html:
            msg.add_alternative(message.html, subtype="html", charset="utf-8")
        return msg

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            cls = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
            smtp = cls(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(str(self.username), str(self.password or ""))
            self._smtp = smtp
        return self._smtp

    def send(self, message: Message) -> None:
        msg = self.build(message)
        try:
            self._connect().send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise ChannelError(f"smtp {self.host}:{self.port}: {exc}") from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
