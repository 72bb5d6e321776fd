"""The Products page as a manager uses it: check a folder of photos, onboard with progress, cancel, read the
acceptance report, sign it and change over; what the page says and what the records hold, together."""

from __future__ import annotations

import shutil
import threading

from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from conftest import PW, open_copy, wait_for_reads
from product_photos import write_product_photos
from station.auth import sign_in
from station.products import store
from station.service import products
from station.storage.models import AuditEvent, Product
from ui.app import build_window
from ui.pages.products import AcceptanceDialog, ClassNamesDialog


def _window(qtbot, station):
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    window.show_page("ProductsPage")
    wait_for_reads(qtbot, window)
    return window, window.page("ProductsPage")


def _no_job(page):
    return page.job is None


def test_a_manager_checks_photos_onboards_and_can_cancel(qtbot, station, tmp_path, monkeypatch):
    photos = write_product_photos(tmp_path / "bracket", {"good": 32, "scratch": 12, "crack": 12, "chipped": 3})
    (photos / "good" / "broken.png").write_bytes(b"not a picture")
    shown = []
    monkeypatch.setattr(AcceptanceDialog, "exec", lambda dialog: shown.append(dialog))
    window, page = _window(qtbot, station)
    page.tabs.setCurrentIndex(1)
    page.folder_edit.setText(str(photos))
    page._folder_changed()
    assert page.good_box.currentText() == "good" and page.name_edit.text() == "bracket"
    assert not page.onboard_button.isEnabled()  # nothing is trained before the photos are checked
    page.check_button.click()
    qtbot.waitUntil(lambda: _no_job(page), timeout=60_000)
    findings = page.findings.toPlainText()
    assert "broken.png" in findings and "too few to learn" in findings and page.onboard_button.isEnabled()

    # Cancel while it trains: nothing recorded, the page says so
    page.epochs_spin.setValue(500)
    page.prompts_check.setChecked(False)
    page.onboard_button.click()
    qtbot.waitUntil(lambda: page.progress.bar.maximum() > 0 and page.progress.bar.value() > 0, timeout=60_000)
    page.progress.cancel_button.click()
    qtbot.waitUntil(lambda: _no_job(page), timeout=60_000)
    assert "Cancelled" in page.findings.toPlainText()
    with station.db.session() as s:
        assert s.scalars(select(Product)).all() == []
    assert not (store.products_dir(station.data_dir) / "bracket").exists()  # no files of it left either

    # the classes named for people: the dialog lists every class folder, and what is typed there is what is kept
    def named(dialog):
        keys = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        assert keys == ["chipped", "crack", "good", "scratch"]
        dialog.table.item(keys.index("scratch"), 1).setText("scratched face")
        dialog.table.item(keys.index("scratch"), 2).setText("傷")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ClassNamesDialog, "exec", named)
    page.names_button.click()
    # onboarded: the list shows the new version, not signed, with the figures of its report
    page.epochs_spin.setValue(3)
    page.onboard_button.click()
    qtbot.waitUntil(lambda: _no_job(page) and bool(shown), timeout=240_000)
    wait_for_reads(qtbot, window)
    with station.db.session() as s:
        row = s.scalar(select(Product))
        assert (row.name, row.version, row.accepted_at, row.live) == ("bracket", 1, None, False)
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "bracket v1"
    assert page.table.item(0, 2).text() == "not signed"
    assert page.table.item(0, 3).text() == f"{row.acceptance['escapes']} / {row.acceptance['defects']}"
    names = {c["key"]: (c["name"], c["name_ja"]) for c in row.spec["classes"]}
    assert names["scratch"] == ("scratched face", "傷") and names["crack"] == ("crack", "")
    window.close()


def test_signing_and_changeover_from_the_page_switch_what_judges(qtbot, onboarded, tmp_path, monkeypatch):
    root, photos, boss, otto, row = onboarded
    station = open_copy(root / "data", tmp_path / "data")
    station.config.failsafe.max_review_share = round(row.acceptance["review_share"] - 0.01, 2)  # it would trip it
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    try:
        window, page = _window(qtbot, station)
        assert "none, the classes of the settings" in page.live_label.text()
        page.table.setCurrentCell(0, 0)
        page.make_live()  # refused: nobody signed it
        qtbot.waitUntil(lambda: _no_job(page) and bool(told), timeout=30_000)
        assert "no signed acceptance" in told[-1] and station.product is None
        page.sign()
        qtbot.waitUntil(lambda: _no_job(page) and len(told) == 2, timeout=30_000)
        wait_for_reads(qtbot, window)
        assert page.table.item(0, 2).text() == "boss"
        page.table.setCurrentCell(0, 0)
        page.make_live()
        qtbot.waitUntil(lambda: _no_job(page) and len(told) == 3, timeout=60_000)
        wait_for_reads(qtbot, window)
        assert told[-1] == "nut v1 is live."
        # each question before a Yes said this version would put the line in manual mode
        assert len(asked) == 3 and all("go to manual mode" in q for q in asked)
        assert station.product.label == "nut v1" and station.check_b.kind == "product_cnn"
        assert "nut v1" in page.live_label.text() and page.table.item(0, 5).text() == "LIVE"
        assert "product nut v1" in window.status_label.text()  # what an operator sees in the header
        # the self-tests offer the live product's held-out photos first, and those are what they read
        window.show_page("SelftestPage")
        box = window.page("SelftestPage").prm_reference
        assert box.currentData() == "product" and "nut v1" in box.currentText()
        frames = window.page("SelftestPage").reference(box, 100)()
        assert {f.truth for f in frames} == {"good", "scratch", "crack"} and len(frames) >= 6
        window.show_page("ProductsPage")
        page.make_none_live()
        qtbot.waitUntil(lambda: _no_job(page) and len(told) == 4, timeout=60_000)
        assert station.product is None and "product" not in window.status_label.text()
        # a changeover from elsewhere (a PLC, on a link's thread) reaches the header too
        plc = threading.Thread(target=lambda: products.change_over(station, boss, "nut"))
        plc.start()
        qtbot.waitUntil(lambda: "product nut v1" in window.status_label.text(), timeout=60_000)
        plc.join()
        with station.db.session() as s:
            actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("product.%")))]
            assert actions[-4:] == ["product.accepted", store.LIVE_ACTION, store.LIVE_ACTION, store.LIVE_ACTION]
        window.close()
    finally:
        station.close()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_the_page_says_what_a_changeover_took_from_the_plant(qtbot, station):
    """[plant] install_at_changeover publishes what it took (or why not) as a ProductArrived event, from its own
    thread: the Products page says it, and shows the plant's words as text, not markup."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocumentFragment

    from station.events import ProductArrived

    window, page = _window(qtbot, station)
    assert not page.plant_note.isVisible()
    threading.Thread(target=station.events.publish, args=(ProductArrived("nut", ("nut v2",)),)).start()
    qtbot.waitUntil(page.plant_note.isVisible, timeout=10_000)
    assert "nut v2" in page.plant_note.text() and "sign it before it can go live" in page.plant_note.text()
    station.events.publish(ProductArrived("nut", problem="the plant at <b>plant-db</b> cannot be reached"))
    qtbot.waitUntil(lambda: "cannot be reached" in page.plant_note.text(), timeout=10_000)
    assert page.plant_note.textFormat() == Qt.TextFormat.RichText  # so its escapes show as the characters
    shown = QTextDocumentFragment.fromHtml(page.plant_note.text()).toPlainText()  # what a person reads
    assert "the plant at <b>plant-db</b> cannot be reached" in shown
    station.events.publish(ProductArrived("nut", problem="KeyError: 'name' & more"))
    qtbot.waitUntil(lambda: "KeyError" in page.plant_note.text(), timeout=10_000)
    assert "KeyError: 'name' & more" in QTextDocumentFragment.fromHtml(page.plant_note.text()).toPlainText()
