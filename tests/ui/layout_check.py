"""What a clerk sees as a broken layout, checked on the real widgets: a widget drawn over
another, a widget pushed outside its parent (cut off at the window's edge), a label or
button squeezed below the size its text needs."""

from __future__ import annotations

from itertools import combinations

from PySide6.QtWidgets import QLayout, QSizePolicy, QWidget


def _name(w: QWidget) -> str:
    text = getattr(w, "text", None)
    label = text() if callable(text) else ""
    return f"{type(w).__name__}({w.objectName() or label or '?'})"


def layout_problems(root: QWidget) -> list[str]:
    """Every visible widget placed by a layout under ``root``: inside its parent, not
    narrower or lower than its minimum size hint, not overlapping a sibling."""
    by_parent: dict[int, tuple[QWidget, list[QWidget]]] = {}
    layouts = root.findChildren(QLayout)
    if root.layout() is not None and root.layout() not in layouts:
        layouts.append(root.layout())
    for layout in layouts:
        parent = layout.parentWidget()
        if parent is None or not parent.isVisible():
            continue
        for i in range(layout.count()):
            w = layout.itemAt(i).widget()
            kids = by_parent.setdefault(id(parent), (parent, []))[1]
            if w is not None and w.isVisible() and w not in kids:
                kids.append(w)
    problems = []
    for parent, kids in by_parent.values():
        area = parent.rect()
        for w in kids:
            g = w.geometry()
            if g.isEmpty():  # an empty placeholder (a form row without a label) takes no room
                continue
            if not area.contains(g):
                problems.append(f"{_name(w)} {g.getRect()} outside {_name(parent)} {area.getRect()}")
            hint = w.minimumSizeHint()
            policy = w.sizePolicy()
            if hint.isValid() and policy.horizontalPolicy() != QSizePolicy.Policy.Ignored \
                    and g.width() < min(hint.width(), w.maximumWidth()) - 1:
                problems.append(f"{_name(w)} squeezed to width {g.width()} < {hint.width()}")
            need = w.heightForWidth(g.width()) if w.hasHeightForWidth() else hint.height()  # wrapped text
            if hint.isValid() and policy.verticalPolicy() != QSizePolicy.Policy.Ignored \
                    and g.height() < min(need, w.maximumHeight()) - 1:
                problems.append(f"{_name(w)} squeezed to height {g.height()} < {need}")
        for a, b in combinations(kids, 2):
            if a.geometry().intersects(b.geometry()):
                problems.append(f"{_name(a)} {a.geometry().getRect()} overlaps {_name(b)} {b.geometry().getRect()}")
    return problems


def assert_fits(qtbot, root: QWidget) -> None:
    """``layout_problems(root)`` is empty once Qt has finished laying out (a resize is
    laid out over a few event-loop passes); else the problems are the failure message."""
    try:
        qtbot.waitUntil(lambda: not layout_problems(root), timeout=3000)
    except Exception:  # noqa: BLE001 - the assertion below says what is wrong
        pass
    assert layout_problems(root) == []


def _mnemonic(text: str) -> str | None:
    """The letter after a single & (Alt+letter), or None."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1
        i += 1
    return None


def mnemonic_problems(root: QWidget, menu_titles=()) -> list[str]:
    """Alt+letter keys on ``root`` (labels, buttons, group boxes) and the menu bar's: a label
    whose & reaches no field (Qt then shows “(&B)” as typed), two keys with one letter
    (Qt then only moves the focus between them), and one label text shown twice."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    problems, owners = [], {}
    for title in menu_titles:
        letter = _mnemonic(title)
        if letter:
            owners.setdefault(letter, []).append(f"menu {title}")
    labels: dict[str, int] = {}
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel):
            text = w.text()
            if text.strip():
                labels[text] = labels.get(text, 0) + 1
            letter = _mnemonic(text)
            if letter and w.buddy() is None:
                problems.append(f"label {text!r} has a mnemonic but no buddy")
        elif isinstance(w, QAbstractButton):
            text = w.text()
            letter = _mnemonic(text)
        elif isinstance(w, QGroupBox):
            text = w.title()
            letter = _mnemonic(text)
        else:
            continue
        if letter:
            owners.setdefault(letter, []).append(text)
    problems += [f"Alt+{k} is shared by {v}" for k, v in owners.items() if len(v) > 1]
    problems += [f"label {t!r} is shown {n} times" for t, n in labels.items() if n > 1]
    return problems
