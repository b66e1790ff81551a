"""Where attachment bytes live: a file store keyed by content hash.

:class:`FileStore` is the whole interface an object store has to offer
(``put``/``get``/``exists``) to replace the local folder; the engine picks the
store from the configuration's ``[attachments]`` table (``dir``, or
``store = "package.module:factory"`` called with that table).
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from disputeflow.workflow.config import Config
from disputeflow.workflow.errors import ConfigError, NotFound

_KEY = re.compile(r"^[0-9a-f]{64}$")


class FileStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class LocalFileStore:
    """A folder: ``<root>/ab/abcdef…`` per key, written to a temporary name and renamed (never half a file)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are SHA-256 hex: nothing else may become a path
            raise ValueError(f"bad file key {key!r}")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("附件文件已不在文件库中", f"file {key} is missing from the file store") from None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def default_dir(config: Config, db_url: str) -> Path:
    """Next to an SQLite database file (``cases.db`` → ``cases-files/``); else ``disputeflow-files`` here."""
    url = db_url or config.url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        db = Path(url[len("sqlite:///"):].split("?", 1)[0])
        return db.with_name(db.stem + "-files")
    return Path("disputeflow-files")


def store_for(config: Config, db_url: str) -> FileStore:
    conf = config.attachments or {}
    factory = conf.get("store")
    if factory:
        module, _, name = str(factory).partition(":")
        try:
            return getattr(importlib.import_module(module), name)(conf)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"无法加载附件文件库“{factory}”：{exc}", f"cannot load file store {factory!r}: {exc}") from None
    return LocalFileStore(conf.get("dir") or default_dir(config, db_url))
