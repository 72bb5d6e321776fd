"""The window's look for a touch panel at a line: controls a gloved finger can hit, and a focus frame that
shows from a step away where the keyboard is."""

from __future__ import annotations

from station.paths import resources_dir

TOUCH_PX = 44  # the smallest height of anything a person presses or types into
FOCUS = "#1a73e8"

# min-height counts the content only: with the 1 px border and the padding below, every control is
# TOUCH_PX or taller. The focus frame replaces the border, so it never moves the text.
_ICONS = (resources_dir() / "icons").as_posix()
STYLE = f"""
QPushButton, QToolButton {{
    min-height: {TOUCH_PX - 10}px; padding: 4px 14px; border: 1px solid #9aa0a6; border-radius: 6px;
    background: #f8f9fa;
}}
QPushButton:hover {{ background: #eef3fd; }}
QPushButton:pressed {{ background: #d2e3fc; }}
QPushButton:disabled {{ color: #9aa0a6; background: #f1f3f4; border-color: #dadce0; }}
QPushButton:focus, QToolButton:focus {{ border: 3px solid {FOCUS}; padding: 2px 12px; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{
    min-height: {TOUCH_PX - 8}px; padding: 3px 6px; border: 1px solid #9aa0a6; border-radius: 4px;
    background: white;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus {{
    border: 3px solid {FOCUS}; padding: 1px 4px;
}}
QSpinBox, QDoubleSpinBox {{ padding: 0px 6px; min-height: {TOUCH_PX - 5}px; }}  /* the box adds 5 px */
QSpinBox:focus, QDoubleSpinBox:focus {{ padding: 0px 4px; }}
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled {{
    color: #80868b; background: #f1f3f4;
}}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 30px; border: none; }}
QComboBox::down-arrow, QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{
    image: url({_ICONS}/down-arrow.svg); width: 16px; height: 16px;
}}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({_ICONS}/up-arrow.svg); width: 14px; height: 14px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::down-button {{
    width: 30px; border: none; subcontrol-origin: border;
}}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right; }}
QCheckBox {{ min-height: {TOUCH_PX}px; spacing: 10px; }}
QCheckBox::indicator {{ width: 24px; height: 24px; }}
QCheckBox:focus {{ color: {FOCUS}; }}
QTableWidget:focus, QListWidget:focus, QGraphicsView:focus, QTabBar:focus {{ border: 3px solid {FOCUS}; }}
QTabBar::tab {{ min-height: {TOUCH_PX - 12}px; padding: 6px 16px; }}
QComboBox QAbstractItemView {{
    background: white; color: black; selection-background-color: #d2e3fc; selection-color: black;
    outline: none;
}}
QComboBox QAbstractItemView::item {{ min-height: {TOUCH_PX - 4}px; padding: 0px 8px; }}
QTableView::indicator, QListView::indicator {{ width: 26px; height: 26px; }}
QScrollBar:vertical {{ width: 22px; }}
QScrollBar:horizontal {{ height: 22px; }}
QGroupBox {{ font-weight: bold; }}
"""


def touch_lists(root) -> None:
    """Drop-down lists whose rows take the style sheet's height (Qt's default list delegate ignores it)."""
    from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

    for box in root.findChildren(QComboBox):
        if not isinstance(box.itemDelegate(), QStyledItemDelegate):
            box.setItemDelegate(QStyledItemDelegate(box))
