"""Per-frame latency of the whole station against the bare CLIP image encoder, in one run.

For the demo model and a random-init ViT-B-32: end-to-end latency at batch 1
(PNG decode -> input gate and both checks -> decision -> image written and row committed)
over bare open_clip `encode_image` on an already prepared tensor: first with the input gate
off, then with it on, for b = 0, 5, 10, 50 prompt tokens per prompted block, with the station's bank (the
frozen CLIP's features: the encoder runs a second time without the prompts) and with a product's bank (its
prompted features: the encoder runs once), interleaved frame by frame. The ViT-B-32
station gets a reference bank of 2,000 frames (random unit vectors: the gate's cost depends
only on the bank's size).

    python bench/latency.py [--frames N] [--skip-vit]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import open_clip
import torch
import torch.nn.functional as F
from dataclasses import replace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station import config  # noqa: E402
from station.capture.base import Frame  # noqa: E402
from station.capture.decode import decode_bytes  # noqa: E402
from station.models.preprocess import to_model_input  # noqa: E402
from station.models.prompted import PromptedVisionEncoder  # noqa: E402
from station.pipeline import Pipeline  # noqa: E402
from station.runtime import Station  # noqa: E402
from station.gate.bank import BankMeta, ReferenceBank  # noqa: E402
from station.gate.gate import InputGate  # noqa: E402
from station.storage.images import ImageStore  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402


def timed_ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return q1, q2, q3


def interleaved(bare, variants: dict, n: int, warmup: int = 3) -> dict:
    """Each round times the bare encoder, then every variant (name -> (set-up, frame)): per-round ratios,
    so that drift on a busy machine hits the baseline and the pipeline alike."""
    times = {name: [] for name in variants}
    ratios = {name: [] for name in variants}
    bare_times = []
    for i in range(n + warmup):
        base = timed_ms(bare)
        for name, (setup, frame) in variants.items():
            setup()
            ms = timed_ms(frame)
            if i >= warmup:
                times[name].append(ms)
                ratios[name].append(ms / base)
        if i >= warmup:
            bare_times.append(base)
    return {name: {"ms": statistics.median(times[name]), "bare_ms": statistics.median(bare_times),
                   "ratio": quartiles(ratios[name])} for name in variants}


def measure(station: Station, frames_png: list[bytes], n: int, prompt_tokens: list[int]) -> dict:
    clip = station.clip.model
    size = station.clip.image_size
    x = to_model_input([decode_bytes(frames_png[0])], station.clip.spec.mean, station.clip.spec.std, size=size)
    pipeline = Pipeline(station, source_name="bench")
    counter = iter(range(10**9))

    def one_frame():
        i = next(counter)
        image = decode_bytes(frames_png[i % len(frames_png)])
        pipeline.inspect([Frame(image, i, "bench")])

    def bare():
        with torch.inference_mode():
            clip.encode_image(x)

    enc = station.check_a.encoder
    meta = station.gate.bank.meta

    def gate(on: bool, prompted_bank: bool = False):
        def setup():
            station.config.gate = replace(station.config.gate, enabled=on)
            meta.prompted = prompted_bank
        return setup

    rows = interleaved(bare, {"0, gate off": (gate(False), one_frame), "0, gate on": (gate(True), one_frame)}, n)
    for b in prompt_tokens[1:]:
        prompts = None if b == 0 else PromptedVisionEncoder.init_prompts(enc.num_prompted_blocks, b, enc.width)
        station.check_a.set_prompts(prompts, 3 if enc.depth > 3 else 1)

        def prompted_alone():
            with torch.inference_mode():  # the floor: the prompted encoder alone (b more tokens per prompted block)
                enc(x)

        # the station's bank holds bare CLIP features (a second encoder run); a product's, its prompted ones (none)
        rows.update(interleaved(bare, {f"{b}": (gate(True), one_frame),
                                       f"{b}, product bank": (gate(True, prompted_bank=True), one_frame),
                                       f"{b}, prompted encoder": (gate(True), prompted_alone)}, n))
    meta.prompted = False
    station.check_a.set_prompts(None)
    return rows


def open_station(data: Path, clip: str = "demo", arch: str = "") -> Station:
    cfg = config.default_config("washer")
    cfg.model.clip, cfg.model.clip_arch = clip, arch
    config.save(cfg, data)
    cfg.failsafe.max_review_share = 1.0  # in memory only: a random model disagrees with everything; keep it deciding
    return Station.open(data, config=cfg)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=40, help="timed frames per row")
    ap.add_argument("--skip-vit", action="store_true", help="only the demo model")
    args = ap.parse_args()
    frames = [ImageStore.encode(draw_sample(99, i, 256).image) for i in range(16)]
    print(f"torch {torch.__version__}, frames 256x256 PNG, batch 1, medians; each ratio is the median of "
          "per-frame ratios to the bare encoder timed just before, with its quartiles")
    print(f"{'model':<12}{'bare encode_image':>19}{'b':>22}{'pipeline':>11}{'ratio':>8}{'quartiles':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("demo", open_station(Path(tmp) / "demo"))]
        if not args.skip_vit:
            torch.manual_seed(0)
            vit = open_clip.create_model("ViT-B-32")
            ckpt = Path(tmp) / "vit-b-32-random.pt"
            torch.save(vit.state_dict(), ckpt)
            del vit
            vit_station = open_station(Path(tmp) / "vit", str(ckpt), "ViT-B-32")
            meta = BankMeta("", 5, {}, {}, {})
            vit_station.gate = InputGate(ReferenceBank(F.normalize(torch.randn(2000, 512), dim=-1),
                                                       F.normalize(torch.rand(2000, 64), dim=-1), meta=meta),
                                         neighbours=5, max_appearance=2.0, max_layout=2.0)
            cases.append(("ViT-B-32", vit_station))
        for name, station in cases:
            print(f"{name}: {torch.get_num_threads()} thread(s), as the station chose")
            rows = measure(station, frames, args.frames, [0, 5, 10, 50])  # b = 0 is the gate off/on pair
            for b, row in rows.items():
                q1, ratio, q3 = row["ratio"]
                print(f"{name:<12}{row['bare_ms']:>16.1f} ms{b!s:>22}{row['ms']:>8.1f} ms{ratio:>7.2f}x"
                      f"{f'{q1:.2f}-{q3:.2f}':>15}")
            for b in ("0, gate on", "5"):
                record(f"station over bare encode_image, {name}, b = {b}", "", f"{rows[b]['ratio'][1]:.2f}x")
            station.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
