"""The window's language: `[ui] language` (auto, en, ja) and the Qt translators that carry it out.

English is the source text of every string in ui/, so English needs no translator; Japanese loads
resources/translations/station_ja.qm (made by `make translations`) and Qt's own qtbase_ja.qm for the
standard buttons (OK, Cancel, Yes, No). A missing file means English, with a warning in the log.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase

from station.service.settings import CONFIG_NAME
from station.paths import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ja")  # what a translation exists for; "en" is the source text
SETTINGS = ("auto", "en", "ja")  # the values of [ui] language
_installed: list[QTranslator] = []  # kept alive while installed (Qt does not own them)
_language = ["en"]  # what the installed translators speak
WRITING_SYSTEMS = {"ja": QFontDatabase.WritingSystem.Japanese}
# in English: it is said when the window falls back to English
NO_FONT = ("The window's language is Japanese, but this computer has no Japanese font: every Japanese word would "
           "show as empty boxes, so the window is in English. Install a Japanese font (Debian or Ubuntu: "
           "sudo apt-get install fonts-noto-cjk), then start again.")


def translations_dir() -> Path:
    return resources_dir() / "translations"


def choose_language(setting: str, system_locale_name: str) -> str:
    """'en' or 'ja': the setting itself, or for 'auto' the system locale's language (e.g. 'ja_JP' gives 'ja')."""
    if setting in LANGUAGES:
        return setting
    return "ja" if system_locale_name.replace("-", "_").lower().split("_")[0] == "ja" else "en"


def configured_language(data_dir: Path | str) -> str:
    """`[ui] language` from the station's settings file, read before the station opens; 'auto' when the file
    is missing or unreadable (Station.open reports a broken file properly)."""
    try:
        raw = tomllib.loads((Path(data_dir) / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "auto"
    value = raw.get("ui", {}).get("language", "auto") if isinstance(raw.get("ui"), dict) else "auto"
    return value if value in SETTINGS else "auto"


def current_language() -> str:
    """'en' or 'ja': what the window speaks now."""
    return _language[0]


def shown_name(named) -> str:
    """A class's name as the window says it: `name_ja` in Japanese where there is one, else `name`."""
    return (named.name_ja or named.name) if current_language() == "ja" else named.name


def remove_translators() -> None:
    app = QCoreApplication.instance()
    _language[0] = "en"
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)


def install_translators(language: str, folder: Path | None = None) -> bool:
    """Install the translators for `language` ('en' or 'ja') on the running application, replacing earlier
    ones. Returns whether the station's own translation was loaded (always True for English)."""
    app = QCoreApplication.instance()
    remove_translators()
    if language == "en" or app is None:
        return True
    folder = translations_dir() if folder is None else Path(folder)
    station = QTranslator()
    if not station.load(str(folder / f"station_{language}.qm")):
        log.warning("no translation %s in %s: the window stays in English", f"station_{language}.qm", folder)
        return False
    qt = QTranslator()  # Qt's own words: standard buttons, file dialogs
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    else:
        log.info("Qt's own qtbase_%s.qm is not installed: standard buttons stay in English", language)
    app.installTranslator(station)
    _installed.append(station)
    _language[0] = language
    return True


def has_font_for(language: str) -> bool:
    """Whether an installed font writes `language` (without one, Qt draws every Japanese character as a box)."""
    system = WRITING_SYSTEMS.get(language)
    return system is None or bool(QFontDatabase.families(system))


def set_up_language(setting: str) -> tuple[str, str]:
    """At start-up, before any window: choose and install. Returns the language the window will speak, and what
    the person starting it must be told ('' when nothing): a language no installed font can write falls back to
    English, with the font to install."""
    language = choose_language(setting, QLocale.system().name())
    notice = ""
    if not has_font_for(language):
        log.warning("%s", NO_FONT)
        language, notice = "en", NO_FONT
    if not install_translators(language):
        language = "en"
    return language, notice
