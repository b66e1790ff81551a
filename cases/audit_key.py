"""The audit key: an HMAC-SHA256 secret kept outside the database.

Someone who can write to the database can recompute plain SHA-256 hashes
after editing an event; with the chain signed by a key the database never
holds, they cannot. The key comes from the configuration file or the
environment (``DISPUTEFLOW_AUDIT_KEY``); each event stores the id of the key
that signed it, so after a rotation the old keys (``DISPUTEFLOW_AUDIT_OLD_KEYS``)
still verify the events they signed. Without a key events are hashed with
plain SHA-256 and stored with the key id ``""`` (unsigned).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Iterable

MIN_KEY_LENGTH = 32
UNSIGNED = ""  # the key id of an event hashed without a key


class AuditKeyError(ValueError):
    """A configured audit key is unusable (too short); the engine turns it into a ConfigError."""


def key_id(secret: str) -> str:
    """A short public fingerprint of ``secret`` (stored per event; reveals nothing usable about the key)."""
    return "k" + hashlib.sha256(b"disputeflow-audit-key\x00" + secret.encode("utf-8")).hexdigest()[:12]


def generate() -> str:
    """A new random key (256 bits as 64 hex digits)."""
    return secrets.token_hex(32)


def _mac(secret: str):
    secret = secret.strip()
    if len(secret) < MIN_KEY_LENGTH:
        raise AuditKeyError(f"审计密钥至少 {MIN_KEY_LENGTH} 个字符（可用 disputeflow audit keygen 生成）",
                            f"an audit key needs at least {MIN_KEY_LENGTH} characters (disputeflow audit keygen makes one)")
    return key_id(secret), hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


class Signer:
    """Signs with the current key and checks with the current and the old ones.

    Args:
        key: the current key (None or empty: events are hashed unsigned).
        old: keys rotated out, kept to verify the events they signed.
    """

    __slots__ = ("key_id", "_mac", "_known")

    def __init__(self, key: str | None = None, old: Iterable[str] = ()):
        self._known: dict[str, object] = {}
        for secret in old:
            if secret and secret.strip():
                kid, mac = _mac(secret)
                self._known[kid] = mac
        if key and key.strip():
            self.key_id, self._mac = _mac(key)
            self._known[self.key_id] = self._mac
        else:
            self.key_id, self._mac = UNSIGNED, None

    @classmethod
    def from_env(cls, key: str | None = None, old: Iterable[str] = ()) -> "Signer":
        """``key``/``old`` from the configuration, else ``DISPUTEFLOW_AUDIT_KEY`` / ``DISPUTEFLOW_AUDIT_OLD_KEYS``
        (old keys separated by commas or white space)."""
        key = key or os.environ.get("DISPUTEFLOW_AUDIT_KEY")
        old = list(old) or os.environ.get("DISPUTEFLOW_AUDIT_OLD_KEYS", "").replace(",", " ").split()
        return cls(key, old)

    @property
    def signing(self) -> bool:
        return self._mac is not None

    @property
    def has_keys(self) -> bool:
        return bool(self._known)

    def sign(self, message: bytes) -> tuple[str, str]:
        """``(hash, key id)`` of ``message``: HMAC-SHA256 under the current key, or SHA-256 without one."""
        mac = self._mac
        if mac is None:
            return hashlib.sha256(message).hexdigest(), UNSIGNED
        m = mac.copy()
        m.update(message)
        return m.hexdigest(), self.key_id

    def check(self, kid: str, message: bytes, expected: str) -> bool | None:
        """Whether ``expected`` is ``message``'s hash under key ``kid``; None when that key is not configured."""
        if kid == UNSIGNED:
            return hmac.compare_digest(hashlib.sha256(message).hexdigest(), expected)
        mac = self._known.get(kid)
        if mac is None:
            return None
        m = mac.copy()
        m.update(message)
        return hmac.compare_digest(m.hexdigest(), expected)
