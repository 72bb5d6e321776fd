"""The Japanese window: every text a manager can see on every page (and in the main dialogs) is translated,
the shipped .ts/.qm are current with ui/, and `[ui] language` picks the language."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import open_clip
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QListWidget, QMessageBox, QTableWidget, QWidget,
)

from station.auth import sign_in
from station.config import ConfigError, UiSpec
from station.pipeline import Pipeline
from station.runtime import Station
from station.messages import ENGLISH, Message
from station.service import accounts, selftests
from station.service.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from station.storage.models import SelftestRun, utcnow
from station.catalog import CLASS_INDEX
from station.synth.samples import draw_sample
from station.capture import Frame
from ui import i18n
from ui.app import build_window
from ui.messages import error_words, words
from ui.pages.prompts import ImportModelDialog
from ui.pages.selftests import RunDialog
from ui.pages.users import AddUserDialog
from ui.signin import SignInDialog

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "resources" / "translations"
from conftest import PW, wait_for_reads
# Terms a Japanese factory UI writes in Latin letters, and names of languages shown by their own name
ALLOWED = {"CLIP", "RVPT", "PRM", "OPC", "UA", "Modbus", "TCP", "PLC", "ID", "sha256", "ViT", "HTML", "CSV", "URL",
           "RTSP", "rtsp", "fps", "px", "UTC", "IT", "png", "jpg", "English", "Japanese", "CNN", "TorchScript", "ONNX",
           "Debian", "Ubuntu"}
SHELL_COMMANDS = ["sudo apt-get install fonts-noto-cjk"]  # typed as shown, in any language
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_words(text: str, data: list[str]) -> list[str]:
    """ASCII words of 3+ letters left in `text` once data (names, paths, figures from the station) is cut out."""
    for d in data:  # longest first, so a name inside a longer one does not leave half of it
        text = text.replace(d, " ")
    text = re.sub(r"<[^>]+>", " ", text)  # rich-text tags
    text = re.sub(r"&[a-z]+;", " ", text)
    return [w for w in WORD.findall(text) if sum(c.isalpha() for c in w) >= 3 and w not in ALLOWED]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person can read in `root` and its children."""
    found = []
    for w in [root] + root.findChildren(QWidget):
        where = f"{type(w).__name__} {w.objectName() or ''}".strip()
        if w.isWindow() and w.windowTitle():
            found.append((where + " title", w.windowTitle()))
        if w.toolTip():
            found.append((where + " tooltip", w.toolTip()))
        if isinstance(w, QLabel):
            found.append((where, w.text()))
        elif isinstance(w, QAbstractButton):
            found.append((where, w.text()))
        elif isinstance(w, QGroupBox):
            found.append((where, w.title()))
        elif isinstance(w, QComboBox):
            found += [(where + " item", w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QLineEdit):
            found.append((where + " placeholder", w.placeholderText()))
        elif isinstance(w, QListWidget):
            found += [(where + " item", w.item(i).text()) for i in range(w.count()) if not w.item(i).isHidden()]
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                header = w.horizontalHeaderItem(c)
                found.append((where + " header", header.text() if header else ""))
    return [(where, text) for where, text in found if text]


def cells(table: QTableWidget, columns: list[int]) -> list[tuple[str, str]]:
    """The words of a table's own columns (not its data columns)."""
    return [(f"table cell {c}", table.item(r, c).text()) for r in range(table.rowCount()) for c in columns
            if table.item(r, c) is not None and table.item(r, c).text()]


@pytest.fixture
def japanese(qapp):
    assert i18n.install_translators("ja"), "resources/translations/station_ja.qm is missing: run `make translations`"
    yield
    i18n.remove_translators()


@pytest.fixture
def messages(monkeypatch):
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Yes)


def fill(station: Station) -> None:
    """Parts waiting for review and self-test runs in every state in the history, so their words are on screen."""
    station.config.thresholds.conf_a = 1.0
    frames = [Frame(draw_sample(3, i, 256, class_index=CLASS_INDEX[k]).image, i, f"t#{i}")
              for i, k in enumerate(["washer/good", "washer/scratch", "washer/crack"])]
    Pipeline(station, operator=sign_in(station.db, "otto", PW, via="test"), source_name="test").inspect(frames)
    station.config.thresholds.conf_a = 0.5
    metrics = {"correct": 0.5, "caught": 0.25, "silent_failure": 0.125, "defect_escape": 0.125,
               "check_a_attacked": 0.5, "attack_effective": True}
    weak = {**metrics, "attack_effective": False}
    inversion = {"relative_size": 0.012, "threshold": 0.017, "fraction": 0.5, "clean_reference_size": 0.034,
                 "backdoor_indicated": True, "calibrated_on_this_model": False, "settings_as_calibrated": True,
                 "steps": 300}
    probe = {"worst": {"with prompts": {"asr": 0.4, "above_baseline": 0.3}},
             "worst_defects_passed": {"with prompts": {"rate": 0.2, "trigger": "badnet-0.06-random",
                                                       "above_baseline": 0.1}},
             "station": {"worst": {"pass_rate": 0.0, "pass_rate_upper": 0.05}, "clean": {"review_rate": 0.02}},
             "inversion": inversion}
    runs = [("prm", "done", {"by_eps": {"eps=8/255": metrics}, "mode": "input", "attack_effective": True}),
            ("prm", "done", {"by_eps": {"eps=1/255": weak}, "mode": "frame", "attack_effective": False}),
            ("prm", "cancelled", {}), ("prm", "failed", {}), ("backdoor", "done", probe)]
    from dataclasses import replace

    from station.service.settings import apply_settings

    cfg = station.config  # a settings change, so the audit page has one to put in words
    apply_settings(station, sign_in(station.db, "boss", PW, via="test"),
                   replace(cfg, ui=replace(cfg.ui, idle_signout_minutes=16.0)))
    with station.db.transaction() as s:
        for kind, status, summary in runs:
            s.add(SelftestRun(kind=kind, params={}, status=status, started_at=utcnow(), finished_at=utcnow(),
                              summary=summary))


def station_data(station: Station) -> list[str]:
    """Texts that come from the station's data, not from its words: its name, users, model files and hashes,
    class keys, prompt texts, and the English names of classes that have no Japanese name."""
    data = [station.config.name, station.data_dir.as_posix(), str(station.data_dir), station.clip.sha256[:12],
            station.clip.sha256[:8], station.clip.spec.arch, station.config.source.target,
            station.clip.path.name if station.clip.path else "", "Bo Ss", "boss", "rita", "otto", "rvpt", "ViT-B-32"]
    data += [name for name, _ in DEMO_ACCOUNTS] + [DEMO_PASSWORD]  # the demo's accounts
    data += list(station.class_names.keys())
    data += [c.name for c in station.config.classes if not c.name_ja]
    data += [p for c in station.config.classes for p in c.prompts]
    data += [m for m in open_clip.list_models()]
    return sorted({d for d in data if d}, key=len, reverse=True)


def live_texts(live) -> list[tuple[str, str]]:
    """What an operator reads on the live page, the banner's painted words included."""
    return visible_texts(live) + [("banner", live.banner.text()), ("banner detail", live.banner.detail)]


def test_every_text_a_manager_sees_is_japanese(qtbot, japanese, station, messages):
    fill(station)
    window = build_window(station)
    qtbot.addWidget(window)
    window.show()
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    texts: list[tuple[str, str]] = []

    live = window.page("LivePage")
    assert live.banner.text() == "停止中"
    texts += live_texts(live)
    live.start()
    qtbot.waitUntil(lambda: live.banner.state in ("PASS", "FAIL", "REVIEW"), timeout=30_000)
    assert live.banner.text() in {"合格", "不合格", "要確認"}
    texts += live_texts(live)  # running: the camera's description, a verdict, both checks, a reason
    live.stop_and_wait()
    texts += live_texts(live)

    for name in window.pages:
        window.show_page(name)
        qtbot.wait(10)
        page = window.page(name)
        wait_for_reads(qtbot, page)
        if name == "ReviewPage":  # the live run may have added parts: at least the three filled in
            qtbot.waitUntil(lambda: page.table.rowCount() >= 3 and page.shown is not None, timeout=20_000)
            assert "レビュー待ち" in page.count_label.text()
            texts += cells(page.table, [3])
        for tabs in [getattr(page, "tabs", None), getattr(page, "tests", None)]:
            for i in range(tabs.count() if tabs is not None else 0):
                tabs.setCurrentIndex(i)
                texts += visible_texts(window)
        texts += visible_texts(window)
    texts += cells(window.page("UsersPage").user_table, [2, 3])
    texts += cells(window.page("UsersPage").audit_table, [3])  # every event as a sentence
    texts += cells(window.page("SettingsPage").classes, [3])
    selftest = window.page("SelftestPage")
    assert selftest.history.rowCount() == 5
    texts += cells(selftest.history, [2, 3, 4])

    dialogs = [SignInDialog(station, accounts.ensure_demo_accounts(station.db), window), AddUserDialog(window),
               ImportModelDialog(window)] + [RunDialog(window.ctx, run, selftests.results(station.db, run.id), window)
                                          for run in selftest.runs]
    for dialog in dialogs:  # children of the window, deleted with it (given to qtbot too, they were deleted twice)
        texts += visible_texts(dialog)

    data = station_data(station) + SHELL_COMMANDS
    untranslated = {(where, text) for where, text in texts if english_words(text, data)}
    assert not untranslated, "English left in the Japanese window (translate it in station_ja.ts, then `make " \
                             "translations`):\n" + "\n".join(f"{w}: {t!r}" for w, t in sorted(untranslated))
    assert len(texts) > 200  # every page was really looked at
    window.close()


def sample_params(code: str) -> dict:
    """Parameters for a station message as the station fills them in (nested messages, kinds, roles, figures)."""
    from string import Formatter

    special = {"kind": "folder", "family": "washer", "roles": "reviewer or manager", "role": "operator",
               "permission": "review", "work": "self-test", "variant": "eps=8/255", "verdict": "PASS",
               "reason": Message("source.cannot_open"), "detail": Message("inversion.progress", similarity=0.5, size=0.1),
               "inner": Message("source.camera", device=0), "source": Message("source.camera", device=1),
               "why": Message("gate.no_bank"), "classes": ["x/y"], "line": "-"}
    names = {f for _, f, _, _ in Formatter().parse(ENGLISH[code]) if f}
    return {n: special.get(n, 7) if n in special or n not in ("name", "user", "folder", "path", "url", "target",
                                                             "suffix", "types", "file", "label", "problem", "to_class")
            else "D4T4" for n in names} | ({"names": "D4T4"} if "names" in names else {})


def test_every_station_message_reads_in_japanese(japanese):
    """Each code the station can say (errors, progress, camera events, gate states) in the Japanese window."""
    left = {}
    for code in ENGLISH:
        params = sample_params(code)
        if code == "probe.inversion_done":
            params["inversion"] = {}
        text = words(Message(code, **params))
        if english_words(text, ["D4T4", "x/y"]):
            left[code] = text
    assert not left, left


def test_errors_a_person_meets_read_in_japanese(qtbot, japanese, station, messages, tmp_path):
    dialog = SignInDialog(station)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("otto")
    dialog.password_edit.setText("wrong password")
    dialog.try_sign_in()
    assert dialog.message.text() == "利用者名またはパスワードが違います。"
    with pytest.raises(Exception) as refused:
        accounts.add_account(station.db, sign_in(station.db, "boss", PW, via="test"), "x", "operator", "short", "")
    assert error_words(refused.value) == "パスワードは 8 文字以上にしてください"
    from station.capture import open_source

    with pytest.raises(Exception) as missing:
        open_source("folder", str(tmp_path / "nowhere"))
    assert "画像フォルダー" in error_words(missing.value) and not english_words(error_words(missing.value),
                                                                         [str(tmp_path / "nowhere")])
    from station.config import ConfigError
    from ui.pages.settings import GOOD_COLUMN

    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    settings = window.page("SettingsPage")
    for r in range(settings.classes.rowCount()):  # no good class: refused, in the window's words
        settings.classes.item(r, GOOD_COLUMN).setCheckState(Qt.CheckState.Unchecked)
    with pytest.raises(ConfigError) as refused:
        settings.edited()
    text = error_words(refused.value)
    assert "合格" in text and not english_words(text, [])


def test_the_shipped_translation_is_current_and_complete(tmp_path):
    """lupdate over ui/ finds exactly the strings of station_ja.ts, each translated; the .qm is lrelease's .ts."""
    bin_dir = Path(sys.executable).parent
    lupdate, lrelease = bin_dir / "pyside6-lupdate", bin_dir / "pyside6-lrelease"
    if not lupdate.exists() or not lrelease.exists():
        lupdate, lrelease = shutil.which("pyside6-lupdate"), shutil.which("pyside6-lrelease")
        if not lupdate or not lrelease:
            pytest.skip("pyside6-lupdate / pyside6-lrelease are not installed")
    ts = TRANSLATIONS / "station_ja.ts"

    def messages_of(path: Path) -> dict[tuple[str, str], ET.Element]:
        return {(ctx.findtext("name"), m.findtext("source")): m.find("translation")
                for ctx in ET.parse(path).getroot().iter("context") for m in ctx.iter("message")}

    fresh = tmp_path / "station_ja.ts"
    shutil.copy(ts, fresh)
    subprocess.run([str(lupdate), "-extensions", "py", "-locations", "none", "-no-obsolete", "-target-language",
                    "ja_JP", str(REPO / "ui"), "-ts", str(fresh)], check=True, capture_output=True)
    shipped, current = messages_of(ts), messages_of(fresh)
    assert set(current) == set(shipped), "ui/ and station_ja.ts differ: run `make translations` and translate"
    unfinished = [key for key, tr in shipped.items()
                  if tr.get("type") in ("unfinished", "vanished", "obsolete") or not "".join(tr.itertext()).strip()]
    assert not unfinished, f"untranslated in station_ja.ts: {unfinished}"
    assert len(shipped) >= 300

    qm = tmp_path / "station_ja.qm"
    subprocess.run([str(lrelease), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == (TRANSLATIONS / "station_ja.qm").read_bytes(), \
        "station_ja.qm is older than station_ja.ts: run `make translations`"


def test_translations_ship_with_the_wheel():
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(p in data["station.resources"] for p in ("translations/*", "translations/*.qm"))
    assert (i18n.translations_dir() / "station_ja.qm").is_file()


@pytest.mark.parametrize("setting, system, expected", [
    ("ja", "en_US", "ja"), ("en", "ja_JP", "en"), ("auto", "ja_JP", "ja"), ("auto", "ja", "ja"),
    ("auto", "en_GB", "en"), ("auto", "de_DE", "en"), ("auto", "C", "en"), ("auto", "", "en"),
])
def test_the_language_setting_chooses_the_language(setting, system, expected):
    assert i18n.choose_language(setting, system) == expected


def test_the_language_setting_is_read_before_the_station_opens(tmp_path):
    assert i18n.configured_language(tmp_path) == "auto"  # no settings file yet
    (tmp_path / "station.toml").write_text('[ui]\nlanguage = "ja"\n')
    assert i18n.configured_language(tmp_path) == "ja"
    (tmp_path / "station.toml").write_text('[ui]\nlanguage = "klingon"\n')
    assert i18n.configured_language(tmp_path) == "auto"
    (tmp_path / "station.toml").write_text('not toml [')
    assert i18n.configured_language(tmp_path) == "auto"


def test_the_schema_takes_only_known_languages():
    assert UiSpec().language == "auto"
    assert UiSpec(language="ja").language == "ja"
    with pytest.raises(ConfigError, match="language"):
        UiSpec(language="fr")


def test_a_missing_translation_falls_back_to_english(qapp, tmp_path, caplog):
    from PySide6.QtCore import QCoreApplication

    assert not i18n.install_translators("ja", folder=tmp_path)
    assert "stays in English" in caplog.text
    assert QCoreApplication.translate("Pages", "Settings") == "Settings"
    assert i18n.install_translators("ja")
    assert QCoreApplication.translate("Pages", "Settings") == "設定"
    assert i18n.install_translators("en")  # English: the source text, no translator
    assert QCoreApplication.translate("Pages", "Settings") == "Settings"


def test_japanese_without_a_japanese_font_is_english_and_says_which_font_to_install(qtbot, station, monkeypatch):
    """Without a font that writes Japanese, every Japanese word would be a row of boxes: the window starts in
    English and the sign-in says why and what to install. With one, it is Japanese."""
    from PySide6.QtCore import QCoreApplication

    monkeypatch.setattr(i18n.QFontDatabase, "families", lambda *system: [])
    try:
        language, notice = i18n.set_up_language("ja")
        assert (language, i18n.current_language()) == ("en", "en")
        assert QCoreApplication.translate("Pages", "Settings") == "Settings"
        dialog = SignInDialog(station, notice)
        qtbot.addWidget(dialog)
        assert "no Japanese font" in dialog.message.text() and "fonts-noto-cjk" in dialog.message.text()
        monkeypatch.setattr(i18n.QFontDatabase, "families", lambda *system: ["Noto Sans CJK JP"])
        assert i18n.set_up_language("ja") == ("ja", "")
        assert QCoreApplication.translate("Pages", "Settings") == "設定"
        assert i18n.set_up_language("en") == ("en", "")  # English needs no font of its own
    finally:
        i18n.remove_translators()


def test_the_settings_page_saves_the_language(qtbot, station, messages):
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    page = window.page("SettingsPage")
    assert page.language.currentData() == "auto"
    page.language.setCurrentIndex(page.language.findData("ja"))
    page.save()
    assert station.config.ui.language == "ja"
    assert 'language = "ja"' in (station.data_dir / "station.toml").read_text()


def test_choosing_japanese_without_a_japanese_font_says_so_before_the_restart(qtbot, station, monkeypatch):
    window = build_window(station)
    qtbot.addWidget(window)
    window.set_user(sign_in(station.db, "boss", PW, via="test"))
    page = window.page("SettingsPage")
    page.tabs.setCurrentIndex(page.tabs.count() - 1)  # the Station tab, where the language is chosen
    monkeypatch.setattr(i18n.QFontDatabase, "families", lambda *system: [])
    page.language.setCurrentIndex(page.language.findData("ja"))
    assert page.language_note.isVisibleTo(page) and "fonts-noto-cjk" in page.language_note.text()
    page.language.setCurrentIndex(page.language.findData("en"))
    assert not page.language_note.isVisibleTo(page)
    monkeypatch.setattr(i18n.QFontDatabase, "families", lambda *system: ["Noto Sans CJK JP"])
    page.language.setCurrentIndex(page.language.findData("ja"))
    assert not page.language_note.isVisibleTo(page)


def test_an_acceptance_report_s_caveats_read_in_japanese(japanese):
    """What the report could not measure is kept with its codes, so a Japanese window words it in Japanese; a report
    kept before the codes shows its own text."""
    from ui.pages.products import acceptance_words

    said = [Message("acceptance.not_learned", key="chipped", held=6), Message("acceptance.not_held_out", key="dent")]
    report = {"not_measured": [str(m) for m in said],
              "not_measured_codes": [{"code": m.code, "params": m.params} for m in said]}
    lines = acceptance_words(report)[-2:]
    assert "chipped" in lines[0] and "dent" in lines[1] and not english_words(" ".join(lines), ["chipped", "dent"])
    assert acceptance_words({"not_measured": [str(said[0])]})[-1].endswith(str(said[0]))


def test_the_photo_check_reads_in_japanese(japanese, tmp_path):
    """What the window says of a folder of photos before onboarding, and why it cannot onboard them yet."""
    from product_photos import write_product_photos
    from station.service.products import check_photos
    from ui.messages import words as said
    from ui.pages.products import photo_check_words

    photos = write_product_photos(tmp_path / "p", {"good": 6, "scratch": 3}, size=64)
    (photos / "good" / "broken.png").write_bytes(b"no picture")
    check = check_photos(photos, "good")
    text = "\n".join(photo_check_words(check) + [said(p) for p in check.blocking()])
    assert "broken.png" in text and "scratch" in text
    assert not english_words(text, [str(photos), "broken.png", "scratch", "good"]), text


def test_onboarding_progress_reads_in_japanese(japanese):
    """The line the Products page shows while a product is onboarded, as the station words its steps."""
    line = words(Message("onboarding.step", step=2, steps=6, what=Message("onboarding.check_b"),
                         detail=Message("onboarding.check_b_pass", epoch=30, epochs=40, loss=0.123)))
    assert line.startswith("2/6 ") and "30" in line and "0.123" in line and not english_words(line, []), line
