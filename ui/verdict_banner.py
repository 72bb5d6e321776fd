"""The big sign an operator reads from across the line: a word on a colour, sized to fill the space it has.

It paints its own text, so the word never changes the layout: PASS, FAIL and CHECK BY HAND take exactly the
same room, and the word grows with the window (a full-pane OK/NG at 1920x1080, still readable at 1024x768).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN = 14


def _fitting_size(font: QFont, lines: list[str], width: float, height: float) -> float:
    """The largest pixel size at which `lines` fit in width x height."""
    probe = QFont(font)
    probe.setPixelSize(100)
    metrics = QFontMetricsF(probe)
    widest = max(metrics.horizontalAdvance(line) for line in lines) or 1.0
    tall = metrics.height() * len(lines)
    return max(8.0, min(100 * width / widest, 100 * height / tall))


class VerdictBanner(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("verdict")
        self.setMinimumSize(220, 100)  # at 1024x768 it gets more, but yields to the fail-safe's banner above
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.word, self.detail, self.colour = "", "", QColor("#5f6368")
        self.state = ""

    def show_state(self, state: str, word: str, detail: str, colour: str) -> None:
        """`state`: what is shown (a verdict or a line state, for tests); `word` and `detail` as people read them."""
        if (state, word, detail, colour) == (self.state, self.word, self.detail, self.colour.name()):
            return
        self.state, self.word, self.detail, self.colour = state, word, detail, QColor(colour)
        self.setAccessibleName(f"{word}. {detail}".strip())
        self.update()

    def text(self) -> str:
        return self.word

    def word_font(self) -> QFont:
        """The word's font at its size for the current size of the banner (one line, or two when that is larger)."""
        font = QFont(self.font())
        font.setBold(True)
        area = self._word_area()
        best, best_lines = 0.0, [self.word]
        words = self.word.split()
        candidates = [[self.word]] + ([[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
                                      if len(words) > 1 else [])
        for lines in candidates:
            size = _fitting_size(font, lines, area.width(), area.height())
            if size > best:
                best, best_lines = size, lines
        font.setPixelSize(int(best))
        self._lines = best_lines
        return font

    def _word_area(self) -> QRectF:
        r = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if self.detail:
            r.setHeight(r.height() * 0.68)
        return r

    def _detail_font(self) -> QFont:
        font = QFont(self.font())
        # the detail reads across the sign: as large as the height allows, and about 28 characters to a line
        font.setPixelSize(int(max(14, min(self.height() * 0.085, 44, self.width() / 16))))
        return font

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()), 10, 10)
        p.fillPath(path, self.colour)
        p.setPen(QColor("white"))
        if self.word:
            p.setFont(self.word_font())
            p.drawText(self._word_area(), Qt.AlignmentFlag.AlignCenter, "\n".join(self._lines))
        if self.detail:
            area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
            word = self._word_area()
            area.setTop(word.bottom())
            p.setFont(self._detail_font())
            p.drawText(area, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                       self.detail)
