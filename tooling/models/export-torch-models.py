#!/usr/bin/python3
"""Export rectify's PyTorch test models (small, seeded, dynamic axes) to ONNX.

Regenerate (needs Debian's python3-torch 1.13 and python3-onnx; CI has neither,
so the results are committed):

    apt-get install -y python3-torch python3-onnx python3-sklearn
    /usr/bin/python3 tooling/models/export-torch-models.py [model-name ...]

Writes tooling/models/torch/<name>.onnx, tooling/models/torch/manifest.json and,
for every test shape in the manifest, the inputs fed and the outputs PyTorch
computed as .npy files under tooling/models/torch/<name>/<shape-id>/{inputs,outputs}/,
each named after its graph input or output. The
weights are seeded random initialisations (no downloads), rescaled so every
Conv/Linear output has unit std on seeded calibration inputs; only the audio
front end's first layer is a fixed windowed DFT basis. The benchmark zoo's
models (torch_zoo_models.py, beside this script) follow the same rules, except
digits-silu, which is trained here on scikit-learn's bundled 8x8 digits and
also gets labelled data sets under torch/digits-silu/<set>/. Re-running the
script on the same torch/onnx versions (and the same system BLAS: see the
README) rewrites every file byte for byte.
"""
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ beside the script for the import below
import torch_zoo_models  # noqa: E402  (the benchmark zoo's models, in this folder)

OUT_DIR = Path(__file__).resolve().parent / "torch"

# One thread: identical float results from run to run, and the machine is shared.
torch.set_num_threads(1)


# ---------------------------------------------------------------------------
# audio-frontend: raw audio [batch, time] -> STFT-like conv -> GELU/SiLU convs
# ---------------------------------------------------------------------------

class AudioFrontend(nn.Module):
    n_fft = 256
    hop = 128
    bins = n_fft // 2 + 1

    def __init__(self, classes: int = 10):
        super().__init__()
        # A real STFT as a strided Conv1d: Hann-windowed cos and sin rows.
        # torch 1.13 has no ONNX symbolic for torch.stft, so this is how
        # exported front ends of that era look.
        self.stft = nn.Conv1d(1, 2 * self.bins, self.n_fft, stride=self.hop, bias=False)
        n = torch.arange(self.n_fft, dtype=torch.float64)
        k = torch.arange(self.bins, dtype=torch.float64).unsqueeze(1)
        window = torch.hann_window(self.n_fft, periodic=True, dtype=torch.float64)
        angle = 2 * math.pi * k * n / self.n_fft
        basis = torch.cat([torch.cos(angle) * window, -torch.sin(angle) * window], 0)
        with torch.no_grad():
            self.stft.weight.copy_(basis.unsqueeze(1).float())
        self.conv1 = nn.Conv1d(self.bins, 96, 3, padding=1)
        self.gelu = nn.GELU()  # exported as x * (1 + Erf(x / sqrt 2)) * 0.5
        self.conv2 = nn.Conv1d(96, 96, 3, padding=1)
        self.silu = nn.SiLU()  # exported as x * Sigmoid(x)
        self.conv3 = nn.Conv1d(96, 128, 3, stride=2, padding=1)
        self.conv4 = nn.Conv1d(128, 128, 3, padding=1)
        self.classifier = nn.Linear(128, classes)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        spectrum = self.stft(audio.unsqueeze(1))
        real, imag = spectrum[:, : self.bins], spectrum[:, self.bins :]
        features = torch.log(real * real + imag * imag + 1e-6)
        x = self.gelu(self.conv1(features))
        x = self.silu(self.conv2(x))
        x = self.gelu(self.conv3(x))
        x = x + self.silu(self.conv4(x))
        return self.classifier(x.mean(dim=2))


# ---------------------------------------------------------------------------
# detector: image [batch, 3, H, W] -> U-Net-ish CNN -> prob map + class scores
# ---------------------------------------------------------------------------

class Detector(nn.Module):
    def __init__(self, classes: int = 5):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.mish = nn.Mish()  # exported as x * Tanh(Softplus(x))
        self.down1 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.prelu = nn.PReLU(32, init=0.2)  # per-channel slope [32, 1, 1]
        self.down2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.hardswish = nn.Hardswish()  # opset 13: x * HardSigmoid(x)
        self.mid = nn.Conv2d(64, 64, 3, padding=1)
        self.softplus = nn.Softplus()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.fuse1 = nn.Conv2d(64 + 32, 32, 3, padding=1)
        self.leaky = nn.LeakyReLU(0.1)
        self.fuse2 = nn.Conv2d(32 + 16, 16, 3, padding=1)
        self.prob = nn.Conv2d(16, 1, 1)
        self.classifier = nn.Linear(64, classes)
        with torch.no_grad():  # distinct per-channel slopes, not one repeated value
            self.prelu.weight.copy_(torch.linspace(0.05, 0.4, 32))

    def forward(self, image: torch.Tensor):
        s1 = self.mish(self.stem(image))
        s2 = self.prelu(self.down1(s1))
        s3 = self.softplus(self.mid(self.hardswish(self.down2(s2))))
        x = self.leaky(self.fuse1(torch.cat([self.up(s3), s2], 1)))
        x = self.mish(self.fuse2(torch.cat([self.up(x), s1], 1)))
        probability = torch.sigmoid(self.prob(x))
        scores = torch.softmax(self.classifier(s3.mean(dim=(2, 3))), dim=-1)
        return probability, scores


# ---------------------------------------------------------------------------
# stateful-vad: silero-like; If on the sample rate, LSTM state in and out
# ---------------------------------------------------------------------------

# Scripted so that the branch on `sr` survives as a real ONNX If. Scripting a
# submodule (torch.jit.script(nn.Module)) and calling it from the traced model
# fails in torch 1.13 ("... is not part of the active trace"); a scripted
# function that takes the weights as arguments is inlined into the trace with
# its control flow intact.
@torch.jit.script
def sample_rate_frontend(
    audio: torch.Tensor,
    sr: torch.Tensor,
    weight16k: torch.Tensor,
    bias16k: torch.Tensor,
    weight8k: torch.Tensor,
    bias8k: torch.Tensor,
) -> torch.Tensor:
    # 16 kHz: 512 samples -> 64 frames (stride 8); 8 kHz: 256 samples -> 64
    # frames (stride 4). Each branch has its own activation.
    if bool(sr == 16000):
        frames = F.silu(F.conv1d(audio, weight16k, bias16k, stride=8, padding=4))
    else:
        frames = F.softplus(F.conv1d(audio, weight8k, bias8k, stride=4, padding=2))
    return frames


class StatefulVad(nn.Module):
    hidden = 64

    def __init__(self):
        super().__init__()
        self.conv16k = nn.Conv1d(1, 32, 16, stride=8, padding=4)
        self.conv8k = nn.Conv1d(1, 32, 8, stride=4, padding=2)
        self.encoder1 = nn.Conv1d(32, 64, 3, stride=2, padding=1)
        self.encoder2 = nn.Conv1d(64, 64, 3, stride=2, padding=1)
        self.lstm = nn.LSTM(64, self.hidden)
        self.decoder = nn.Linear(self.hidden, 1)
        with torch.no_grad():  # too few outputs for unit_variance_init; widen by hand
            self.decoder.weight.mul_(6.0)

    def forward(self, audio: torch.Tensor, state: torch.Tensor, sr: torch.Tensor):
        x = sample_rate_frontend(
            audio.unsqueeze(1), sr,
            self.conv16k.weight, self.conv16k.bias, self.conv8k.weight, self.conv8k.bias,
        )
        x = F.relu(self.encoder2(F.relu(self.encoder1(x))))
        step = x.mean(dim=2).unsqueeze(0)  # one LSTM step per chunk: [1, batch, 64]
        out, (h, c) = self.lstm(step, (state[0:1], state[1:2]))
        # A Linear head, not silero's Conv1d + squeeze: squeezing a dim the exporter
        # cannot prove is 1 adds a second, shape-driven If that would blur the point.
        speech = torch.sigmoid(self.decoder(F.relu(out[0])))
        return speech, torch.cat([h, c], 0)


# ---------------------------------------------------------------------------
# text-recognizer: tiny pre-LN transformer encoder, opset 11
# ---------------------------------------------------------------------------

def tanh_gelu_by_hand(x: torch.Tensor) -> torch.Tensor:
    """The tanh GELU written out (operand order differs from torch's symbolic)."""
    return x * 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, seq, dim = x.shape
        qkv = self.qkv(x).reshape(batch, seq, 3, self.heads, self.head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [b, heads, seq, hd]
        scores = torch.matmul(q, k.transpose(-2, -1)) * (self.head_dim ** -0.5)
        weights = torch.softmax(scores, dim=-1)  # rank 4, last axis
        mixed = torch.matmul(weights, v).transpose(1, 2).reshape(batch, seq, dim)
        return self.out(mixed)


class EncoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int, hidden: int, activation: nn.Module):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), activation, nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TextRecognizer(nn.Module):
    def __init__(self, features: int = 64, dim: int = 96, heads: int = 4, classes: int = 40, max_seq: int = 64):
        super().__init__()
        self.embed = nn.Linear(features, dim)
        self.position = nn.Parameter(torch.randn(max_seq, dim) * 0.02)
        self.layers = nn.ModuleList([
            EncoderLayer(dim, heads, 2 * dim, nn.GELU()),                     # erf GELU
            EncoderLayer(dim, heads, 2 * dim, nn.GELU(approximate="tanh")),   # tanh GELU (torch's form)
        ])
        self.norm = nn.LayerNorm(dim)
        self.project = nn.Linear(dim, dim)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        seq = features.shape[1]
        x = self.embed(features) + self.position[:seq]
        for layer in self.layers:
            x = layer(x)
        x = tanh_gelu_by_hand(self.project(self.norm(x)))
        return torch.log_softmax(self.classifier(x), dim=-1)


# ---------------------------------------------------------------------------
# mixed-cnn: one of each remaining activation, opset 17
# ---------------------------------------------------------------------------

class MixedCnn(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        width = [3, 16, 24, 32, 32, 48, 48, 64]
        activations = [nn.ELU(), nn.SELU(), nn.CELU(alpha=0.5), nn.Softsign(), nn.Tanh(), nn.Hardsigmoid(), nn.ReLU6()]
        strides = [1, 1, 2, 1, 2, 1, 2]
        layers: List[nn.Module] = []
        for i, activation in enumerate(activations):
            layers += [nn.Conv2d(width[i], width[i + 1], 3, stride=strides[i], padding=1), activation]
        self.body = nn.Sequential(*layers)
        self.classifier = nn.Linear(width[-1], classes)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.body(image).mean(dim=(2, 3)))


# ---------------------------------------------------------------------------
# export, reference data, manifest
# ---------------------------------------------------------------------------

def audio_signal(generator: torch.Generator, batch: int, samples: int, rate: int) -> torch.Tensor:
    """Sums of a few sines plus noise, amplitude ~0.3: audio-like, reproducible."""
    t = torch.arange(samples, dtype=torch.float64) / rate
    rows = []
    for _ in range(batch):
        freqs = torch.rand(3, generator=generator, dtype=torch.float64) * (rate / 4) + 80
        phases = torch.rand(3, generator=generator, dtype=torch.float64) * 2 * math.pi
        tone = (torch.sin(2 * math.pi * freqs[:, None] * t[None, :] + phases[:, None]) * 0.1).sum(0)
        rows.append(tone + 0.02 * torch.randn(samples, generator=generator, dtype=torch.float64))
    return torch.stack(rows).float()


def normal(generator: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=generator) * scale


MODELS: List[Dict] = [
    {
        "name": "audio-frontend",
        "build": AudioFrontend,
        "keep": lambda m: isinstance(m, nn.Conv1d) and m.kernel_size[0] == AudioFrontend.n_fft,  # the DFT basis
        "opset": 17,
        "inputs": ["audio"],
        "outputs": ["logits"],
        "dynamic_axes": {"audio": {0: "batch", 1: "time"}, "logits": {0: "batch"}},
        "description": "raw audio -> windowed-DFT Conv1d (n_fft 256, hop 128) -> log power -> Conv1d blocks with erf GELU and SiLU -> mean over time -> 10 logits; time >= 256",
        "shapes": [
            {"id": "b1-t16000", "about": "one second at 16 kHz", "inputs": lambda g: [audio_signal(g, 1, 16000, 16000)]},
            {"id": "b2-t8000", "about": "two clips of half a second", "inputs": lambda g: [audio_signal(g, 2, 8000, 16000)]},
            {"id": "b3-t4000", "about": "three short clips (4000 samples)", "inputs": lambda g: [audio_signal(g, 3, 4000, 16000)]},
        ],
    },
    {
        "name": "detector",
        "build": Detector,
        "opset": 13,
        "inputs": ["image"],
        "outputs": ["probability", "scores"],
        "dynamic_axes": {
            "image": {0: "batch", 2: "height", 3: "width"},
            "probability": {0: "batch", 2: "height", 3: "width"},
            "scores": {0: "batch"},
        },
        "description": "text-detector-like U-Net: Mish, per-channel PReLU, Hardswish, Softplus, LeakyReLU, nearest x2 Resize, skip Concats, Sigmoid probability map and Softmax class head; height and width multiples of 4",
        "shapes": [
            {"id": "b1-64x64", "about": "square 64x64 image", "inputs": lambda g: [normal(g, 1, 3, 64, 64)]},
            {"id": "b2-96x128", "about": "two landscape 96x128 images", "inputs": lambda g: [normal(g, 2, 3, 96, 128)]},
        ],
    },
    {
        "name": "stateful-vad",
        "build": StatefulVad,
        "opset": 16,
        "inputs": ["input", "state", "sr"],
        "outputs": ["output", "stateN"],
        "dynamic_axes": {
            "input": {0: "batch", 1: "samples"},
            "state": {1: "batch"},
            "output": {0: "batch"},
            "stateN": {1: "batch"},
        },
        "description": "silero-like VAD: If on sr (16000: Conv1d stride 8 + SiLU; otherwise Conv1d stride 4 + Softplus), Relu Conv1d encoder, one LSTM step from state [2, batch, 64] (h, c), Sigmoid speech probability and the new state",
        "shapes": [
            {"id": "b1-s512-sr16000", "about": "a 512-sample chunk at 16 kHz, zero state", "sr": 16000,
             "inputs": lambda g: [audio_signal(g, 1, 512, 16000), torch.zeros(2, 1, 64), torch.tensor(16000)]},
            {"id": "b2-s256-sr8000", "about": "two 256-sample chunks at 8 kHz, carried state", "sr": 8000,
             "inputs": lambda g: [audio_signal(g, 2, 256, 8000), normal(g, 2, 2, 64, scale=0.3), torch.tensor(8000)]},
            {"id": "b1-s1024-sr16000", "about": "a longer 1024-sample chunk at 16 kHz, carried state", "sr": 16000,
             "inputs": lambda g: [audio_signal(g, 1, 1024, 16000), normal(g, 2, 1, 64, scale=0.3), torch.tensor(16000)]},
        ],
    },
    {
        "name": "text-recognizer",
        "build": TextRecognizer,
        "opset": 11,
        "inputs": ["features"],
        "outputs": ["log_probs"],
        "dynamic_axes": {"features": {0: "batch", 1: "seq"}, "log_probs": {0: "batch", 1: "seq"}},
        "description": "2-layer pre-LN transformer encoder (4 heads, d 96) over [batch, seq, 64] features, learned positions sliced to seq (seq <= 64), erf-GELU MLP, tanh-GELU MLP (torch's symbolic), a hand-written tanh GELU before the classifier, LogSoftmax over 40 classes; opset 11 so Softmax uses flatten-at-axis semantics and LayerNorm is decomposed",
        "shapes": [
            {"id": "b1-seq12", "about": "one line of 12 steps", "inputs": lambda g: [normal(g, 1, 12, 64)]},
            {"id": "b3-seq25", "about": "three lines of 25 steps", "inputs": lambda g: [normal(g, 3, 25, 64)]},
            {"id": "b2-seq64", "about": "the longest sequence the positions allow", "inputs": lambda g: [normal(g, 2, 64, 64)]},
        ],
    },
    {
        "name": "mixed-cnn",
        "build": MixedCnn,
        "opset": 17,
        "inputs": ["image"],
        "outputs": ["logits"],
        "dynamic_axes": {"image": {0: "batch"}, "logits": {0: "batch"}},
        "description": "7 Conv2d layers on 32x32 images, each followed by one of ELU, SELU, CELU(0.5), Softsign, Tanh, Hardsigmoid, ReLU6; global mean; 10 logits",
        "shapes": [
            {"id": "b1", "about": "one image", "inputs": lambda g: [normal(g, 1, 3, 32, 32)]},
            {"id": "b4", "about": "a batch of four", "inputs": lambda g: [normal(g, 4, 3, 32, 32)]},
        ],
    },
    # efficient-cnn, mobile-cnn, digits-silu (seeds 6-8: appended, so the models
    # above keep their seeds and bytes)
    *torch_zoo_models.SPECS,
]


def unit_variance_init(model: nn.Module, batches: List[tuple], keep: Callable[[nn.Module], bool]) -> None:
    """Rescale each Conv/Linear, in order, so its output has unit std on `batches`.

    PyTorch's default init shrinks the signal layer by layer: activations then
    only see inputs near 0, where every approximation is good, and outputs hardly
    depend on the input. This data-dependent rescaling (in the spirit of LSUV)
    keeps each activation's input roughly N(mean, 1), the regime where rewrites
    differ. Layers that never run on `batches` (an untaken If branch) or whose
    output is too small to have a std are left alone.
    """
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)) and not keep(m)]
    for layer in layers:
        for _ in range(2):  # the second pass corrects for the layer's own bias
            outputs: List[torch.Tensor] = []
            hook = layer.register_forward_hook(lambda _m, _i, out: outputs.append(out.detach().flatten()))
            with torch.no_grad():
                for batch in batches:
                    model(*batch)
            hook.remove()
            if not outputs or sum(o.numel() for o in outputs) < 8:
                break
            std = torch.cat(outputs).std().item()
            with torch.no_grad():
                layer.weight.div_(std)
                if layer.bias is not None:
                    layer.bias.div_(std)


def declared(value_info: onnx.ValueInfoProto) -> Dict:
    tensor = value_info.type.tensor_type
    dims = [d.dim_param if d.dim_param else d.dim_value for d in tensor.shape.dim]
    return {"name": value_info.name, "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.elem_type].name, "dims": dims}


def export(spec: Dict, seed: int) -> Dict:
    name = spec["name"]
    torch.manual_seed(seed)
    model = spec["build"]().eval()
    trained = None
    if "train" in spec:  # trained models keep their trained weights as they are
        trained = spec["train"](model, seed)
    else:
        calibration = [tuple(shape["inputs"](torch.Generator().manual_seed(seed + 3000 + i))) for i, shape in enumerate(spec["shapes"])]
        unit_variance_init(model, calibration, spec.get("keep", lambda _m: False))
    generator = torch.Generator().manual_seed(seed + 1000)
    example = tuple(spec["shapes"][0]["inputs"](generator))
    path = OUT_DIR / f"{name}.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model, example, str(path),
            opset_version=spec["opset"],
            input_names=spec["inputs"],
            output_names=spec["outputs"],
            dynamic_axes=spec["dynamic_axes"],
            do_constant_folding=True,
        )
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)

    def save_run(folder_id: str, about: str, feeds) -> Dict:
        """Saves the inputs and what PyTorch computed from them; their manifest entry."""
        with torch.no_grad():
            results = model(*feeds)
        results = results if isinstance(results, tuple) else (results,)
        folder = OUT_DIR / name / folder_id
        # Files named after the graph's inputs: `rectify optimize -i <dir>/inputs/*.npy`
        # matches them by name.
        (folder / "inputs").mkdir(parents=True, exist_ok=True)
        (folder / "outputs").mkdir(parents=True, exist_ok=True)
        entry = {"id": folder_id, "about": about, "inputs": {}, "outputs": {}}
        for input_name, tensor in zip(spec["inputs"], feeds):
            array = tensor.numpy()
            np.save(folder / "inputs" / f"{input_name}.npy", array, allow_pickle=False)
            item = {"shape": list(array.shape), "dtype": array.dtype.name, "file": f"{name}/{folder_id}/inputs/{input_name}.npy"}
            if array.ndim == 0:
                item["value"] = array.item()
            entry["inputs"][input_name] = item
        for output_name, tensor in zip(spec["outputs"], results):
            array = tensor.numpy()
            np.save(folder / "outputs" / f"{output_name}.npy", array, allow_pickle=False)
            entry["outputs"][output_name] = {"shape": list(array.shape), "dtype": array.dtype.name, "file": f"{name}/{folder_id}/outputs/{output_name}.npy"}
        return entry

    shapes = []
    for index, shape in enumerate(spec["shapes"]):
        generator = torch.Generator().manual_seed(seed + 2000 + index)
        shapes.append(save_run(shape["id"], shape["about"], shape["inputs"](generator)))

    datasets = []
    for dataset in (trained or {}).get("datasets", []):
        entry = save_run(dataset["id"], dataset["about"], dataset["inputs"])
        # Labels beside inputs/, not in it: `-i <set>/inputs/*.npy` must find graph inputs only.
        labels = dataset["labels"].numpy()
        np.save(OUT_DIR / name / dataset["id"] / "labels.npy", labels, allow_pickle=False)
        entry["labels"] = {"shape": list(labels.shape), "dtype": labels.dtype.name, "file": f"{name}/{dataset['id']}/labels.npy"}
        datasets.append(entry)

    opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
    data = path.read_bytes()
    extra = {}
    if trained is not None:
        extra["training"] = trained["training"]
    if datasets:
        extra["datasets"] = datasets
    return {
        "name": name,
        "file": f"{name}.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "opset": opset,
        "ir_version": proto.ir_version,
        "seed": seed,
        "description": spec["description"],
        "inputs": [declared(v) for v in proto.graph.input],
        "outputs": [declared(v) for v in proto.graph.output],
        "test_shapes": shapes,
        **extra,
    }


def to_json(value, indent: int = 0, lead: int = 0, width: int = 100) -> str:
    """JSON the way the repo's formatter (biome) prints it, so `pnpm lint` passes:
    objects one key per line, arrays of scalars on one line when the line fits.
    `lead` is how many characters precede the value on its line."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            prefix = f"{pad}  {json.dumps(key)}: "
            items.append(prefix + to_json(item, indent + 2, len(prefix), width))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            inline = "[" + ", ".join(json.dumps(v) for v in value) + "]"
            if lead + len(inline) + 1 <= width:  # + 1 for a trailing comma
                return inline
        items = [pad + "  " + to_json(v, indent + 2, indent + 2, width) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value)


def main(argv: List[str]) -> int:
    wanted = set(argv[1:])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest_path = OUT_DIR / "manifest.json"
    previous = {}
    if manifest_path.exists():
        previous = {m["name"]: m for m in json.loads(manifest_path.read_text())["models"]}
    models = []
    for seed, spec in enumerate(MODELS, start=1):
        if wanted and spec["name"] not in wanted:
            if spec["name"] in previous:
                models.append(previous[spec["name"]])
            continue
        entry = export(spec, seed)
        print(f"{entry['file']}: {entry['bytes']} bytes, opset {entry['opset']}, sha256 {entry['sha256'][:16]}")
        models.append(entry)
    manifest = {
        "about": "PyTorch-exported test models with dynamic axes; made by tooling/models/export-torch-models.py (torch "
        + torch.__version__ + ", onnx " + onnx.__version__ + "). Paths are relative to this folder.",
        "tolerance": {"max_abs": 1e-4},
        "models": models,
    }
    manifest_path.write_text(to_json(manifest) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
