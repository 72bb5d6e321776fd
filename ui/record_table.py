"""A table of records whose selection follows the record, not the row number.

Every row carries its record's id. Pages act on `current()`, the record of the highlighted row, looked up by
that id, so rows added, removed or refreshed around it can never make an action land on another record.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from .widgets import fit_titles

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_PX = 40  # a row a finger can pick


class RecordTable(QTableWidget):
    """Whole rows selected, one at a time; one column takes the spare width; no row numbers."""

    record_changed = Signal(object)  # the newly highlighted record, or None

    def __init__(self, headers: list[str], stretch: int, id_of: Callable[[Any], Hashable] = lambda r: r.id,
                 parent=None):
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.setTabKeyNavigation(False)  # Tab leaves the list; it never moves the highlight to another record
        self.id_of = id_of
        self.records: dict[Hashable, Any] = {}
        self.currentCellChanged.connect(lambda row, *_: self.record_changed.emit(self.record_at(row)))
        fit_titles(self)

    # ----------------------------------------------------------------- reading
    def record_at(self, row: int):
        item = self.item(row, 0) if 0 <= row < self.rowCount() else None
        return self.records.get(item.data(ID_ROLE)) if item is not None else None

    def current(self):
        return self.record_at(self.currentRow())

    def row_of(self, record_id: Hashable) -> int:
        for row in range(self.rowCount()):
            if self.item(row, 0).data(ID_ROLE) == record_id:
                return row
        return -1

    def ids(self) -> list:
        return [self.item(row, 0).data(ID_ROLE) for row in range(self.rowCount())]

    # ----------------------------------------------------------------- changing
    def set_records(self, records: Iterable, cells: Callable[[Any], list]) -> None:
        """Replace every row; the highlight stays on the same record while it is still listed, and
        `record_changed` is sent only when the highlighted record changed."""
        before = self.current()
        keep = self.id_of(before) if before is not None else None
        with QSignalBlocker(self):
            self.setRowCount(0)
            self.records = {}
            self._append(records, cells)
            row = self.row_of(keep) if keep is not None else -1
            self.setCurrentCell(row, 0) if row >= 0 else self.setCurrentCell(-1, -1)
        if self.current() is not before:
            self.record_changed.emit(self.current())

    def append_records(self, records: Iterable, cells: Callable[[Any], list]) -> None:
        """Add rows at the end; the highlight does not move."""
        with QSignalBlocker(self):
            self._append(records, cells)

    def remove_record(self, record_id: Hashable) -> None:
        """Drop a record's row; the highlight moves to the row that took its place (or the one before it)."""
        row = self.row_of(record_id)
        if row < 0:
            return
        was_current = row == self.currentRow()
        with QSignalBlocker(self):
            self.removeRow(row)
            self.records.pop(record_id, None)
            if was_current:
                nxt = min(row, self.rowCount() - 1)
                self.setCurrentCell(nxt, 0) if nxt >= 0 else self.setCurrentCell(-1, -1)
        if was_current:
            self.record_changed.emit(self.current())

    def select(self, record_id: Hashable) -> None:
        row = self.row_of(record_id)
        if row >= 0:
            self.setCurrentCell(row, 0)

    def _append(self, records: Iterable, cells: Callable[[Any], list]) -> None:
        for record in records:
            record_id = self.id_of(record)
            self.records[record_id] = record
            row = self.rowCount()
            self.insertRow(row)
            for col, cell in enumerate(cells(record)):
                item = cell if isinstance(cell, QTableWidgetItem) else QTableWidgetItem(str(cell))
                self.setItem(row, col, item)
            first = self.item(row, 0)
            if first is None:
                first = QTableWidgetItem("")
                self.setItem(row, 0, first)
            first.setData(ID_ROLE, record_id)
