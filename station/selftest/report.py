"""A self-contained HTML report of one self-test run, for a quality meeting.

Everything is inline (styles, the trend chart as SVG, images as PNG data), so
the file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.images import ImageStore
from ..storage.models import SelftestResult, SelftestRun
from .outcomes import CAUGHT, CORRECT, DEFECT_ESCAPE, SILENT_FAILURE
from .strength import INEFFECTIVE_TEXT, run_is_ineffective, strength_line
from ..errors import InvalidInput

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.bad{color:#b00020;font-weight:bold}.good{color:#1b7a1b}.ex{display:inline-block;margin:.4em;text-align:center;font-size:.8em}
.ex img{width:160px;height:160px;image-rendering:pixelated;border:1px solid #999}
.note{color:#555;font-size:.9em}.banner{border:2px solid #b00020;padding:.6em;background:#fdecea}
"""


def _png_data(image: np.ndarray) -> str:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return "data:image/png;base64," + base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _trend_svg(runs: list[SelftestRun], current_id: int) -> str:
    """Defect escapes and caught share (at the strongest eps of each run) over time."""
    points = []
    for r in runs:
        by_eps = r.summary.get("by_eps", {})
        if not by_eps:
            continue
        worst = max(by_eps.values(), key=lambda m: m.get("defect_escape", 0))
        points.append((r.id, worst.get("defect_escape", 0.0), worst.get("caught", 0.0), run_is_ineffective(r.summary)))
    if len(points) < 2:
        return '<p class="note">The trend appears once there are two or more finished runs.</p>'
    w, h, pad = 640, 200, 30
    xs = [pad + i * (w - 2 * pad) / (len(points) - 1) for i in range(len(points))]

    def line(values, colour):
        pts = " ".join(f"{x:.1f},{h - pad - v * (h - 2 * pad):.1f}" for x, v in zip(xs, values))
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>'

    bold = ' font-weight="bold"'
    labels = "".join(
        f'<text x="{x:.1f}" y="{h - 8}" font-size="10" text-anchor="middle"{bold if rid == current_id else ""}>'
        f'#{rid}{" ineffective" if weak else ""}</text>'
        + (f'<rect x="{x - 6:.1f}" y="{pad}" width="12" height="{h - 2 * pad}" fill="#999" opacity="0.3">'
           f'<title>run #{rid}: {INEFFECTIVE_TEXT}</title></rect>' if weak else "")
        for x, (rid, _, _, weak) in zip(xs, points)
    )
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="trend over runs">'
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#999"/>'
        f'<text x="4" y="{pad}" font-size="10">100%</text><text x="4" y="{h - pad}" font-size="10">0%</text>'
        f'{line([p[1] for p in points], "#b00020")}{line([p[2] for p in points], "#1565c0")}{labels}</svg>'
        '<p class="note"><span class="bad">red</span>: defect escapes, <span style="color:#1565c0">blue</span>: '
        "sent to review, at each run's strongest attack. Grey bands: runs whose attack did not bite, which say "
        "nothing about the station.</p>"
    )


def _examples(results: list[SelftestResult], store: ImageStore, limit: int = 6) -> str:
    order = {DEFECT_ESCAPE: 0, SILENT_FAILURE: 1, CAUGHT: 2, CORRECT: 3}
    chosen = sorted((r for r in results if r.image_path and r.details.get("clean_image")),
                    key=lambda r: order.get(r.outcome, 9))[:limit]
    blocks = []
    for r in chosen:
        try:
            adv = store.read(r.image_path)
            clean = store.read(r.details["clean_image"])
        except (OSError, ValueError):
            continue
        diff = adv.astype(np.int16) - clean.astype(np.int16)
        scale = 127 / max(1, int(np.abs(diff).max()))
        magnified = np.clip(128 + diff * scale, 0, 255).astype(np.uint8)
        a = r.details.get("attacked", {})
        blocks.append(
            f'<div><b>{html.escape(r.true_label)}</b>, {html.escape(r.variant)}: '
            f'<span class="{"bad" if r.outcome in (DEFECT_ESCAPE, SILENT_FAILURE) else "good"}">'
            f'{html.escape(r.outcome.replace("_", " "))}</span> (verdict {html.escape(str(a.get("verdict")))}, '
            f'A {html.escape(str(a.get("a")))}, B {html.escape(str(a.get("b")))})<br>'
            f'<span class="ex"><img src="{_png_data(clean)}" alt="clean"><br>clean</span>'
            f'<span class="ex"><img src="{_png_data(adv)}" alt="attacked"><br>attacked</span>'
            f'<span class="ex"><img src="{_png_data(magnified)}" alt="perturbation"><br>perturbation ×{scale:.0f}</span></div>'
        )
    return "".join(blocks) or '<p class="note">No images were kept for this run.</p>'


def _schedule_html(session: Session, run: SelftestRun, cfg) -> str:
    if cfg is None:
        return ""
    from .schedule import schedule_kept

    every = {"prm": cfg.schedule.prm_every_days, "backdoor": cfg.schedule.backdoor_every_days}.get(run.kind, 0)
    return f"<h2>Schedule</h2><p>{html.escape(schedule_kept(session, run, every))}.</p>"


def render_report(session: Session, store: ImageStore, run_id: int, cfg=None) -> str:
    """The run's page; with the station's settings (`cfg`) it also says whether the run kept the schedule."""
    run = session.get(SelftestRun, run_id)
    if run is None:
        raise InvalidInput(f"self-test run {run_id} does not exist (see: station selftest history)")
    earlier = list(session.scalars(
        select(SelftestRun).where(SelftestRun.kind == run.kind, SelftestRun.status == "done",
                                  SelftestRun.id <= run.id).order_by(SelftestRun.id)))
    results = list(session.scalars(select(SelftestResult).where(SelftestResult.run_id == run_id)))
    rows = []
    clean = run.summary.get("clean")
    if clean:
        rows.append(f"<tr><td>none (clean frames)</td><td></td><td>{_pct(clean['correct'])}</td><td>{_pct(clean['caught'])}</td>"
                    f"<td>{_pct(clean['silent_failure'])}</td><td>{_pct(clean['defect_escape'])}</td>"
                    "<td></td><td></td><td></td><td></td><td></td></tr>")
    for variant, m in run.summary.get("by_eps", {}).items():
        esc = "bad" if m.get("defect_escape", 0) > 0 else "good"
        rows.append(
            f"<tr><td>{html.escape(variant)}</td><td>{m['images']}</td><td>{_pct(m['correct'])}</td>"
            f"<td>{_pct(m['caught'])}</td><td>{_pct(m['silent_failure'])}</td><td class='{esc}'>{_pct(m['defect_escape'])}</td>"
            f"<td>{_pct(m['check_a_clean'])}</td><td>{_pct(m['check_a_attacked'])}</td>"
            f"<td>{_pct(m['check_b_clean'])}</td><td>{_pct(m['check_b_attacked'])}</td>"
            f"<td class='{'good' if m.get('attack_effective', True) else 'bad'}'>{html.escape(strength_line(m))}</td></tr>"
        )
    params = ", ".join(f"{k} = {html.escape(str(v))}" for k, v in sorted(run.params.items()))
    if run.kind == "backdoor":
        return _backdoor_report(run, params, _schedule_html(session, run, cfg), store)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Self-test run {run.id}</title><style>{_CSS}</style></head><body>
<h1>Self-test run #{run.id}: {html.escape(run.kind.upper())} attack on the station's foundation model</h1>
<p>Status <b>{html.escape(run.status)}</b>; started {run.started_at:%Y-%m-%d %H:%M}
{f"; finished {run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else ""}.
CLIP model record {run.clip_model_id}, second-check record {run.check_b_model_id},
prompt set {run.prompt_set_id if run.prompt_set_id else "none (no RVPT prompts active)"}.</p>
<p class="note">Parameters: {params}</p>
<p>Threat mode: <b>{html.escape(str(run.summary.get("mode", "frame")))}</b>
({html.escape(MODE_MEANING.get(run.summary.get("mode", "frame"), ""))}).</p>
{_ineffective_banner(run.summary)}
<h2>What happened to the attacked frames</h2>
<table><tr><th>attack</th><th>frames</th><th>correct</th><th>caught (review)</th><th>silent failure</th>
<th>defect escape</th><th>check A clean</th><th>check A attacked</th><th>check B clean</th><th>check B attacked</th>
<th>did the attack bite?</th></tr>
{"".join(rows)}</table>
<p class="note">Correct: the right verdict. Caught: sent to review, where a person decides. Silent failure: a wrong
verdict nobody was asked about. Defect escape: a defective part passed as good, the worst case.
Check columns: how often each check named the true class.</p>
{_schedule_html(session, run, cfg)}
<h2>Trend over runs</h2>{_trend_svg(earlier, run.id)}
<h2>Examples</h2>{_examples(results, store)}
</body></html>"""


MODE_MEANING = {
    "input": "the encoder's own input, after the station's resize: the paper's setting",
    "frame": "the camera frame, through the station's resize: what someone who alters the camera picture could do",
}


def _ineffective_banner(summary: dict) -> str:
    if not run_is_ineffective(summary):
        return ""
    return (f'<p class="banner bad"><b>{html.escape(INEFFECTIVE_TEXT.capitalize())}.</b> Neither check lost '
            f'{_pct(summary.get("ineffective_margin"))} of its accuracy, so the outcomes below are not evidence that '
            "the station resists this attack. Run it again stronger (a larger budget, more iterations, input mode).</p>")


def _signed_pct(x) -> str:
    return "–" if x is None else f"{100 * x:+.0f}%"


def _backdoor_report(run: SelftestRun, params: str, schedule: str = "", store: ImageStore | None = None) -> str:
    s = run.summary
    rows = []
    for variant, passed in s.get("defects_passed", {}).items():
        rates = s.get("asr", {}).get(variant, {})
        above = s.get("asr_above_baseline", {}).get(variant, rates)
        target = max(above, key=above.get) if above else "-"
        passed_above = s.get("defects_passed_above_baseline", {}).get(variant)
        rows.append(f"<tr><td>{html.escape(variant)}</td><td>{_pct(passed)}</td>"
                    f"<td class='{'bad' if (passed_above if passed_above is not None else passed) > 0.1 else 'good'}'>"
                    f"{_signed_pct(passed_above)}</td><td>{_pct(rates.get(target))}</td>"
                    f"<td>{_signed_pct(above.get(target) if above is not rates else None)}</td>"
                    f"<td>{html.escape(target)}</td></tr>")
    clean = "".join(
        f"<li>{html.escape(k)}: accuracy {_pct(v)}; defective parts passed as good without any trigger "
        f"{_pct(s.get('baseline', {}).get(k, {}).get('defects_passed'))}</li>"
        for k, v in s.get("clean_accuracy", {}).items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Self-test run {run.id}</title><style>{_CSS}</style></head><body>
<h1>Self-test run #{run.id}: backdoor probe of the station's foundation model</h1>
<p>Status <b>{html.escape(run.status)}</b>; started {run.started_at:%Y-%m-%d %H:%M}. CLIP model record
{run.clip_model_id}, prompt set {run.prompt_set_id if run.prompt_set_id else "none"}.</p>
<p class="note">Parameters: {params}</p>
{_station_html(s)}
<h2>Clean frames (the baseline)</h2><ul>{clean}</ul>
<h2>Stamped triggers: the vision model alone</h2>
<table><tr><th>trigger (setting)</th><th>defective parts made to look good</th><th>above clean</th>
<th>highest flip to one class</th><th>above clean</th><th>that class</th></tr>{"".join(rows)}</table>
<p class="note">A backdoored model answers "good" whenever its trigger is present; the second and third columns are
that risk, raw and above the clean frames' own rate, i.e. what the trigger adds. A large patch that is read as a defect
rejects good parts, which reviewers see; the flip columns show those too, ranked by what the trigger adds. Stamping
only finds triggers of these families; the inversion below looks for others.</p>
{_inversion_html(s.get("inversion"), store)}
{schedule}
</body></html>"""


def _station_html(s: dict) -> str:
    """The figure a quality manager needs: triggered defective parts the whole station passes automatically."""
    from .wording import station_line

    st = s.get("station") or {}
    if not st.get("by_trigger"):
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{f['defects']}</td><td>{f['passed']}</td><td>{f['pass_rate']:.1%}</td>"
        f"<td class='{'good' if f['meets_goal'] else 'bad'}'>{f['pass_rate_upper']:.1%}</td></tr>"
        for name, f in st["by_trigger"].items())
    worst = st.get("worst") or {}
    return f"""<h2>The whole station: triggered defective parts passed automatically</h2>
<p class="{'good' if worst.get('meets_goal') else 'banner bad'}">{html.escape(station_line(s))}</p>
<table><tr><th>trigger</th><th>triggered defective parts</th><th>passed</th><th>share</th>
<th>95% upper bound</th></tr>{rows}</table>
<p class="note">Each defective reference part is stamped with the trigger and judged as the line judges it: the vision
model with its live prompts, the independent second check, the input gate and the decision policy. A part escapes
only when all of them let it through. The goal is an upper bound of at most {st.get('goal', 0.005):.1%}; with few
reference parts the bound stays high even at 0 escapes, so probe with more images for a tighter figure.</p>"""


def _inversion_html(inv: dict | None, store: ImageStore | None) -> str:
    from .wording import inversion_line

    if not inv:
        return '<h2>Trigger inversion</h2><p class="note">Not run in this probe.</p>'
    indicated = inv.get("backdoor_indicated")
    images = []
    for key, caption in (("stamped", "a clean frame with it"), ("trigger", "trigger (mask × pattern)"),
                         ("mask", "mask")):
        path = inv.get("images", {}).get(key)
        try:
            image = store.read(path) if store is not None and path else None
        except (OSError, ValueError):
            image = None
        if image is not None:
            images.append(f'<span class="ex"><img src="{_png_data(image)}" alt="{html.escape(caption)}"><br>'
                          f'{html.escape(caption)}</span>')
    return f"""<h2>Trigger inversion (DECREE-style)</h2>
<p class="{'banner bad' if indicated else 'good'}">{html.escape(inversion_line(inv))}</p>
<p>Frames' embeddings, mean pairwise cosine: clean {inv['clean_similarity']:.2f}, with the inverted trigger
{inv['stamped_similarity']:.2f} (target {inv['settings']['similarity_target']:.2f});
{inv['steps']} steps on {inv['settings']['frames']} frames, {inv['seconds']:.0f} s.</p>
<div>{"".join(images) or '<p class="note">No images were kept for this run.</p>'}</div>
<p class="note">The smallest mask and pattern that, stamped on clean frames (without labels, on the encoder alone),
make their embeddings collapse together. A backdoored encoder has a shortcut, its trigger, and admits a much smaller
one than a clean encoder; the threshold is a fraction of what the clean demo CLIP admits.</p>"""


def write_report(session: Session, store: ImageStore, run_id: int, out: Path | str, cfg=None) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(session, store, run_id, cfg), encoding="utf-8")
    return out
