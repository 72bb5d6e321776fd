"""What a person at a 1024x768 panel would notice: a control cut off, a text clipped, something outside the
screen, a button too small for a finger. Used by the fit tests; reads only what Qt laid out."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit, QSizePolicy,
    QHeaderView, QScrollBar, QTabBar, QWidget,
)

from ui.touch import TOUCH_PX

PANEL = (1024, 768)
LONGEST_REASON = ("manual mode, disagreement, low confidence A, low confidence B, unlike the good parts, "
                  "no part / unfamiliar frame")


def fake_result(verdict: str, inspection_id: int, reason: str = "", label_a: str = "washer/good",
                label_b: str = "washer/dent"):
    """An inspection result as the live page receives it (the pipeline's own types, nothing recorded)."""
    import numpy as np

    from station.capture import Frame
    from station.decision import Decision, Opinion
    from station.pipeline import InspectionResult

    decision = Decision(verdict, reason, Opinion(label_a, 0.91), Opinion(label_b, 0.64))
    return InspectionResult(inspection_id, Frame(np.zeros((64, 64, 3), np.uint8), inspection_id, "test"), decision,
                            1.0, False)


def _name(w: QWidget) -> str:
    text = ""
    for attr in ("text", "title"):
        if hasattr(w, attr):
            try:
                text = getattr(w, attr)()
            except TypeError:
                continue
            break
    return f"{type(w).__name__} {w.objectName()!r} {str(text)[:50]!r}"


def _shown(w: QWidget, root: QWidget) -> bool:
    return w.isVisibleTo(root) and w.width() > 0 and w.height() > 0


def layout_problems(root: QWidget, touch: bool = True) -> list[str]:
    """Every widget of `root` (a window, shown and laid out) that is cut, clipped, off-screen or too small."""
    for _ in range(5):  # a page or tab just switched to lays itself out over a few turns of the event loop
        QApplication.processEvents()
    problems = []
    window = QRect(0, 0, root.width(), root.height())
    for w in root.findChildren(QWidget):
        if not _shown(w, root):
            continue
        where = QRect(w.mapTo(root, w.rect().topLeft()), w.size())
        parent = w.parentWidget()
        inside_scroll = parent is not None and parent.objectName() == "qt_scrollarea_viewport"
        if not inside_scroll and not window.contains(where):
            problems.append(f"outside the window: {_name(w)} at {where.getRect()}")
        policy = w.sizePolicy()
        hint = w.minimumSizeHint()
        if isinstance(w, QLabel) and w.text():
            if w.wordWrap():
                need = w.heightForWidth(w.contentsRect().width() + w.contentsMargins().left()
                                        + w.contentsMargins().right())
                if need > w.height() + 2:
                    problems.append(f"text clipped ({w.height()} of {need} px high): {_name(w)}")
            elif policy.horizontalPolicy() != QSizePolicy.Policy.Ignored and w.width() + 1 < hint.width():
                problems.append(f"text cut ({w.width()} of {hint.width()} px wide): {_name(w)}")
        elif isinstance(w, (QAbstractButton, QGroupBox)) and w.width() + 1 < hint.width():
            problems.append(f"cut ({w.width()} of {hint.width()} px wide): {_name(w)}")
        elif isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal:
            model = w.model()
            for i in range(w.count()):  # a column's title read whole, as a person reads the column by it
                title = model.headerData(i, Qt.Orientation.Horizontal) if model is not None else None
                if title and not w.isSectionHidden(i) and w.sectionSize(i) + 1 < w.sectionSizeFromContents(i).width():
                    problems.append(f"column title cut ({w.sectionSize(i)} of "
                                    f"{w.sectionSizeFromContents(i).width()} px): {type(w.parentWidget()).__name__} "
                                    f"{str(title)[:40]!r}")
        elif isinstance(w, QTabBar):  # judged by its tabs whole: its minimum is of elided tabs, in whatever font
            if w.width() + 1 < w.sizeHint().width():
                problems.append(f"tabs cut ({w.width()} of {w.sizeHint().width()} px): {_name(w)}")
        elif not isinstance(w, (QLabel, QHeaderView, QScrollBar)) and not inside_scroll and (
                (policy.horizontalPolicy() != QSizePolicy.Policy.Ignored and w.width() + 1 < hint.width())
                or (policy.verticalPolicy() != QSizePolicy.Policy.Ignored and w.height() + 1 < hint.height())):
            problems.append(f"squeezed ({w.width()}x{w.height()} of {hint.width()}x{hint.height()} px): {_name(w)}")
        if touch and isinstance(w, (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)) \
                and type(w).__name__ not in ("QCheckBox", "QTabBar", "QToolButton") and w.height() < TOUCH_PX \
                and not isinstance(parent, (QAbstractSpinBox, QComboBox)):  # the box itself is what a finger hits
            problems.append(f"smaller than a finger ({w.height()} px high): {_name(w)}")
    return problems


def fits_panel(widget: QWidget) -> list[str]:
    """Problems with `widget`'s smallest size on the panel (empty when it fits)."""
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if hint.width() > PANEL[0] or hint.height() > PANEL[1]:
        return [f"{type(widget).__name__} needs at least {hint.width()}x{hint.height()} px"]
    return []
