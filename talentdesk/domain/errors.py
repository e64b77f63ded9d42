"""Errors that carry a Chinese message meant for the clerk."""

from __future__ import annotations


class TalentDeskError(Exception):
    """An expected problem: its message is plain Chinese and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(TalentDeskError):
    """One or more fields are invalid.

    ``errors`` is a list of ``FieldError``; the message joins them.
    """

    def __init__(self, errors: list["FieldError"]):
        self.errors = list(errors)
        super().__init__("；".join(e.message for e in self.errors))


class NotFoundError(TalentDeskError):
    pass


class ConflictError(TalentDeskError):
    """Someone else changed the record meanwhile (optimistic locking), or a duplicate."""


class PermissionDenied(TalentDeskError):
    pass


class FieldError:
    __slots__ = ("field", "label", "value", "message")

    def __init__(self, field: str, label: str, value: object, message: str):
        self.field = field
        self.label = label
        self.value = value
        self.message = message

    def as_dict(self) -> dict:
        return {"field": self.field, "column": self.label, "value": _show(self.value), "message": self.message}

    @staticmethod
    def labelled(label: str, detail: object) -> str:
        """“label：detail”, the label said once: 身份证号：校验位错误（应为5）…, not
        身份证号：身份证号校验位错误（应为5）… when the detail (a parser's message) starts with it."""
        text = str(detail)
        if text.startswith(label) and len(text) > len(label):
            text = text[len(label):].lstrip("：:")
        return f"{label}：{text}"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"FieldError({self.field!r}, {self.value!r}, {self.message!r})"


def _show(value: object) -> object:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)
