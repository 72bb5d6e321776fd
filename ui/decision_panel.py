"""The deciding half of a review screen (the station's Review page, the plant's desk): the picture with zoom, the
checks' opinions, one button per answer, "no whole part", a note and skip, with their keys.

Keys: 1-9 (and 0 for the tenth) answer that class at once; X "no whole part"; N writes a note first; S or the
down arrow skips, the up arrow goes back; + and - zoom; F fits the image.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from station.service.review_queue import NO_PART_LABEL

from .widgets import ImageView

KEYS = [str((i + 1) % 10) for i in range(10)]


class DecisionPanel(QWidget):
    def __init__(self, decide: Callable[[str], None], skip: Callable[[], None], previous: Callable[[], None],
                 parent=None):
        super().__init__(parent)
        self.decide, self.skip, self.previous = decide, skip, previous
        self.answers: list[str] = []  # the class keys, in key order
        self.view = ImageView()
        self.view.setMinimumSize(200, 160)
        self.opinions_label = QLabel(self.tr("Nothing selected"))
        self.opinions_label.setWordWrap(True)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("Note (optional), e.g. 'scratch is outside the sealing face'"))
        self.note_edit.returnPressed.connect(lambda: self.note_edit.clearFocus())
        self.choose = QGroupBox(self.tr("What is this part really?  (press the number key)"))
        self.grid = QGridLayout(self.choose)
        self.class_buttons: list[QPushButton] = []
        self.skip_button = QPushButton(self.tr("Skip (S)"))
        self.skip_button.clicked.connect(skip)
        zoom_row = QHBoxLayout()
        for text, slot in ((self.tr("Zoom in (+)"), lambda: self.view.zoom_by(1.25)),
                           (self.tr("Zoom out (-)"), lambda: self.view.zoom_by(0.8)), (self.tr("Fit (F)"), self.view.fit)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            zoom_row.addWidget(b)
        zoom_row.addStretch(1)
        zoom_row.addWidget(self.skip_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(zoom_row)
        layout.addWidget(self.opinions_label)
        layout.addWidget(self.choose)
        layout.addWidget(self.note_edit)

    def set_answers(self, classes: list[tuple[str, str, bool]]) -> None:
        """One button per (key, name in the window's language, good) in key order, then "no whole part"."""
        for b in self.class_buttons:
            self.grid.removeWidget(b)
            b.deleteLater()
        self.class_buttons, self.answers = [], [key for key, _, _ in classes]
        columns = 2 if len(classes) <= 6 else 3
        for i, (key, name, good) in enumerate(classes):
            number = KEYS[i] if i < len(KEYS) else ""
            b = QPushButton(f"{number}  {name}" if number else name)
            b.setStyleSheet("text-align:left; padding-left:10px;" + ("color:#1b7f3b;" if good else "color:#b3261e;"))
            b.clicked.connect(lambda _=False, k=key: self.decide(k))
            self.grid.addWidget(b, i // columns, i % columns)
            self.class_buttons.append(b)
        no_part = QPushButton(self.tr("X  No whole part in view (empty, half a part, something else)"))
        no_part.setStyleSheet("text-align:left; padding-left:10px; color:#8a4b00;")
        no_part.clicked.connect(lambda: self.decide(NO_PART_LABEL))
        self.grid.addWidget(no_part, (len(classes) + columns - 1) // columns, 0, 1, columns)
        self.class_buttons.append(no_part)

    def beside(self, left: QWidget, sizes: list[int]) -> QSplitter:
        """The page's list on the left, this panel on the right (`sizes` at first; the panel gets twice the list's
        share of what the window grows by)."""
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes(sizes)
        return splitter

    def install_keys(self, owner: QWidget) -> None:
        """The keys, on `owner` (the page or window they work in)."""
        for index, key in enumerate(KEYS):
            QShortcut(QKeySequence(key), owner, activated=lambda i=index: self._answer(i))
        for keys, slot in (("X", lambda: self.decide(NO_PART_LABEL)), ("S", self.skip), ("Down", self.skip),
                           ("Up", self.previous), ("+", lambda: self.view.zoom_by(1.25)),
                           ("=", lambda: self.view.zoom_by(1.25)), ("-", lambda: self.view.zoom_by(0.8)),
                           ("F", self.view.fit), ("N", self.note_edit.setFocus)):
            QShortcut(QKeySequence(keys), owner, activated=slot)

    def _answer(self, index: int) -> None:
        if index < len(self.answers):
            self.decide(self.answers[index])

    def enable(self, answers: bool, skip: bool) -> None:
        for b in self.class_buttons:
            b.setEnabled(answers)
        self.skip_button.setEnabled(skip)
