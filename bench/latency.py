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


def median_ms(fn, n: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(station: Station, frames_png: list[bytes], n: int, prompt_tokens: list[int]) -> dict:
    clip = station.clip.model
    size = station.clip.image_size
    x = to_model_input([decode_bytes(frames_png[0])], station.clip.spec.mean, station.clip.spec.std, size=size)
    with torch.inference_mode():
        bare = median_ms(lambda: clip.encode_image(x), n)
    pipeline = Pipeline(station, source_name="bench")
    counter = iter(range(10**9))

    def one_frame():
        i = next(counter)
        image = decode_bytes(frames_png[i % len(frames_png)])
        pipeline.inspect([Frame(image, i, "bench")])

    rows = {}
    enc = station.check_a.encoder

    def gate(on: bool):
        station.config.gate = replace(station.config.gate, enabled=on)

    # gate off and on, interleaved frame by frame so that drift on a busy machine hits both alike
    off, on = [], []
    for i in range(n + 3):
        for enabled, times in ((False, off), (True, on)):
            gate(enabled)
            t0 = time.perf_counter()
            one_frame()
            if i >= 3:
                times.append((time.perf_counter() - t0) * 1000)
    rows["0, gate off"], rows["0, gate on"] = statistics.median(off), statistics.median(on)
    meta = station.gate.bank.meta
    for b in prompt_tokens[1:]:
        prompts = None if b == 0 else PromptedVisionEncoder.init_prompts(enc.num_prompted_blocks, b, enc.width)
        station.check_a.set_prompts(prompts, 3 if enc.depth > 3 else 1)
        # the station's bank holds bare CLIP features (a second encoder run); a product's, its prompted ones (none)
        station_bank, product_bank = [], []
        for i in range(n + 3):
            for prompted, times in ((False, station_bank), (True, product_bank)):
                meta.prompted = prompted
                t0 = time.perf_counter()
                one_frame()
                if i >= 3:
                    times.append((time.perf_counter() - t0) * 1000)
        rows[f"{b}"], rows[f"{b}, product bank"] = statistics.median(station_bank), statistics.median(product_bank)
        with torch.inference_mode():  # the floor: the prompted encoder alone (b more tokens in every prompted block)
            rows[f"{b}, prompted encoder"] = median_ms(lambda: enc(x), n)
    meta.prompted = False
    station.check_a.set_prompts(None)
    return {"bare_ms": bare, "pipeline_ms": rows}


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
    torch.set_num_threads(max(1, torch.get_num_threads()))
    frames = [ImageStore.encode(draw_sample(99, i, 256).image) for i in range(16)]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, frames 256x256 PNG, batch 1, medians")
    print(f"{'model':<12}{'bare encode_image':>19}{'b':>22}{'pipeline':>11}{'ratio':>8}")
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
            result = measure(station, frames, args.frames, [0, 5, 10, 50])  # b = 0 is the gate off/on pair
            for b, ms in result["pipeline_ms"].items():
                print(f"{name:<12}{result['bare_ms']:>16.1f} ms{b!s:>22}{ms:>8.1f} ms{ms / result['bare_ms']:>7.2f}x")
            station.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
