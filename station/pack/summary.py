"""A pack's preview in words, for `station pack show`, the import's confirmation and the station window."""

from __future__ import annotations

import json

from .reader import PackPreview


def _shown(value) -> str:
    """As the settings file spells it: true/false, quoted text."""
    return json.dumps(value, default=str) if isinstance(value, (bool, str, list, dict)) or value is None else str(value)


def _class_lines(old: list, new: list) -> list[str]:
    """Classes by key: which came, which went, and each changed field (e.g. a defect class made good)."""
    before = {c.get("key"): c for c in old or [] if isinstance(c, dict)}
    after = {c.get("key"): c for c in new or [] if isinstance(c, dict)}
    lines = []
    for key in sorted(set(before) | set(after), key=str):
        if key not in after:
            lines.append(f"classes.{key}: removed")
        elif key not in before:
            c = after[key]
            lines.append(f"classes.{key}: added ({'good' if c.get('good') else 'defect'}, {_shown(c.get('name'))})")
        else:
            for field in sorted(set(before[key]) | set(after[key])):
                if before[key].get(field) != after[key].get(field):
                    lines.append(f"classes.{key}.{field}: {_shown(before[key].get(field))} -> "
                                 f"{_shown(after[key].get(field))}")
    return lines


def change_lines(changes: dict) -> list[str]:
    """'key: old -> new' for each setting the pack would change."""
    lines = []
    for key, (old, new) in changes.items():
        if key == "classes":
            lines += _class_lines(old, new)
        else:
            lines.append(f"{key}: {_shown(old)} -> {_shown(new)}")
    return lines


def describe(preview: PackPreview) -> list[str]:
    """Who signed the pack and what it carries."""
    m = preview.manifest
    model = "the bundled demo model" if m.model.kind == "demo" else f"{m.model.stored} (in the pack)"
    prompt = f"{m.prompt_set.name} v{m.prompt_set.version}" if m.prompt_set else "none"
    return [
        f"pack:        {preview.path}",
        f"signed by:   {preview.signer_name} (key {preview.signer})",
        f"made by:     {m.created_by} on {m.created_at}, station {m.station_version}",
        f"model:       {model}, fingerprint {m.foundation_sha256[:12]}",
        f"check B:     {preview.settings.model.check_b}" + (f", {m.check_b.stored} (in the pack)" if m.check_b else ""),
        f"prompt set:  {prompt}",
        f"products:    " + (", ".join(f"{p.name} v{p.version} (signed there by {p.accepted_by}; arrives unsigned)"
                                     for p in m.products) if m.products else "none"),
        f"files:       {len(m.files)}, every one matching its sha256",
        f"sequence:    {m.sequence}" + (f" -- OLDER than the pack {preview.last_sequence} this station took from this "
                                        "key: importing it goes back (--allow-older)" if preview.older else ""),
    ]
