"""The acceptance report: the held-out photos through the whole station (gate, check A, check B, the policy),
recorded nowhere in the live records. What a manager reads before signing a product live."""

from __future__ import annotations

import base64
import html
from collections import Counter
from pathlib import Path

import cv2

from ..decision import FAIL, PASS, REVIEW
from ..judging import Judge
from ..messages import Message
from ..progress import QUIET, Progress, stop_if_asked
from .calibration import escape_upper_bound
from .definition import ProductSpec
from .photos import Photo

BOUND_WANTED = 0.10  # an escape bound above this is reported as "too few defect photos to bound it"
GALLERY = "gallery"


def _outcome(verdict: str, truth_good: bool) -> str:
    if verdict == REVIEW:
        return "review"
    if verdict == PASS:
        return "pass" if truth_good else "escape"
    return "false_fail" if truth_good else "fail"


def measure(judge: Judge, spec: ProductSpec, photos: list[Photo], out_dir: Path, progress: Progress = QUIET,
            batch: int = 16) -> dict:
    """Judge every held-out photo, write the gallery of escapes, false fails and reviews, return the figures."""
    good = spec.good
    learned = {c.key for c in spec.learned}
    rows = []
    for i in range(0, len(photos), batch):
        stop_if_asked(progress, "acceptance report")
        chunk = photos[i : i + batch]
        o = judge.opinions([p.image for p in chunk])
        for j, p in enumerate(chunk):
            d = judge.decisions_from(o, j)
            rows.append({"photo": str(p.path), "truth": p.class_key, "good": good[p.class_key], "verdict": d.verdict,
                         "reason": d.reason, "a": d.a.label, "conf_a": round(d.a.confidence, 4), "b": d.b.label,
                         "conf_b": round(d.b.confidence, 4), "outcome": _outcome(d.verdict, good[p.class_key])})
        progress.report(min(i + batch, len(photos)), len(photos), Message("onboarding.held_out_photos"))
    gallery_dir = out_dir / GALLERY
    gallery_dir.mkdir(parents=True, exist_ok=True)
    gallery, thumbnails = [], {}
    for n, (row, p) in enumerate(zip(rows, photos)):
        if row["outcome"] in ("escape", "false_fail", "review"):
            name, bgr = f"{n:04d}-{row['outcome']}.jpg", cv2.cvtColor(p.image, cv2.COLOR_RGB2BGR)
            cv2.imwrite(str(gallery_dir / name), bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
            gallery.append({**row, "file": f"{GALLERY}/{name}"})
            thumbnails[gallery[-1]["file"]] = _thumbnail_uri(bgr)
    counts = Counter(r["outcome"] for r in rows)
    defects, goods = sum(not r["good"] for r in rows), sum(r["good"] for r in rows)
    bound = escape_upper_bound(counts["escape"], defects)
    keys = [c.key for c in spec.classes]
    unmeasured = not_measured(spec, rows, bound)
    result = {
        "photos": len(rows), "defects": defects, "goods": goods,
        "escapes": counts["escape"], "escape_rate": counts["escape"] / defects if defects else None,
        "escape_rate_upper_95": bound,
        "false_fails": counts["false_fail"], "false_fail_rate": counts["false_fail"] / goods if goods else None,
        "reviews": counts["review"], "review_share": counts["review"] / len(rows) if rows else None,
        "by_class": {k: {"photos": sum(r["truth"] == k for r in rows), "learned": k in learned,
                         **{v.lower(): sum(r["truth"] == k and r["verdict"] == v for r in rows)
                            for v in (PASS, FAIL, REVIEW)}} for k in keys},
        "confusion_a": {k: dict(Counter(r["a"] for r in rows if r["truth"] == k)) for k in keys},
        "confusion_b": {k: dict(Counter(r["b"] for r in rows if r["truth"] == k)) for k in keys},
        "gallery": gallery,
        "not_measured": [str(m) for m in unmeasured],
        "not_measured_codes": [{"code": m.code, "params": m.params} for m in unmeasured],  # for the window's words
    }
    (out_dir / "acceptance.html").write_text(report_html(spec, result, thumbnails), encoding="utf-8")
    return result


def not_measured(spec: ProductSpec, rows: list[dict], bound: float | None) -> list[Message]:
    """What the report could not measure, in plain words (Messages: the window words each in its own language)."""
    out = []
    if spec.details.get("near_copies_split"):
        out.append(Message("acceptance.near_copies", count=spec.details["near_copies_split"]))
    limits = spec.details.get("thresholds", {})
    if limits and not limits.get("met_limits", True):
        out.append(Message("acceptance.no_thresholds", escapes=limits.get("escapes"),
                           false_fails=limits.get("false_fails")))
    gate = spec.details.get("gate", {}).get("calibration", {})
    frames, target = gate.get("heldout_frames", 0), gate.get("target", 0)
    if frames and target and frames * target < 1:  # the quantile cannot resolve the target on so few photos
        out.append(Message("acceptance.gate_few_photos", frames=frames, aim=target, one=1 / frames,
                           called=gate.get("false_review", 0)))
    defects = sum(not r["good"] for r in rows)
    if not defects:
        out.append(Message("acceptance.no_defects_held_out"))
    elif bound is not None and bound > BOUND_WANTED:
        needed = next(n for n in range(defects, 100_000) if escape_upper_bound(0, n) <= BOUND_WANTED)
        out.append(Message("acceptance.bound_too_wide", defects=defects, wanted=BOUND_WANTED, bound=bound,
                           needed=needed))
    for c in spec.classes:
        held = sum(r["truth"] == c.key for r in rows)
        if not c.good and not c.learned:
            out.append(Message("acceptance.not_learned", key=c.key, held=held))
        elif held == 0:
            out.append(Message("acceptance.not_held_out", key=c.key))
    return out


def _pct(x: float | None) -> str:
    return "not measured" if x is None else f"{x:.1%}"


def _thumbnail_uri(image, width: int = 160) -> str:
    """A small JPEG of a gallery photo (BGR) inside the report itself, so that a copy sent on its own shows its
    pictures (the full photo stays in gallery/, a click away where the report lies in its folder)."""
    h, w = image.shape[:2]
    if w > width:
        image = cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return "data:image/jpeg;base64," + base64.b64encode(data.tobytes()).decode("ascii") if ok else ""


def report_html(spec: ProductSpec, r: dict, thumbnails: dict[str, str] | None = None) -> str:
    """The report as one HTML page; `thumbnails`: gallery file -> data URI of its picture (else linked)."""
    e = html.escape
    thumbnails = thumbnails or {}
    keys = [c.key for c in spec.classes]

    def confusion(name: str, table: dict) -> str:
        head = "".join(f"<th>{e(k)}</th>" for k in keys)
        body = "".join(f"<tr><th>{e(t)}</th>" + "".join(f"<td>{table[t].get(p, 0)}</td>" for p in keys) + "</tr>"
                       for t in keys)
        return f"<h3>{e(name)} (rows: true class, columns: answer)</h3><table><tr><th></th>{head}</tr>{body}</table>"

    cards = "".join(
        f"<figure><a href='{e(g['file'])}'><img src='{e(thumbnails.get(g['file']) or g['file'])}' width='160'></a>"
        f"<figcaption>{e(g['outcome'].replace('_', ' '))}: "
        f"{e(g['truth'])}<br>A {e(g['a'])} {g['conf_a']:.2f}, B {e(g['b'])} {g['conf_b']:.2f}<br>"
        f"{e(g['reason'])}<br><small>{e(Path(g['photo']).name)}</small></figcaption></figure>" for g in r["gallery"])
    notes = "".join(f"<li>{e(n)}</li>" for n in r["not_measured"]) or "<li>Nothing left unmeasured.</li>"
    by_class = "".join(f"<tr><td>{e(k)}</td><td>{v['photos']}</td><td>{v['pass']}</td><td>{v['fail']}</td>"
                       f"<td>{v['review']}</td><td>{'yes' if v['learned'] else 'no'}</td></tr>"
                       for k, v in r["by_class"].items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Acceptance: {e(spec.name)} v{spec.version}</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:4px 8px}}
figure{{display:inline-block;margin:6px;width:170px;vertical-align:top}} figcaption{{font-size:12px}}</style></head><body>
<h1>Acceptance report: {e(spec.name)} v{spec.version}</h1>
<p>{r['photos']} held-out photos, never used for training or thresholds, through the whole station (input gate, check A,
check B, the verdict policy at conf_a {spec.conf_a:.2f}, conf_b {spec.conf_b:.2f}). Nothing of this run is in the live records.</p>
<table>
<tr><th>Defective parts passed (escapes)</th><td>{r['escapes']} of {r['defects']} ({_pct(r['escape_rate'])}); 95% upper bound {_pct(r['escape_rate_upper_95'])}</td></tr>
<tr><th>Good parts failed</th><td>{r['false_fails']} of {r['goods']} ({_pct(r['false_fail_rate'])})</td></tr>
<tr><th>Sent to review</th><td>{r['reviews']} of {r['photos']} ({_pct(r['review_share'])})</td></tr>
</table>
<h2>What this report could not measure</h2><ul>{notes}</ul>
<h2>By class</h2><table><tr><th>class</th><th>photos</th><th>PASS</th><th>FAIL</th><th>REVIEW</th><th>learned</th></tr>{by_class}</table>
{confusion("Check A (CLIP with the product's prompts)", r["confusion_a"])}
{confusion("Check B (the product's CNN)", r["confusion_b"])}
<h2>Every escape, false fail and review ({len(r['gallery'])})</h2>{cards}
</body></html>"""
