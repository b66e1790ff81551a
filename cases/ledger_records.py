"""The text an import key keeps of its record (``import_keys.record``), written fast.

A record is ``json.dumps(rec, ensure_ascii=False, separators=(",", ":"))``;
the import writes one per ledger row, so the C encoder is built once here
rather than on every call (a record is a tree: no circular check). The
validator builds every record with its keys in one fixed order, so the text is
canonical without sorting, which would cost a third of the encoding.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring

_C_ENCODE = (c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ":", ",", False, False, True)
             if c_make_encoder else None)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def record_text(value) -> str:
    """The record as the import key stores it."""
    if _C_ENCODE is None:
        return _ENCODER(value)
    return "".join(_C_ENCODE(value, 0))
