"""Did the attack bite? A self-test whose attack barely moved either check says nothing about the station,
however good its outcomes look (AutoAttack's lesson: a weak attack looks like a robust model). An attack on
CLIP that takes check B down counts as biting too; and check B falling while check A holds is itself a finding:
check B leans on CLIP (a linear probe on its features does), so it is no independent second opinion."""

from __future__ import annotations

INEFFECTIVE_MARGIN = 0.10  # check A must lose at least this share of accuracy for the run to count
INEFFECTIVE_TEXT = "attack ineffective: this run says nothing about the station"
NOT_INDEPENDENT_TEXT = "check B fell under an attack on CLIP while check A held: check B is not independent of CLIP"


def attack_strength(tally: dict, loss_pairs: list[tuple[float, float, int]], plain: tuple[float, float] | None = None) -> dict:
    """From check accuracies (clean, attacked), each batch's (start loss, final loss, images) and, when RVPT
    prompts are active, the plain encoder's accuracy (clean, attacked): the attack aims at the plain encoder,
    so prompts that hold check A steady do not make a biting attack 'ineffective'."""
    n = sum(k for _, _, k in loss_pairs)
    start = sum(a * k for a, _, k in loss_pairs) / n if n else None
    final = sum(b * k for _, b, k in loss_pairs) / n if n else None
    drop = tally["check_a_clean"] - tally["check_a_attacked"]
    drop_b = tally["check_b_clean"] - tally["check_b_attacked"]
    out = {"check_a_drop": drop, "check_b_drop": drop_b, "loss_start": start, "loss_final": final}
    if plain is not None:
        out["plain_clip_clean"], out["plain_clip_attacked"] = plain
    out["attack_effective"] = max(drop, drop_b, plain[0] - plain[1] if plain else 0.0) >= INEFFECTIVE_MARGIN
    # a check A right on (almost) none of the clean parts cannot be seen to hold: no finding either way
    out["check_a_unmeasured"] = tally["check_a_clean"] < INEFFECTIVE_MARGIN
    out["check_b_not_independent"] = (drop_b >= INEFFECTIVE_MARGIN and drop < INEFFECTIVE_MARGIN
                                      and not out["check_a_unmeasured"])
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
    if m.get("check_b_not_independent"):
        text += f" -- FINDING: {NOT_INDEPENDENT_TEXT}"
    if m.get("check_a_unmeasured"):
        text += (f" -- check A was right on too few of the clean parts ({m['check_a_clean']:.0%}) for the run to "
                 "show whether it falls or holds under attack")
    return text


def run_is_ineffective(summary: dict) -> bool:
    """A PRM run none of whose attacks bit (older runs without the figure count as effective)."""
    by_eps = summary.get("by_eps", {})
    return bool(by_eps) and not summary.get("attack_effective", True)


def shown_status(kind: str, status: str, summary: dict) -> str:
    """A run's status as people are told it: a finished PRM run whose attack did not bite is "attack ineffective"
    (the database keeps "done")."""
    return "attack ineffective" if status == "done" and kind == "prm" and run_is_ineffective(summary) else status


def run_note(kind: str, summary: dict) -> str:
    """A finished run's result in one line of plain words (the history's, and what the plant's overview shows)."""
    if kind == "backdoor":
        return _probe_note(summary)
    worst = max((m.get("defect_escape", 0) for m in summary.get("by_eps", {}).values()), default=None)
    note = f"defect escapes up to {worst:.0%}" if worst is not None else ""
    if summary.get("mode"):
        note = f"{summary['mode']} mode, {note}"
    if run_is_ineffective(summary):
        note = "ATTACK INEFFECTIVE (says nothing about the station); " + note
    return note


def _probe_note(summary: dict) -> str:
    worst = [p for p in summary.get("worst_defects_passed", {}).values() if p.get("above_baseline") is not None]
    note = f"defects passed up to {max(p['above_baseline'] for p in worst):+.0%} over clean" if worst else ""
    escapes = (summary.get("station") or {}).get("worst")
    if escapes:
        note += f"{'; ' if note else ''}station escapes {escapes['pass_rate']:.1%} (<= {escapes['pass_rate_upper']:.1%})"
    inv = summary.get("inversion")
    if inv and inv.get("backdoor_indicated") is not None:
        verdict = "BACKDOOR INDICATED" if inv["backdoor_indicated"] else "no backdoor indicated"
        note += f"{'; ' if note else ''}inversion: {verdict}"
    return note
