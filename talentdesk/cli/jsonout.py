"""``--json`` output: exactly ``json.dumps(obj, ensure_ascii=False, indent=2, default=...)``,
written without the standard library's pure-Python indenting encoder (with ``indent``
it encodes node by node through generators: 5 s for the 100,000 changes of a re-import).
Strings, numbers and constants are encoded by the C functions ``json`` itself uses."""

from __future__ import annotations

import json
from json import encoder as _enc
from typing import Any, Callable

_STR = _enc.c_encode_basestring or _enc.py_encode_basestring  # ensure_ascii=False
_FLOAT = float.__repr__
_INT = int.__repr__
_INF = float("inf")


def dumps(obj: Any, default: Callable[[Any], Any]) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2, default=default)``, faster."""
    try:
        return _text(obj, "\n", default, set())
    except _Unusual:
        return json.dumps(obj, ensure_ascii=False, indent=2, default=default)


class _Unusual(Exception):
    """Something this writer leaves to ``json.dumps`` (non-string keys, NaN, a cycle)."""


def _scalar(o: Any) -> str | None:
    cls = o.__class__
    if cls is str:
        return _STR(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if cls is int:
        return _INT(o)
    if cls is float:
        if o != o or o in (_INF, -_INF):
            raise _Unusual()
        return _FLOAT(o)
    return None


def _text(o: Any, nl: str, default, seen: set) -> str:
    s = _scalar(o)
    if s is not None:
        return s
    cls = o.__class__
    if cls is dict or cls is list or cls is tuple:
        if not o:
            return "{}" if cls is dict else "[]"
        key = id(o)
        if key in seen:
            raise _Unusual()
        seen.add(key)
        inner = nl + "  "
        sep = "," + inner
        if cls is dict:
            items = []
            for k, v in o.items():
                if k.__class__ is not str:
                    raise _Unusual()
                items.append(_STR(k) + ": " + (_scalar(v) or _text(v, inner, default, seen)))
            text = "{" + inner + sep.join(items) + nl + "}"
        else:
            text = "[" + inner + sep.join([_scalar(v) or _text(v, inner, default, seen) for v in o]) + nl + "]"
        seen.discard(key)
        return text
    if isinstance(o, (dict, list, tuple, str, int, float)):
        raise _Unusual()  # subclasses: json's own rules
    return _text(default(o), nl, default, seen)
