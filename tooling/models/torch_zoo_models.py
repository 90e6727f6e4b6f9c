"""The benchmark zoo's PyTorch models: efficient-cnn, mobile-cnn, digits-silu.

Imported by export-torch-models.py, which exports them with the same conventions
as its own models (fixed seeds, one torch thread, dynamic batch axis, test shapes
with .npy inputs and outputs, byte-for-byte reproducible). They live here only to
keep that script readable. efficient-cnn and mobile-cnn get the script's LSUV-like
rescaling of seeded random weights; digits-silu is trained here, deterministically,
on scikit-learn's bundled 8x8 digits (nothing is downloaded).
"""
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def normal(generator: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=generator)


# ---------------------------------------------------------------------------
# efficient-cnn: EfficientNet-B0-like, SiLU everywhere, SE with Sigmoid gates
# ---------------------------------------------------------------------------

class SqueezeExcite(nn.Module):
    """Global mean -> 1x1 conv -> activation -> 1x1 conv -> gate -> channel-wise product."""

    def __init__(self, channels: int, squeezed: int, activation: nn.Module, gate: nn.Module):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.activation = activation
        self.expand = nn.Conv2d(squeezed, channels, 1)
        self.gate = gate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = self.gate(self.expand(self.activation(self.reduce(x.mean(dim=(2, 3), keepdim=True)))))
        return x * scale


class MBConv(nn.Module):
    """EfficientNet's inverted bottleneck. Every Conv carries a bias: it stands for
    Conv + BatchNorm folded together, which is what an exported, BN-folded
    EfficientNet contains."""

    def __init__(self, inputs: int, outputs: int, expand: int, kernel: int, stride: int):
        super().__init__()
        hidden = inputs * expand
        self.expand = nn.Sequential(nn.Conv2d(inputs, hidden, 1), nn.SiLU()) if expand != 1 else nn.Identity()
        self.depthwise = nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2, groups=hidden)
        self.silu = nn.SiLU()  # exported as x * Sigmoid(x)
        # B0's squeeze ratio: a quarter of the block's input channels.
        self.se = SqueezeExcite(hidden, max(4, inputs // 4), nn.SiLU(), nn.Sigmoid())
        self.project = nn.Conv2d(hidden, outputs, 1)  # linear bottleneck: no activation
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.se(self.silu(self.depthwise(self.expand(x)))))
        return x + y if self.residual else y


class EfficientCnn(nn.Module):
    # (expand, kernel, stride, output channels): B0's stage pattern, fewer and narrower.
    blocks = [(1, 3, 1, 16), (6, 3, 2, 24), (6, 3, 1, 24), (6, 5, 2, 40), (6, 5, 1, 40), (6, 3, 2, 80), (6, 5, 1, 80)]

    def __init__(self, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.SiLU())
        layers: List[nn.Module] = []
        channels = 32
        for expand, kernel, stride, outputs in self.blocks:
            layers.append(MBConv(channels, outputs, expand, kernel, stride))
            channels = outputs
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Conv2d(channels, 320, 1), nn.SiLU())
        self.classifier = nn.Linear(320, classes)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.head(self.body(self.stem(image))).mean(dim=(2, 3)))


# ---------------------------------------------------------------------------
# mobile-cnn: MobileNetV3-Small-like, ReLU early, HardSwish late, hard-sigmoid SE
# ---------------------------------------------------------------------------

def divisible_by_8(value: float) -> int:
    """MobileNet's channel rounding (to a multiple of 8, never down by more than 10%)."""
    rounded = max(8, int(value + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * value else rounded


class InvertedResidual(nn.Module):
    def __init__(self, inputs: int, hidden: int, outputs: int, kernel: int, stride: int, se: bool, hard: bool):
        super().__init__()

        def activation() -> nn.Module:
            return nn.Hardswish() if hard else nn.ReLU()

        self.expand = nn.Sequential(nn.Conv2d(inputs, hidden, 1), activation()) if hidden != inputs else nn.Identity()
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2, groups=hidden), activation()
        )
        self.se = SqueezeExcite(hidden, divisible_by_8(hidden / 4), nn.ReLU(), nn.Hardsigmoid()) if se else nn.Identity()
        self.project = nn.Conv2d(hidden, outputs, 1)
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class MobileCnn(nn.Module):
    # (kernel, hidden, outputs, SE, HardSwish, stride): MobileNetV3-Small's table, shortened.
    blocks = [
        (3, 16, 16, True, False, 1),
        (3, 72, 24, False, False, 2),
        (3, 88, 24, False, False, 1),
        (5, 96, 40, True, True, 2),
        (5, 240, 40, True, True, 1),
        (5, 240, 40, True, True, 1),
        (5, 120, 48, True, True, 1),
        (5, 144, 48, True, True, 1),
    ]

    def __init__(self, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.Hardswish())
        layers: List[nn.Module] = []
        channels = 16
        for kernel, hidden, outputs, se, hard, stride in self.blocks:
            layers.append(InvertedResidual(channels, hidden, outputs, kernel, stride, se, hard))
            channels = outputs
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Conv2d(channels, 288, 1), nn.Hardswish())
        self.classifier = nn.Sequential(nn.Linear(288, 256), nn.Hardswish(), nn.Linear(256, classes))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.head(self.body(self.stem(image))).mean(dim=(2, 3)))


# ---------------------------------------------------------------------------
# digits-silu: a SiLU CNN trained on scikit-learn's 8x8 digits
# ---------------------------------------------------------------------------

class DigitsMbConv(nn.Module):
    """Inverted residual (MBConv, as in EfficientNet) without squeeze-excite:
    1x1 expand + SiLU, depthwise 3x3 + SiLU, 1x1 project, residual when shapes match."""

    def __init__(self, inputs: int, hidden: int, outputs: int, stride: int):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(inputs, hidden, 1), nn.BatchNorm2d(hidden))
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden), nn.BatchNorm2d(hidden)
        )
        self.project = nn.Sequential(nn.Conv2d(hidden, outputs, 1), nn.BatchNorm2d(outputs))
        self.silu = nn.SiLU()  # exported as x * Sigmoid(x)
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.silu(self.depthwise(self.silu(self.expand(x)))))
        return x + y if self.residual else y


class DigitsSilu(nn.Module):
    # EfficientNet-like on purpose: SiLU after 1x1 expansions and depthwise convs
    # is where real SiLU CNNs spend their activation time. The plain 3-conv CNN
    # this model used to be (Conv 32/64/64 + SiLU) spent 9% of its onnxruntime
    # time in SiLU (measured 2026-12-03, CPU and WASM), too little for any
    # rewrite of it to be measured apart from the noise.
    stem_width = 24
    blocks = (  # inputs, hidden, outputs, stride
        (24, 96, 24, 1),
        (24, 96, 32, 2),
        (32, 128, 32, 1),
    )
    head = 128
    steps = 600  # Adam steps (DIGITS_STEPS is the default)

    def __init__(self, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, self.stem_width, 3, padding=1), nn.BatchNorm2d(self.stem_width))
        self.silu = nn.SiLU()
        self.body = nn.Sequential(*(DigitsMbConv(*block) for block in self.blocks))
        self.head_conv = nn.Sequential(nn.Conv2d(self.blocks[-1][2], self.head, 1), nn.BatchNorm2d(self.head))
        self.classifier = nn.Linear(self.head, classes)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.body(self.silu(self.stem(image)))
        x = self.silu(self.head_conv(x)).mean(dim=(2, 3))
        return self.classifier(x)


DIGITS_SPLIT = {"train": 1000, "calibration": 300}  # held-out: the remaining 497
DIGITS_SPLIT_SEED = 20_260_801
DIGITS_STEPS = 400
DIGITS_BATCH = 64
DIGITS_LEARNING_RATE = 1e-3

_digits_cache: Dict[str, object] = {}


def digits_data() -> Dict[str, object]:
    """sklearn's 1,797 digits (bundled with the package), split by a seeded
    permutation into train / calibration / held-out, pixels standardised with the
    train split's mean and std: [n, 1, 8, 8] float32 and int64 labels."""
    if not _digits_cache:
        from sklearn.datasets import load_digits  # imported here: only this model needs it

        digits = load_digits()
        pixels = torch.tensor(digits.images, dtype=torch.float32) / 16.0
        labels = torch.tensor(digits.target, dtype=torch.int64)
        order = torch.randperm(len(pixels), generator=torch.Generator().manual_seed(DIGITS_SPLIT_SEED))
        train_end = DIGITS_SPLIT["train"]
        calibration_end = train_end + DIGITS_SPLIT["calibration"]
        parts = {"train": order[:train_end], "calibration": order[train_end:calibration_end], "held-out": order[calibration_end:]}
        mean = pixels[parts["train"]].mean().item()
        std = pixels[parts["train"]].std().item()
        images = ((pixels - mean) / std).unsqueeze(1)
        _digits_cache.update(
            images=images, labels=labels, parts=parts, mean=mean, std=std, total=len(pixels),
        )
    return _digits_cache


def digits_slice(part: str, count: Optional[int] = None) -> torch.Tensor:
    data = digits_data()
    indices = data["parts"][part]
    return data["images"][indices if count is None else indices[:count]].clone()


def accuracy(model: nn.Module, part: str) -> float:
    data = digits_data()
    indices = data["parts"][part]
    with torch.no_grad():
        predicted = model(data["images"][indices]).argmax(dim=1)
    return (predicted == data["labels"][indices]).double().mean().item()


def train_digits(model: nn.Module, seed: int) -> Dict:
    """Adam on the train split, shuffled by a seeded generator each epoch; one
    thread, so the weights (and the exported file) are the same on every run.
    Returns the manifest's training facts and the data sets to save."""
    data = digits_data()
    train = data["parts"]["train"]
    optimiser = torch.optim.Adam(model.parameters(), lr=DIGITS_LEARNING_RATE)
    shuffle = torch.Generator().manual_seed(seed + 4000)
    model.train()
    step, epochs, loss = 0, 0, torch.tensor(0.0)
    steps = getattr(model, "steps", DIGITS_STEPS)
    while step < steps:
        epochs += 1
        permutation = train[torch.randperm(len(train), generator=shuffle)]
        for start in range(0, len(permutation) - DIGITS_BATCH + 1, DIGITS_BATCH):
            batch = permutation[start : start + DIGITS_BATCH]
            loss = F.cross_entropy(model(data["images"][batch]), data["labels"][batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step += 1
            if step == steps:
                break
    model.eval()

    def round4(value: float) -> float:
        return round(value, 4)

    training = {
        "data": "sklearn.datasets.load_digits (8x8, 1797 images, bundled with scikit-learn)",
        "preprocess": f"x = (pixel / 16 - {data['mean']:.6f}) / {data['std']:.6f} (mean and std of the train split)",
        "split": {
            "seed": DIGITS_SPLIT_SEED,
            "how": "torch.randperm(1797, generator seeded with seed): first train, then calibration, the rest held-out",
            "train": len(train),
            "calibration": len(data["parts"]["calibration"]),
            "held-out": len(data["parts"]["held-out"]),
        },
        "optimizer": f"Adam, lr {DIGITS_LEARNING_RATE}, batch {DIGITS_BATCH}, cross-entropy, no augmentation",
        "steps": steps,
        "epochs": epochs,
        "seed": seed,
        "final_batch_loss": round4(loss.item()),
        "accuracy": {
            "train": round4(accuracy(model, "train")),
            "calibration": round4(accuracy(model, "calibration")),
            "held-out": round4(accuracy(model, "held-out")),
        },
    }
    datasets = [
        {
            "id": part,
            "about": about,
            "inputs": [digits_slice(part)],
            "labels": data["labels"][data["parts"][part]].clone(),
        }
        for part, about in (
            ("calibration", "300 digits not trained on, for fitting approximations to observed inputs"),
            ("held-out", "the 497 digits neither trained on nor calibrated with: the accuracy test"),
        )
    ]
    return {"training": training, "datasets": datasets}


# ---------------------------------------------------------------------------
# specs, in export-torch-models.py's format
# ---------------------------------------------------------------------------

SPECS: List[Dict] = [
    {
        "name": "efficient-cnn",
        "build": EfficientCnn,
        "opset": 17,
        "inputs": ["image"],
        "outputs": ["logits"],
        "dynamic_axes": {"image": {0: "batch"}, "logits": {0: "batch"}},
        "description": "EfficientNet-B0-like on 128x128 images: stem Conv (BN folded) + SiLU, 7 MBConv blocks (1x1 expand + SiLU, depthwise 3x3/5x5 + SiLU, squeeze-excite: mean -> 1x1 Conv -> SiLU -> 1x1 Conv -> Sigmoid -> Mul, 1x1 project, 3 residual Adds), head 1x1 Conv + SiLU, mean, 10 logits; SiLU exported as x * Sigmoid(x)",
        "shapes": [
            {"id": "b1", "about": "one image", "inputs": lambda g: [normal(g, 1, 3, 128, 128)]},
            {"id": "b2", "about": "a batch of two", "inputs": lambda g: [normal(g, 2, 3, 128, 128)]},
        ],
    },
    {
        "name": "mobile-cnn",
        "build": MobileCnn,
        "opset": 17,
        "inputs": ["image"],
        "outputs": ["logits"],
        "dynamic_axes": {"image": {0: "batch"}, "logits": {0: "batch"}},
        "description": "MobileNetV3-Small-like on 128x128 images: stem Conv + HardSwish, 8 inverted residuals (ReLU in the first three, HardSwish after; depthwise 3x3/5x5; squeeze-excite with ReLU and HardSigmoid gates), head 1x1 Conv + HardSwish, mean, Linear + HardSwish, 10 logits; opset 17, so HardSwish is one op",
        "shapes": [
            {"id": "b1", "about": "one image", "inputs": lambda g: [normal(g, 1, 3, 128, 128)]},
            {"id": "b2", "about": "a batch of two", "inputs": lambda g: [normal(g, 2, 3, 128, 128)]},
        ],
    },
    {
        "name": "digits-silu",
        "build": DigitsSilu,
        "train": train_digits,
        "opset": 17,
        "inputs": ["input"],
        "outputs": ["logits"],
        "dynamic_axes": {"input": {0: "batch"}, "logits": {0: "batch"}},
        "description": "EfficientNet-like SiLU CNN trained on sklearn's 8x8 digits (standardised pixels): stem Conv 1->16 + SiLU, 3 MBConv blocks (1x1 expand x4 + SiLU, depthwise 3x3 + SiLU, 1x1 project; the second at stride 2, residual Add in the first and third), head 1x1 Conv 24->96 + SiLU, mean, 10 logits; BatchNorm trained and folded into the convs; 8 SiLUs exported as x * Sigmoid(x); labelled calibration and held-out sets in digits-silu/{calibration,held-out}/",
        "shapes": [
            {"id": "b1", "about": "the first held-out digit", "inputs": lambda g: [digits_slice("held-out", 1)]},
            {"id": "b64", "about": "the first 64 held-out digits", "inputs": lambda g: [digits_slice("held-out", 64)]},
        ],
    },
]
