"""Keep ID numbers and phone numbers out of the log file.

The log (``talentdesk.log`` in the log folder) is sent to support with bug reports, and
tracebacks of database errors used to carry the SQL parameters, i.e. full ID numbers.
``ScrubFilter`` masks, in every record a handler writes (message, arguments, the
formatted traceback and stack), 18-character resident ID numbers (keep the first 6 and
the last 4: 152921********1234) and 11-digit mainland mobile numbers (138****8000).
The engines are also created with ``hide_parameters=True`` (``models/db.py``), so
SQLAlchemy's own exception text names no parameter values at all.

``PrivateRotatingFileHandler`` creates the log file (and each rotated file) owner-only
(0600 on POSIX; on Windows the file inherits the ACL of the user's profile folder).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])")


def scrub(text: str) -> str:
    """``text`` with ID numbers and mobile numbers masked."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: m[1] + "*" * 8 + m[2], text)
    return _PHONE_RE.sub(lambda m: m[1] + "****" + m[2], text)


class ScrubFilter(logging.Filter):
    """Masks personal numbers in a record before any handler formats it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we have
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that only its owner can read."""

    def _open(self):
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
            os.chmod(self.baseFilename, 0o600)  # a file made by an older version
        return super()._open()


def install(handler: logging.Handler) -> logging.Handler:
    """Add the scrubbing filter to ``handler`` (once)."""
    if not any(isinstance(f, ScrubFilter) for f in handler.filters):
        handler.addFilter(ScrubFilter())
    return handler
