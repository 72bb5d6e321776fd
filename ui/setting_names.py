"""Short names of the settings, for sentences about them (the audit trail's 'changed settings: ...')."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

NAMES = {
    "name": QT_TRANSLATE_NOOP("SettingNames", "station name"),
    "database_url": QT_TRANSLATE_NOOP("SettingNames", "database"),
    "database_password_file": QT_TRANSLATE_NOOP("SettingNames", "database password file"),
    "classes": QT_TRANSLATE_NOOP("SettingNames", "classes"),
    "thresholds.conf_a": QT_TRANSLATE_NOOP("SettingNames", "vision model's confidence needed"),
    "thresholds.conf_b": QT_TRANSLATE_NOOP("SettingNames", "second check's confidence needed"),
    "failsafe.window": QT_TRANSLATE_NOOP("SettingNames", "fail-safe: parts looked at"),
    "failsafe.max_review_share": QT_TRANSLATE_NOOP("SettingNames", "fail-safe: share to review that trips it"),
    "failsafe.min_frames": QT_TRANSLATE_NOOP("SettingNames", "fail-safe: fewest parts before it can trip"),
    "source.kind": QT_TRANSLATE_NOOP("SettingNames", "camera kind"),
    "source.target": QT_TRANSLATE_NOOP("SettingNames", "camera address"),
    "source.fps": QT_TRANSLATE_NOOP("SettingNames", "frames per second"),
    "source.defect_rate": QT_TRANSLATE_NOOP("SettingNames", "simulated camera's share of defects"),
    "model.clip": QT_TRANSLATE_NOOP("SettingNames", "vision model"),
    "model.check_b": QT_TRANSLATE_NOOP("SettingNames", "second check"),
    "model.check_b_path": QT_TRANSLATE_NOOP("SettingNames", "second check's file"),
    "model.threads": QT_TRANSLATE_NOOP("SettingNames", "threads the checks compute with"),
    "ui.idle_signout_minutes": QT_TRANSLATE_NOOP("SettingNames", "sign-out time"),
    "ui.language": QT_TRANSLATE_NOOP("SettingNames", "window language"),
    "ui.review_hold_seconds": QT_TRANSLATE_NOOP("SettingNames", "hold of a part to check by hand"),
    "schedule.prm_every_days": QT_TRANSLATE_NOOP("SettingNames", "attack test interval"),
    "schedule.backdoor_every_days": QT_TRANSLATE_NOOP("SettingNames", "backdoor probe interval"),
    "gate.enabled": QT_TRANSLATE_NOOP("SettingNames", "input gate"),
}


def setting_name(key: str) -> str:
    """A setting's short name in the window's language; a key this version has no name for, as it is."""
    key = "classes" if key.startswith("classes") else key
    return QCoreApplication.translate("SettingNames", NAMES[key]) if key in NAMES else key
