"""Every kind of second check, in one table: the settings accept these names (and require a path where one is
needed), and the runtime loads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckBKind:
    name: str
    loader: str  # 'module:function' taking (path or None, the loaded CLIP, the station's class keys, device)
    needs_path: bool  # its file, set as [model] check_b_path


KINDS = {k.name: k for k in (
    CheckBKind("demo_cnn", "station.models.second_check:open_cnn", needs_path=False),  # path: the demo's CNN
    CheckBKind("linear_probe", "station.models.second_check:open_linear_probe", needs_path=True),
    CheckBKind("torchscript", "station.models.second_check:open_torchscript", needs_path=True),
    CheckBKind("onnx", "station.models.second_check:open_onnx", needs_path=True),
    # a product's own CNN with its good-parts memory (station.products): path, the product's check_b folder
    CheckBKind("product_cnn", "station.products.check_b:open_product_cnn", needs_path=True),
)}
NAMES = tuple(KINDS)
