"""JSON text that is the same for the same value: what the audit hashes and the import's row hashes cover.

Both encoders reuse one C encoder instead of letting ``json.dumps`` build a
new one per call, and :func:`dumps` writes the smallest documents out itself
(see "Fast paths" in ``bench/README.md``); without the C accelerator they fall
back to the equivalent ``json.JSONEncoder``.
Our documents are trees, so neither checks for cycles.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring
from typing import Any

# json.dumps(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
_SORTED = c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True) if c_make_encoder else None
_SORTED_PY = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode

# json.dumps(ensure_ascii=False, separators=(",", ":")): keys in the order the value holds them
_ORDERED = (c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ":", ",", False, False, True)
            if c_make_encoder else None)
_ORDERED_PY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text as is; anything else JSON lacks as ``str()``."""
    if _SORTED is None:
        return _SORTED_PY(value)
    kind = type(value)
    if kind is dict:
        if len(value) < 2:  # most of what a command records: {} or one field
            for k, v in value.items():
                if type(k) is str and type(v) is str:
                    return "{" + encode_basestring(k) + ":" + encode_basestring(v) + "}"
                break
            else:
                return "{}"
    elif (kind is tuple or kind is list) and len(value) == 1 and type(value[0]) is str:  # an audience of one
        return "[" + encode_basestring(value[0]) + "]"
    return "".join(_SORTED(value, 0))


def dumps_ordered(value: Any) -> str:
    """Compact JSON keeping the value's own key order: canonical when the caller builds keys in a fixed order.

    A value JSON cannot hold raises ``TypeError``, as ``json.dumps`` does.
    """
    if _ORDERED is None:
        return _ORDERED_PY(value)
    return "".join(_ORDERED(value, 0))
