#!/usr/bin/python3
"""Train one small digits classifier per activation family and export them to ONNX.

The accuracy test of piecewise-linear and lookup-table stand-ins (issue 15):
each model is trained on scikit-learn's bundled 8x8 digits with the same split,
preprocessing and optimiser as digits-silu (torch_zoo_models.py), so the
held-out digits in torch/digits-silu/held-out/ (497 images, never trained or
calibrated on) test every one of them.

Regenerate (needs Debian's python3-torch and python3-sklearn; CI has neither,
so the results are committed):

    apt-get install -y python3-torch python3-onnx python3-sklearn
    /usr/bin/python3 tooling/models/train-classifiers.py

Writes tooling/models/torch/classifiers/<name>.onnx and
tooling/models/torch/classifiers/manifest.json (file, sha256, activations, the
ops PyTorch wrote for them, training facts and held-out accuracy).
"""
import hashlib
import json
import sys
from pathlib import Path
from typing import Callable, Dict, List

import onnx
import torch
import torch.nn as nn

sys.dont_write_bytecode = True
import torch_zoo_models  # noqa: E402  (digits data and training, beside this script)

OUT_DIR = Path(__file__).resolve().parent / "torch" / "classifiers"
torch.set_num_threads(1)


class TanhGelu(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(x, approximate="tanh")


class Mlp(nn.Module):
    """64 pixels -> 64 -> 64 -> 10, an activation after each hidden layer."""

    def __init__(self, first: Callable[[], nn.Module], second: Callable[[], nn.Module]):
        super().__init__()
        self.hidden1 = nn.Linear(64, 64)
        self.act1 = first()
        self.hidden2 = nn.Linear(64, 64)
        self.act2 = second()
        self.classifier = nn.Linear(64, 10)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(image, 1)
        return self.classifier(self.act2(self.hidden2(self.act1(self.hidden1(x)))))


class Cnn(nn.Module):
    """Conv 1->16, Conv 16->32, MaxPool 2, Conv 32->32, 10 logits; an activation after each Conv."""

    def __init__(self, first: Callable[[], nn.Module], second: Callable[[], nn.Module], third: Callable[[], nn.Module]):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.act1 = first()
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.act2 = second()
        self.pool = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.act3 = third()
        self.classifier = nn.Linear(32 * 4 * 4, 10)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.act2(self.conv2(self.act1(self.conv1(image))))
        x = self.act3(self.conv3(self.pool(x)))
        return self.classifier(torch.flatten(x, 1))


# name, activations (registered rectify names), builder
CLASSIFIERS: List[Dict] = [
    {"name": "mish-cnn", "activations": ["mish"], "build": lambda: Cnn(nn.Mish, nn.Mish, nn.Mish)},
    {"name": "softplus-mlp", "activations": ["softplus"], "build": lambda: Mlp(nn.Softplus, nn.Softplus)},
    {"name": "gelu-mlp", "activations": ["gelu"], "build": lambda: Mlp(nn.GELU, nn.GELU)},
    {"name": "gelu-tanh-mlp", "activations": ["gelu-tanh"], "build": lambda: Mlp(TanhGelu, TanhGelu)},
    {"name": "selu-tanh-mlp", "activations": ["selu", "tanh"], "build": lambda: Mlp(nn.SELU, nn.Tanh)},
    {"name": "sigmoid-mlp", "activations": ["sigmoid"], "build": lambda: Mlp(nn.Sigmoid, nn.Sigmoid)},
    {"name": "elu-celu-cnn", "activations": ["elu", "celu"], "build": lambda: Cnn(nn.ELU, lambda: nn.CELU(0.5), nn.ELU)},
    {"name": "silu-mlp", "activations": ["silu"], "build": lambda: Mlp(nn.SiLU, nn.SiLU)},
]

SEED_BASE = 9100


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    entries = []
    for index, spec in enumerate(CLASSIFIERS):
        seed = SEED_BASE + index
        torch.manual_seed(seed)
        model = spec["build"]()
        trained = torch_zoo_models.train_digits(model, seed)
        path = OUT_DIR / f"{spec['name']}.onnx"
        example = torch_zoo_models.digits_slice("calibration", 1)
        with torch.no_grad():
            torch.onnx.export(
                model, (example,), str(path),
                opset_version=17,
                input_names=["input"],
                output_names=["logits"],
                dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                do_constant_folding=True,
            )
        proto = onnx.load(str(path))
        onnx.checker.check_model(proto)
        ops: Dict[str, int] = {}
        for node in proto.graph.node:
            ops[node.op_type] = ops.get(node.op_type, 0) + 1
        data = path.read_bytes()
        entry = {
            "name": spec["name"],
            "file": f"{spec['name']}.onnx",
            "sha256": hashlib.sha256(data).hexdigest(),
            "activations": spec["activations"],
            "ops": dict(sorted(ops.items())),
            "training": trained["training"],
        }
        entries.append(entry)
        print(f"{spec['name']}: held-out accuracy {trained['training']['accuracy']['held-out']:.4f}, {len(data)} bytes")
    manifest = {
        "about": "Digits classifiers, one per activation family, trained by tooling/models/train-classifiers.py; test them on torch/digits-silu/held-out (inputs/input.npy, labels.npy).",
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "models": entries,
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
