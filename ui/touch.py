"""The window's look for a touch panel at a line: controls a gloved finger can hit, and a focus frame that
shows from a step away where the keyboard is."""

from __future__ import annotations

TOUCH_PX = 44  # the smallest height of anything a person presses or types into
FOCUS = "#1a73e8"

# min-height counts the content only: with the 1 px border and the padding below, every control is
# TOUCH_PX or taller. The focus frame replaces the border, so it never moves the text.
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
    min-height: {TOUCH_PX - 10}px; padding: 3px 6px; border: 1px solid #9aa0a6; border-radius: 4px;
    background: white;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus {{
    border: 3px solid {FOCUS}; padding: 1px 4px;
}}
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled {{
    color: #80868b; background: #f1f3f4;
}}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::down-button {{
    width: 28px;
}}
QCheckBox {{ min-height: {TOUCH_PX}px; spacing: 10px; }}
QCheckBox::indicator {{ width: 24px; height: 24px; }}
QCheckBox:focus {{ color: {FOCUS}; }}
QTableWidget:focus, QListWidget:focus, QGraphicsView:focus, QTabBar:focus {{ border: 3px solid {FOCUS}; }}
QTabBar::tab {{ min-height: {TOUCH_PX - 12}px; padding: 6px 16px; }}
QGroupBox {{ font-weight: bold; }}
"""
