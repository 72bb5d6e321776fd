"""Decisions from the plant's review desk, signed: the desk signs what its reviewer decided, on which frame (its
image's sha256), and a station records a decision only when a key it trusts signed exactly that, for one of its
own frames whose picture is the one signed. Anyone who can write the plant database can add a row; only a desk
can sign one.

The desk's key pair is made like a plant key (`station pack keygen`); a station trusts its public half as it
trusts a plant key (`station keys trust desk.pub --name "Review desk"`).
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from .errors import StationError
from .signing import fingerprint, load_public_key, sign, signature_valid
from .storage.models import Inspection
from .trusted_keys import find_key

MAX_NOTE = 2000  # characters of a reviewer's note a decision carries


class DeskDecisionRefused(StationError):
    """Not recorded here: unsigned, signed by a key this station does not trust, or not about this frame."""


def signed_decision(private_key, station: str, inspection: int, image_sha256: str, label: str, good: bool,
                    note: str, reviewer: str) -> dict:
    """The payload (canonical JSON text) and its Ed25519 signature, as a plant_desk_decision row carries them."""
    payload = json.dumps({"station": station, "inspection": inspection, "image_sha256": image_sha256,
                          "label": label, "good": good, "note": note[:MAX_NOTE], "reviewer": reviewer},
                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {"payload": payload, "signer": fingerprint(private_key.public_key()),
            "signature": sign(private_key, payload.encode("utf-8")).hex()}


def checked_decision(session: Session, row: dict, station: str) -> dict:
    """The decision `row` carries, once its signature, its signer and its frame check out here; DeskDecisionRefused
    saying why not."""
    key = find_key(session, row.get("signer") or "")
    if key is None or not key.active:
        raise DeskDecisionRefused(f"not signed by a desk key this station trusts (key {str(row.get('signer'))[:16]}); "
                                  "a manager here trusts the desk's public key with: station keys trust desk.pub "
                                  "--name \"Review desk\"")
    payload = row.get("payload") or ""
    try:
        signature = bytes.fromhex(row.get("signature") or "")
    except ValueError:
        signature = b""
    if not signature_valid(load_public_key(key.public_key), signature, payload.encode("utf-8")):
        raise DeskDecisionRefused(f"its signature by '{key.name}' does not match what it says (changed after the "
                                  "desk signed it)")
    decision = json.loads(payload)
    if decision.get("station") != station or decision.get("inspection") != row.get("inspection"):
        raise DeskDecisionRefused("it was signed for another frame or station than the row it is in")
    frame = session.get(Inspection, decision["inspection"])
    if frame is None or frame.image_sha256 != decision.get("image_sha256"):
        raise DeskDecisionRefused(f"the picture the desk decided on is not this station's frame #{decision['inspection']}")
    return decision
