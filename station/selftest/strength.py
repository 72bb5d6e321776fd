"""Did the attack bite? A self-test whose attack barely moved check A says nothing about the station,
however good its outcomes look (AutoAttack's lesson: a weak attack looks like a robust model)."""

from __future__ import annotations

INEFFECTIVE_MARGIN = 0.10  # check A must lose at least this share of accuracy for the run to count
INEFFECTIVE_TEXT = "attack ineffective: this run says nothing about the station"


def attack_strength(tally: dict, loss_pairs: list[tuple[float, float, int]], plain: tuple[float, float] | None = None) -> dict:
    """From check accuracies (clean, attacked), each batch's (start loss, final loss, images) and, when RVPT
    prompts are active, the plain encoder's accuracy (clean, attacked): the attack aims at the plain encoder,
    so prompts that hold check A steady do not make a biting attack 'ineffective'."""
    n = sum(k for _, _, k in loss_pairs)
    start = sum(a * k for a, _, k in loss_pairs) / n if n else None
    final = sum(b * k for _, b, k in loss_pairs) / n if n else None
    drop = tally["check_a_clean"] - tally["check_a_attacked"]
    out = {"check_a_drop": drop, "loss_start": start, "loss_final": final}
    if plain is not None:
        out["plain_clip_clean"], out["plain_clip_attacked"] = plain
        drop = max(drop, plain[0] - plain[1])
    out["attack_effective"] = drop >= INEFFECTIVE_MARGIN
    return out


def strength_line(m: dict) -> str:
    """One line for people: how far the attack moved check A, and whether the result means anything."""
    text = (f"check A {m['check_a_clean']:.0%} -> {m['check_a_attacked']:.0%} under attack, "
            f"check B {m['check_b_clean']:.0%} -> {m['check_b_attacked']:.0%}")
    if m.get("plain_clip_clean") is not None:
        text += f" (plain CLIP without the prompts {m['plain_clip_clean']:.0%} -> {m['plain_clip_attacked']:.0%})"
    if m.get("loss_start") is not None:
        text += f"; loss {m['loss_start']:.2f} -> {m['loss_final']:.2f}"
    if not m.get("attack_effective", True):
        text += f" -- {INEFFECTIVE_TEXT}"
    return text


def run_is_ineffective(summary: dict) -> bool:
    """A PRM run none of whose attacks bit (older runs without the figure count as effective)."""
    by_eps = summary.get("by_eps", {})
    return bool(by_eps) and not summary.get("attack_effective", True)
