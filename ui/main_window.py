"""The station's window: a page list on the left (what the signed-in role may use), the page on the right."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPushButton,
    QSizePolicy, QStackedWidget, QVBoxLayout, QWidget,
)

from station.service import accounts, review_queue

from .context import AppContext
from .jobs import Job
from .pages.live import LivePage
from .pages.products import ProductsPage
from .pages.prompts import PromptsPage
from .pages.review import ReviewPage
from .pages.selftests import SelftestPage
from .pages.settings import SettingsPage
from .pages.users import UsersPage, role_words
from .reads import PageRead
from .signin import SignInDialog
from .stop_signals import end_window
from .touch import STYLE, touch_lists

log = logging.getLogger(__name__)
PAGES = (LivePage, ReviewPage, SelftestPage, PromptsPage, SettingsPage, UsersPage, ProductsPage)
PAGE_ROLE = Qt.ItemDataRole.UserRole
QUEUE_POLL_MS = 5_000  # how often the page list's review count is read while nobody is on that page
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


class IdleWatcher(QObject):
    """Restarts a timer on any key, click or mouse movement anywhere in the application."""

    def __init__(self, timer: QTimer):
        super().__init__()
        self.timer = timer

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False


LINK_NAMES = {"opcua": "OPC UA", "modbus": "Modbus TCP"}
LINK_STATES = {"listening": QT_TRANSLATE_NOOP("MainWindow", "listening"),
               "connected": QT_TRANSLATE_NOOP("MainWindow", "connected"),
               "failed": QT_TRANSLATE_NOOP("MainWindow", "failed"), "off": QT_TRANSLATE_NOOP("MainWindow", "off")}


def page_title(cls) -> str:
    """A page's title in the window's language (the pages mark theirs with QT_TRANSLATE_NOOP("Pages", ...))."""
    return QCoreApplication.translate("Pages", cls.title)


class PageStack(QStackedWidget):
    """Sized by the page on show: a page the signed-in role cannot open never sizes the window."""

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, sign_in_hint: str = ""):
        super().__init__()
        self.ctx = ctx
        self.sign_in_hint = sign_in_hint
        self.ending = False  # set by a stop from outside (SIGTERM): close without asking
        self.setWindowTitle(ctx.station.config.name)
        self.setStyleSheet(STYLE)
        self.resize(1280, 800)

        self.user_label = QLabel()
        self.status_label = QLabel()
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.sign_out_button.hide()  # shown while someone is signed in
        self.sign_out_button.clicked.connect(lambda: self.sign_out("user"))
        header = QHBoxLayout()
        title = QLabel(f"<b>{ctx.station.config.name}</b>")
        header.addWidget(title)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.status_label, 1)
        self.links_label = QLabel()  # each PLC link's state; hidden while no link has reported
        self.links_label.setVisible(False)
        # bound methods, not lambdas: Qt drops a bound method's connection when its window is gone
        ctx.station_events.link.connect(self._update_links)
        ctx.station_events.product.connect(self._update_status)  # a changeover, from anywhere
        header.addWidget(self.links_label)
        self.plant_label = QLabel()  # forwarding to the plant; hidden on a station that forwards to none
        self.plant_label.setVisible(False)
        ctx.station_events.forwarding.connect(self._update_plant)
        header.addWidget(self.plant_label)
        header.addWidget(self.user_label)
        header.addWidget(self.sign_out_button)

        self.nav = QListWidget()
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 6px; min-height: 28px; }")
        self.stack = PageStack()
        self.pages = {}
        for number, cls in enumerate(PAGES, start=1):
            page = cls(ctx)
            page.setObjectName(cls.__name__)
            self.pages[cls.__name__] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(page_title(cls))
            item.setData(PAGE_ROLE, cls.__name__)
            shortcut = QKeySequence(f"Ctrl+{number}")
            item.setToolTip(shortcut.toString(QKeySequence.SequenceFormat.NativeText))
            self.nav.addItem(item)
            QShortcut(shortcut, self, activated=lambda name=cls.__name__: self._go_if_open(name))
        self.nav.currentRowChanged.connect(self._go)
        self._fit_nav()
        review = self.pages["ReviewPage"]
        review.pending_changed.connect(self._show_queue_length)
        self.queue_timer = QTimer(self)  # the page list says how many parts wait, also while on another page
        self.queue_timer.setInterval(QUEUE_POLL_MS)
        self.queue_timer.timeout.connect(self._poll_queue_length)
        # the count is a convenience: a failed read is logged, the review page itself says what is wrong
        self.queue_reads = PageRead(self, "review count", self._show_queue_length,
                                    lambda error: log.debug("review count not read: %s", error))
        self._apply_role()  # nobody signed in yet: no page list
        touch_lists(self)

        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(lambda: self.sign_out("idle"))
        self.idle_watcher = IdleWatcher(self.idle_timer)
        ctx.events.prompts_changed.connect(self._update_status)
        ctx.events.settings_changed.connect(self._update_status)

    # ----------------------------------------------------------------- pages
    def page(self, name: str):
        return self.pages[name]

    def show_page(self, name: str) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).data(PAGE_ROLE) == name and not self.nav.item(i).isHidden():
                self.nav.setCurrentRow(i)
                return
        raise PermissionError(f"{name} is not open to {self.ctx.user.role if self.ctx.user else 'nobody'}")

    def _fit_nav(self) -> None:
        """As wide as its longest entry (with the longest queue count, "1,000+"), and no wider: the pages need the
        room."""
        font = self.nav.font()
        font.setPixelSize(15)
        metrics = QFontMetrics(font)
        longest = max(metrics.horizontalAdvance(page_title(cls)) for cls in PAGES)
        widest = (review_queue.QueueLength(review_queue.COUNT_LIMIT, more=True),
                  review_queue.QueueLength(review_queue.COUNT_LIMIT))  # no exact count goes past the limit
        counted = max(metrics.horizontalAdvance(self._queue_entry(n)) for n in widest)
        self.nav.setFixedWidth(min(240, max(longest, counted) + 40))

    def _go_if_open(self, name: str) -> None:
        try:
            self.show_page(name)
        except PermissionError:
            pass  # a page shortcut of a page this role does not have does nothing

    def _go(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.pages[self.nav.item(row).data(PAGE_ROLE)])
            self.stack.updateGeometry()  # the window's minimum is now this page's

    def _apply_role(self) -> None:
        first = None
        for i in range(self.nav.count()):
            cls = PAGES[i]
            allowed = self.ctx.can(cls.permission)
            self.nav.item(i).setHidden(not allowed)
            if allowed and first is None:
                first = i
        self.nav.setVisible(sum(not self.nav.item(i).isHidden() for i in range(self.nav.count())) > 1)
        if first is not None:
            self.nav.setCurrentRow(first)
        if self.ctx.can(ReviewPage.permission):
            self._poll_queue_length()
            self.queue_timer.start()
        else:
            self.queue_timer.stop()

    def _poll_queue_length(self) -> None:
        if self.ctx.user is None or not self.ctx.can(ReviewPage.permission):
            return
        station = self.ctx.station
        self.queue_reads.request(lambda: review_queue.pending(station))  # off the GUI thread, as every read

    def _queue_entry(self, pending: review_queue.QueueLength) -> str:
        title = page_title(ReviewPage)
        if pending.more:  # counting stopped at its limit: "1,000+", not a made-up exact number
            return self.tr("{title} ({count}+)").format(title=title, count=f"{pending.count:,}")
        return self.tr("{title} ({count})").format(title=title, count=pending.count) if pending.count else title

    def _show_queue_length(self, pending: review_queue.QueueLength) -> None:
        self.nav.item(PAGES.index(ReviewPage)).setText(self._queue_entry(pending))

    def _update_status(self, _event=None) -> None:
        st = self.ctx.station
        prompts = (self.tr("prompt set {id}").format(id=st.check_a.prompt_set_id) if st.check_a.prompt_set_id
                   else self.tr("the product's prompts") if st.check_a.encoder.prompts is not None
                   else self.tr("no prompt set"))
        text = self.tr("vision model {fingerprint}, {prompts}").format(fingerprint=st.clip.sha256[:8], prompts=prompts)
        if st.product is not None:  # an operator sees which product the station judges by
            text = self.tr("product {label}, {rest}").format(label=st.product.label, rest=text)
        self.status_label.setText("   " + text)

    def _update_links(self, _event=None) -> None:
        states = self.ctx.station_events.links
        colours = {"listening": "#1b7f3b", "connected": "#1b7f3b", "failed": "#b3261e", "off": "#5f6368"}
        self.links_label.setText("  ".join(
            f"<span style='color:{colours.get(s.state, '#5f6368')}'>{LINK_NAMES.get(name, name)}: "
            f"{self.tr(LINK_STATES[s.state]) if s.state in LINK_STATES else s.state}</span>"
            for name, s in sorted(states.items())))
        self.links_label.setToolTip("\n".join(f"{LINK_NAMES.get(n, n)}: {s.detail}" for n, s in sorted(states.items())
                                               if s.detail))
        self.links_label.setVisible(bool(states))

    def _update_plant(self, status) -> None:
        if status.paused:
            colour = "#b3261e" if status.stopped else "#8a4b00"
            text = self.tr("Plant: stopped") if status.stopped else self.tr("Plant: paused")
            if status.backlog:
                text += " " + self.tr("(%n frame(s) waiting here)", "", status.backlog)
        elif status.position is None:
            colour, text = "#5f6368", self.tr("Plant: connecting")
        elif status.backlog:
            colour, text = "#5f6368", self.tr("Plant: %n frame(s) to send", "", status.backlog)
        else:
            colour, text = "#1b7f3b", self.tr("Plant: up to date")
        self.plant_label.setText(f"<span style='color:{colour}'>{text}</span>")
        self.plant_label.setToolTip(status.paused or self.tr("forwarding as {station}, up to frame #{position}").format(
            station=status.station, position=status.position or 0))
        self.plant_label.setVisible(True)

    # ----------------------------------------------------------------- sign in / out
    def set_user(self, user) -> None:
        self.ctx.user = user
        self.ctx.events.user_changed.emit()
        self.sign_out_button.setVisible(user is not None)
        if user is None:
            self.user_label.setText("")
            self.idle_timer.stop()
            self.queue_timer.stop()
            self._apply_role()
            return
        self.user_label.setText(self.tr("{name} ({role})").format(name=user.display_name or user.username,
                                                                  role=role_words(user.role, long=False)))
        self._apply_role()
        self._update_status()
        self.idle_timer.start(int(self.ctx.station.config.ui.idle_signout_minutes * 60_000))

    def sign_out(self, reason: str) -> None:
        user = self.ctx.user
        if user is None:
            return
        accounts.sign_out_user(self.ctx.station.db, user, reason=reason)
        self.set_user(None)
        self.centralWidget().setEnabled(False)
        hint = self.tr("Signed out after a quiet spell.") if reason == "idle" else ""
        self.ask_sign_in(hint)

    def ask_sign_in(self, hint: str = "") -> bool:
        if self.ending:
            self.close()
            return False
        dialog = SignInDialog(self.ctx.station, "\n\n".join(t for t in (hint, self.sign_in_hint) if t), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.close()
            return False
        self.centralWidget().setEnabled(True)
        self.set_user(dialog.user)
        return True

    def end_now(self) -> None:
        """Close without asking (SIGTERM): the running line is stopped and its frames recorded first."""
        end_window(self)

    def closeEvent(self, event) -> None:
        live = self.pages["LivePage"]
        if live.running and not self.ending:
            answer = QMessageBox.question(self, self.tr("Quit"), self.tr("Live inspection is running. Stop it and quit?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        live.stop_and_wait()
        for timer in self.findChildren(QTimer):  # a closed window asks the records nothing more
            timer.stop()
        for job in self.findChildren(Job):  # page work and reads alike: a thread must not outlive its window
            job.cancel()
            job.wait(30_000)
        if self.ctx.user is not None:
            accounts.sign_out_user(self.ctx.station.db, self.ctx.user, reason="closed")
            self.ctx.user = None
        event.accept()
