"""What writing a frame costs beside computing it, before and after the image store and audit head changes, in one run.

1. Lossless encodings of typical station frames (256 x 256 and 640 x 480, from station.synth): time to encode
   (colour swap included), size, time to decode, and whether the pixels read back are the ones written.
2. Staging a batch (encode, write, make durable): as before (zlib's default search, each file fsynced in turn,
   pending/ never) against now (ImageStore.stage_batch: run-length PNG, the batch's files and pending/ fsynced
   together), and the new encoding with the fsyncs in turn, to tell the two changes apart.
3. The audit head written after a commit: before (lock file opened each time, the head parsed and its MAC
   checked, write_text, replace) against now (AuditKeys.write_head).
4. Pipeline.inspect at batch 1 on the demo station, gate on: before and now alternating frame by frame; the time
   beside the models is the call's time less the time inside Pipeline._decisions (both checks and the gate).

Rounds alternate (and shuffle) the variants so that a load swing on a busy machine hits all of them; the figures
are medians and ratios to "before".

    python bench/frame_write.py [--frames N] [--rounds R] [--skip-pipeline]
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import types
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import record  # noqa: E402
from station.audit.keys import HEAD_NAME, AuditKeys, Checkpoint  # noqa: E402
from station.storage.images import PNG_PARAMS, ImageStore, StoredImage  # noqa: E402
from station.synth.samples import draw_sample  # noqa: E402

BEFORE_PNG = [cv2.IMWRITE_PNG_COMPRESSION, 1]


def frames_256(n: int) -> list[np.ndarray]:
    return [draw_sample(3, i, 256, defect_rate=0.2).image for i in range(n)]


def frames_640x480(n: int) -> list[np.ndarray]:
    return [np.ascontiguousarray(draw_sample(3, i, 640, defect_rate=0.2).image[80:560]) for i in range(n)]


# --- 1. encodings ---

ENCODINGS = {
    "PNG level 0 (stored)": (".png", [cv2.IMWRITE_PNG_COMPRESSION, 0]),
    "PNG level 1 (before)": (".png", BEFORE_PNG),
    "PNG level 3": (".png", [cv2.IMWRITE_PNG_COMPRESSION, 3]),
    "PNG sub + Huffman only": (".png", [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY,
                                        cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY]
                               + ([cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_SUB]
                                  if hasattr(cv2, "IMWRITE_PNG_FILTER") else [])),
    "PNG sub + run-length (now)": (".png", PNG_PARAMS),
    "WebP lossless (quality 101)": (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101]),
    "BMP (raw)": (".bmp", []),
}


def encodings(frames: list[np.ndarray], rounds: int) -> None:
    times = {name: [] for name in ENCODINGS}
    decode_times = {name: [] for name in ENCODINGS}
    sizes, exact = {}, {}
    order = list(ENCODINGS)
    for _ in range(rounds):
        random.shuffle(order)
        for name in order:
            ext, params = ENCODINGS[name]
            start = time.perf_counter()
            encoded = [cv2.imencode(ext, cv2.cvtColor(f, cv2.COLOR_RGB2BGR), params)[1] for f in frames]
            times[name].append((time.perf_counter() - start) / len(frames) * 1000)
            start = time.perf_counter()
            decoded = [cv2.cvtColor(cv2.imdecode(e, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB) for e in encoded]
            decode_times[name].append((time.perf_counter() - start) / len(frames) * 1000)
            sizes[name] = statistics.mean(len(e) for e in encoded) / 1024
            exact[name] = all(np.array_equal(d, f) for d, f in zip(decoded, frames))
    h, w = frames[0].shape[:2]
    base = statistics.median(times["PNG level 1 (before)"])
    now = statistics.median(times["PNG sub + run-length (now)"])
    record(f"image encode {w}x{h}, now / before (lossless, bit-exact)", "", f"{now / base:.2f}x "
           f"({sizes['PNG sub + run-length (now)'] / sizes['PNG level 1 (before)']:.2f}x the size)")
    print(f"\n{w} x {h} frames ({len(frames)} synthetic, median of {rounds} rounds):")
    print(f"  {'encoding':<30}{'encode ms':>10}{'/before':>9}{'KiB':>8}{'decode ms':>11}  bit-exact")
    for name in ENCODINGS:
        t = statistics.median(times[name])
        print(f"  {name:<30}{t:>10.2f}{t / base:>9.2f}{sizes[name]:>8.1f}{statistics.median(decode_times[name]):>11.2f}"
              f"  {'yes' if exact[name] else 'NO'}")


# --- 2. staging a batch ---

class BeforeStore(ImageStore):
    """The image store as it was: zlib's default search at level 1, each file fsynced in turn, pending/ never."""

    @staticmethod
    def encode(image: np.ndarray) -> bytes:
        ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), BEFORE_PNG)
        return buf.tobytes()

    def stage_batch(self, images, when=None) -> list[StoredImage]:
        return [self._stage_one(image, when) for image in images]

    def _stage_one(self, image, when=None) -> StoredImage:
        data = self.encode(image)
        day = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
        name = f"{uuid.uuid4().hex}.png"
        tmp = self.pending / f".{name}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pending / name)
        return StoredImage(f"{day}/{name}", hashlib.sha256(data).hexdigest(), image.shape[1], image.shape[0])

    def publish(self, stored: StoredImage) -> None:
        final = self.root / stored.relative_path
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.pending / final.name, final)


class InTurnStore(BeforeStore):
    """The new encoding with each file fsynced in turn, then pending/: what the concurrent fsyncs save."""

    encode = staticmethod(ImageStore.encode)

    def stage_batch(self, images, when=None) -> list[StoredImage]:
        staged = [self._stage_one(image, when) for image in images]
        fd = os.open(self.pending, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return staged


def staging(root: Path, frames: list[np.ndarray], rounds: int) -> None:
    stores = {"before": BeforeStore(root / "before"), "new encoding, fsyncs in turn": InTurnStore(root / "turn"),
              "now (stage_batch)": ImageStore(root / "now")}
    print(f"\nstaging a batch of 256 x 256 frames (ms per batch, median of {rounds} rounds; fsyncs on this machine's "
          "disk):")
    for batch in (1, 4, 8):
        times = {name: [] for name in stores}
        for r in range(rounds):
            order = list(stores)
            random.shuffle(order)
            chunk = [frames[(r * batch + k) % len(frames)] for k in range(batch)]
            for name in order:
                store = stores[name]
                time.sleep(0.01)  # the previous variant's disk flush is not this one's
                start = time.perf_counter()
                staged = store.stage_batch(chunk)
                times[name].append((time.perf_counter() - start) * 1000)
                for s in staged:
                    store.discard(s)
        base = statistics.median(times["before"])
        print(f"  batch {batch}: " + "   ".join(f"{name} {statistics.median(t):.2f} ({statistics.median(t) / base:.2f})"
                                                for name, t in times.items()))


# --- 3. the audit head ---

def before_read_head(self: AuditKeys):
    try:
        data = json.loads(self.head_path.read_text(encoding="utf-8"))
        head = Checkpoint(int(data["event_id"]), str(data["event_hash"]))
        mac = str(data["mac"])
    except FileNotFoundError:
        return None, ""
    except (ValueError, KeyError, TypeError, OSError) as e:
        return None, f"the checkpoint file {self.head_path} is unreadable ({e})"
    import hmac
    if self.key() is not None and not hmac.compare_digest(mac, self._head_mac(head.event_id, head.event_hash)):
        return head, f"the checkpoint file {self.head_path} was altered (its MAC does not match)"
    return head, ""


def before_write_head(self: AuditKeys, event_id: int, event_hash: str, back: bool = False) -> None:
    lock_path = self.head_path.with_name(HEAD_NAME + ".lock")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current, problem = before_read_head(self)
        if current is not None and not problem and current.event_id >= event_id and not back:
            return
        tmp = self.head_path.with_name(HEAD_NAME + ".tmp")
        body = {"event_id": event_id, "event_hash": event_hash, "mac": self._head_mac(event_id, event_hash)}
        tmp.write_text(json.dumps(body), encoding="utf-8")
        os.replace(tmp, self.head_path)


def use_before_head(keys: AuditKeys, before: bool) -> None:
    if before:
        keys.read_head = types.MethodType(before_read_head, keys)
        keys.write_head = types.MethodType(before_write_head, keys)
    else:
        keys.__dict__.pop("read_head", None)
        keys.__dict__.pop("write_head", None)


def audit_head(root: Path, rounds: int) -> None:
    keys = {"before": AuditKeys(root / "before"), "now": AuditKeys(root / "now")}
    for k in keys.values():
        k.head_path.parent.mkdir(parents=True)
        k.create()
    use_before_head(keys["before"], True)
    times = {name: {"_before_commit read": [], "write_head": []} for name in keys}
    for i in range(1, rounds + 1):
        for name, k in random.sample(list(keys.items()), 2):
            start = time.perf_counter()
            k.read_head()  # what seals._before_commit reads at every commit
            mid = time.perf_counter()
            k.write_head(i, hashlib.sha256(str(i).encode()).hexdigest())  # seals._after_commit
            end = time.perf_counter()
            times[name]["_before_commit read"].append((mid - start) * 1e6)
            times[name]["write_head"].append((end - mid) * 1e6)
    print(f"\naudit head, once per commit (us, median / mean of {rounds}):")
    for part in ("_before_commit read", "write_head"):
        b, n = times["before"][part], times["now"][part]
        print(f"  {part:<20} before {statistics.median(b):7.1f} / {statistics.mean(b):7.1f}   now "
              f"{statistics.median(n):7.1f} / {statistics.mean(n):7.1f}   median ratio "
              f"{statistics.median(n) / statistics.median(b):.2f}")


# --- 4. the whole frame ---

def pipeline(root: Path, frames: list[np.ndarray], n: int) -> None:
    from sqlalchemy import event

    from station import config
    from station.audit import chain
    from station.capture.base import Frame
    from station.pipeline import Pipeline
    from station.runtime import Station

    data = root / "station"
    cfg = config.default_config("washer")
    config.save(cfg, data)
    cfg.failsafe.max_review_share = 1.0  # keep deciding: the fail-safe would send everything to review
    cfg.gate = replace(cfg.gate, enabled=True)
    st = Station.open(data, config=cfg)
    try:
        with st.db.session() as s:
            keys = chain.keys_of(s)
        stores = {"before": BeforeStore(st.images.root), "now": st.images}
        pipe = Pipeline(st, source_name="bench")
        inside = [0.0, 0.0]  # wall, process CPU inside _decisions
        decisions = pipe._decisions

        def timed_decisions(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return decisions(*args, **kwargs)
            finally:
                inside[0] += time.perf_counter() - wall
                inside[1] += time.process_time() - cpu

        pipe._decisions = timed_decisions
        commits, committing = [0], [0.0]

        def before_commit(_session):
            committing[0] = time.perf_counter()

        def after_commit(_session):  # after the audit trail's own hook, which writes the head
            commits[0] += 1
            spent["commit"] += time.perf_counter() - committing[0]

        event.listen(st.db.sessions, "before_commit", before_commit)
        event.listen(st.db.sessions, "after_commit", after_commit)
        heads, spent = [0], {"image": 0.0, "head": 0.0, "commit": 0.0}

        def timed(what, fn, count=False):
            def call(*args, **kwargs):
                heads[0] += count
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    spent[what] += time.perf_counter() - start
            return call

        rows = {name: {k: [] for k in ("wall", "model", "image", "commit", "head", "beside", "beside_cpu")}
                for name in stores}
        counts = {name: [0, 0, 0] for name in stores}  # frames, commits, head writes
        for i in range(n + 4):
            for name in (("before", "now") if i % 2 else ("now", "before")):
                store = st.images = stores[name]
                store.__dict__.pop("stage_batch", None)
                store.stage_batch = timed("image", store.stage_batch)
                use_before_head(keys, name == "before")
                keys.write_head = timed("head", keys.write_head, count=True)
                inside[:] = [0.0, 0.0]
                spent.update(image=0.0, head=0.0, commit=0.0)
                c0, h0 = commits[0], heads[0]
                time.sleep(0.01)
                wall, cpu = time.perf_counter(), time.process_time()
                pipe.inspect([Frame(frames[i % len(frames)], i, "bench")])
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                if i < 4:
                    continue  # warm-up
                r = rows[name]
                r["wall"].append(wall * 1000)
                r["model"].append(inside[0] * 1000)
                r["image"].append(spent["image"] * 1000)
                r["head"].append(spent["head"] * 1000)
                r["commit"].append((spent["commit"] - spent["head"]) * 1000)
                r["beside"].append((wall - inside[0]) * 1000)
                r["beside_cpu"].append((cpu - inside[1]) * 1000)
                counts[name] = [counts[name][0] + 1, counts[name][1] + commits[0] - c0, counts[name][2] + heads[0] - h0]
        use_before_head(keys, False)
        for store in stores.values():
            store.__dict__.pop("stage_batch", None)
        st.images = stores["now"]
    finally:
        st.close()
    print(f"\nPipeline.inspect at batch 1, demo station, gate on, 256 x 256 ({n} frames each, alternating; ms, "
          "median;\n  beside = whole - models, of which: the image staged, the rows flushed and committed, the audit head "
          "written):")
    cols = (("wall", "whole"), ("model", "models"), ("beside", "beside"), ("image", "image"), ("commit", "commit"),
            ("head", "head"),
            ("beside_cpu", "beside CPU"))
    print(f"  {'':<8}" + "".join(f"{title:>11}" for _, title in cols) + f"{'commits/frame':>15}{'heads/frame':>13}")
    for name, r in rows.items():
        f, c, h = counts[name]
        print(f"  {name:<8}" + "".join(f"{statistics.median(r[k]):>11.2f}" for k, _ in cols)
              + f"{c / f:>15.2f}{h / f:>13.2f}")
    b, m = ({k: statistics.median(v) for k, v in rows[name].items()} for name in ("before", "now"))
    record("frame image staged, against the demo models' compute (batch 1)", "< 1x",
           f"{m['image'] / m['model']:.2f}x (before {b['image'] / b['model']:.2f}x)", met=m["image"] < m["model"])
    record("time beside the models per frame (batch 1), now / before", "", f"{m['beside'] / b['beside']:.2f}x")
    print("  now / before: " + ", ".join(f"{title} {m[k] / b[k]:.2f}" for k, title in cols)
          + f"; the image written / the models: before {b['image'] / b['model']:.2f}, "
            f"now {m['image'] / m['model']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100, help="frames per setting through the pipeline")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    random.seed(1)
    small, large = frames_256(16), frames_640x480(4)
    encodings(small, args.rounds)
    encodings(large, max(3, args.rounds // 3))
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        staging(Path(tmp) / "staging", small, args.rounds * 2)
        audit_head(Path(tmp) / "head", args.rounds * 20)
        if not args.skip_pipeline:
            pipeline(Path(tmp), small, args.frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
