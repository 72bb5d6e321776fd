"""Audit events as sentences a quality manager reads, in the window's language (the trail keeps codes and JSON)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from .messages import words
from .setting_names import setting_name

# {detail key} fields come from the event's detail; a missing one reads "?"
SENTENCES = {
    "sign_in": QT_TRANSLATE_NOOP("Audit", "signed in ({via})"),
    "sign_in.failed": QT_TRANSLATE_NOOP("Audit", "sign-in refused: wrong name or password, or account blocked ({via})"),
    "sign_out": QT_TRANSLATE_NOOP("Audit", "signed out ({reason})"),
    "sign_in.throttled": QT_TRANSLATE_NOOP("Audit", "sign-in held back after failed ones: wait {wait_s} s ({via})"),
    "sign_in.refused_tampered": QT_TRANSLATE_NOOP("Audit", "sign-in refused: the account {account} was changed "
                                                           "outside the station"),
    "audit.tail_lost": QT_TRANSLATE_NOOP("Audit", "the last {lost} events were lost in a crash or restore (the "
                                                  "checkpoint of {checkpoint_written} named #{checkpoint_event})"),
    "images.quarantined": QT_TRANSLATE_NOOP("Audit", "{count} images without a record moved to quarantine"),
    "refused": QT_TRANSLATE_NOOP("Audit", "refused: {permission} ({via})"),
    "user.add": QT_TRANSLATE_NOOP("Audit", "added user {username} as {role}"),
    "user.role": QT_TRANSLATE_NOOP("Audit", "changed the role of {username} from {old} to {new}"),
    "user.activate": QT_TRANSLATE_NOOP("Audit", "activated user {username}"),
    "user.deactivate": QT_TRANSLATE_NOOP("Audit", "deactivated user {username}"),
    "review.decide": QT_TRANSLATE_NOOP("Audit", "decided part no. {inspection}: {label}"),
    "failsafe.trip": QT_TRANSLATE_NOOP("Audit", "fail-safe tripped: {review_share} of the last {window} parts went "
                                                "to review (limit {limit}); manual mode"),
    "failsafe.trip.errors": QT_TRANSLATE_NOOP("Audit", "fail-safe tripped: the checks failed on {failed_frames} parts "
                                                       "in a row; manual mode"),
    "failsafe.reset": QT_TRANSLATE_NOOP("Audit", "reset the fail-safe ({note})"),
    "selftest.start": QT_TRANSLATE_NOOP("Audit", "started {kind} run {run}"),
    "selftest.finish": QT_TRANSLATE_NOOP("Audit", "{kind} run {run} ended: {status}"),
    "keys.trust": QT_TRANSLATE_NOOP("Audit", "trusts the plant key {name} ({fingerprint})"),
    "keys.remove": QT_TRANSLATE_NOOP("Audit", "no longer trusts the plant key {name} ({fingerprint})"),
    "gate.bank": QT_TRANSLATE_NOOP("Audit", "input gate: reference bank v{version} of {frames} frames is live"),
    "model.import": QT_TRANSLATE_NOOP("Audit", "imported the vision model {arch} ({sha256})"),
    "model.changed": QT_TRANSLATE_NOOP("Audit", "a model file changed outside the station: {path}"),
    "prompts.register": QT_TRANSLATE_NOOP("Audit", "tuned prompt set {name} v{version} (id {prompt_set})"),
    "prompts.activate": QT_TRANSLATE_NOOP("Audit", "made prompt set {name} v{version} (id {prompt_set}) live"),
    "prompts.deactivate": QT_TRANSLATE_NOOP("Audit", "took prompt set {prompt_set} off"),
    "pack.export": QT_TRANSLATE_NOOP("Audit", "exported a station pack: {file}"),
    "pack.import": QT_TRANSLATE_NOOP("Audit", "imported a station pack signed by {signer_name}: {file}"),
    "pack.import.refused": QT_TRANSLATE_NOOP("Audit", "refused a station pack: {file}"),
    "settings.change": QT_TRANSLATE_NOOP("Audit", "changed settings: {changes}"),
    "settings.recorded": QT_TRANSLATE_NOOP("Audit", "recorded the settings file"),
    "settings.changed_outside": QT_TRANSLATE_NOOP("Audit", "the settings file was edited outside the station: "
                                                           "{changes}"),
    "audit.keyed": QT_TRANSLATE_NOOP("Audit", "the audit trail is keyed from here on"),
    "link.listening": QT_TRANSLATE_NOOP("Audit", "PLC link {link}: listening"),
    "link.connected": QT_TRANSLATE_NOOP("Audit", "PLC link {link}: connected"),
    "link.failed": QT_TRANSLATE_NOOP("Audit", "PLC link {link}: failed"),
    "link.off": QT_TRANSLATE_NOOP("Audit", "PLC link {link}: off"),
    "product.created": QT_TRANSLATE_NOOP("Audit", "onboarded product {name} v{version}"),
    "product.accepted": QT_TRANSLATE_NOOP("Audit", "signed the acceptance report of product {name} v{version}"),
    "product.live": QT_TRANSLATE_NOOP("Audit", "changeover: product {name} v{version} is live (before: {before})"),
    "product.live.none": QT_TRANSLATE_NOOP("Audit", "changeover: no product live, the settings' classes (before: "
                                                    "{before})"),
    "product.live.refused": QT_TRANSLATE_NOOP("Audit", "changeover refused, the product judging stays live: "
                                                       "{refused}"),
    "product.imported": QT_TRANSLATE_NOOP("Audit", "product {name} v{version} arrived in a station pack (v"
                                                   "{source_version} there, signed there by {accepted_there_by})"),
    "product.recipe": QT_TRANSLATE_NOOP("Audit", "product {name}: recipe number {recipe} (before: {before})"),
}
VIA = {"cli": QT_TRANSLATE_NOOP("Audit", "command line"), "gui": QT_TRANSLATE_NOOP("Audit", "window"),
       "test": QT_TRANSLATE_NOOP("Audit", "test")}
REASONS = {"user": QT_TRANSLATE_NOOP("Audit", "by the user"), "idle": QT_TRANSLATE_NOOP("Audit", "after a quiet spell"),
           "closed": QT_TRANSLATE_NOOP("Audit", "window closed")}
KINDS = {"prm": QT_TRANSLATE_NOOP("Audit", "attack test"), "backdoor": QT_TRANSLATE_NOOP("Audit", "backdoor probe")}
STATUSES = {"done": QT_TRANSLATE_NOOP("Audit", "done"), "cancelled": QT_TRANSLATE_NOOP("Audit", "cancelled"),
            "failed": QT_TRANSLATE_NOOP("Audit", "failed")}


def tr_(text: str) -> str:
    return QCoreApplication.translate("Audit", text)


def _value(key: str, value, names: dict[str, str]) -> str:
    if value is None or value == "":
        return "-"
    if key == "via":
        return tr_(VIA[value]) if value in VIA else str(value)
    if key == "reason" and value in REASONS:
        return tr_(REASONS[value])
    if key == "kind":
        return tr_(KINDS[value]) if value in KINDS else str(value)
    if key == "status":
        return tr_(STATUSES[value]) if value in STATUSES else str(value)
    if key in ("role", "old", "new"):
        from .pages.users import role_words

        return role_words(str(value), long=False)
    if key == "permission":
        from .messages import PERMISSION_NAMES

        return QCoreApplication.translate("Messages", PERMISSION_NAMES[value]) if value in PERMISSION_NAMES else value
    if key == "label":
        return names.get(value, str(value))
    if key in ("review_share", "limit") and isinstance(value, (int, float)):
        return f"{value:.0%}"
    if key in ("sha256", "fingerprint", "foundation") and isinstance(value, str):
        return value[:12]
    if key in ("changes", "settings_changed") and isinstance(value, dict):  # {setting: [old, new]}
        return ", ".join(f"{setting_name(k)}: {_plain(v[0])} → {_plain(v[1])}" if isinstance(v, list) and len(v) == 2
                         else f"{setting_name(k)}: {_plain(v)}" for k, v in value.items())
    return words(value) if isinstance(value, str) else _plain(value)


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def audit_sentence(action: str, detail: dict, names: dict[str, str] | None = None) -> str:
    """One event as a sentence: 'decided part no. 140: scratched washer'."""
    names = names or {}
    fields = _Fields({k: _value(k, v, names) for k, v in (detail or {}).items()})
    if action == "failsafe.trip" and detail and detail.get("kind") == "errors":
        action = "failsafe.trip.errors"
    if action == "product.live" and detail:
        action = "product.live.refused" if detail.get("refused") else (
            "product.live.none" if detail.get("name") is None else action)
    if action in SENTENCES:
        return tr_(SENTENCES[action]).format_map(fields)
    listed = "; ".join(f"{k}: {v}" for k, v in fields.items())  # a kind of event this version does not know
    return f"{action}: {listed}" if listed else action
