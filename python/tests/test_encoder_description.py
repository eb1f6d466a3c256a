"""examples/bert-encoder.yaml — a BERT encoder written as a model
description (repeat block, parameter name maps in Hugging Face's names,
attention_mask padding, masked mean pooling, L2 normalisation) — given the
trained weights of the exported encoder test/Frontends/ONNX/Inputs/
bert-h72.onnx (the same sizes), must reproduce PyTorch's outputs on the
stored padded batch."""
import json
import os
import subprocess

import numpy as np

import attnc
from attnc._compile import compiler_path

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ONNX = os.path.join(ROOT, "test", "Frontends", "ONNX", "Inputs")


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32"
        lo, hi = meta["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + lo:8 + n + hi],
                                  np.float32).reshape(meta["shape"])
    return out


def test_bert_description_matches_pytorch(tmp_path):
    # The ONNX import writes the trained weights (import only, no compile).
    subprocess.run([compiler_path(), os.path.join(ONNX, "bert-h72.onnx"),
                    "--emit=mlir", "-o", str(tmp_path / "h72.mlir")],
                   check=True)
    weights = read_safetensors(tmp_path / "h72.safetensors")
    # The checkpoint's names are BertModel's under the export wrapper's
    # `bert.`; a checkpoint also holds tensors the model does not use.
    state = {k[len("bert."):]: v for k, v in weights.items()}
    state["embeddings.position_ids"] = np.arange(40, dtype=np.float32)
    m = attnc.compile(os.path.join(ROOT, "examples", "bert-encoder.yaml"),
                      target="host")
    m.load_weights(state, strict=False)
    assert m.unused_weights == ["embeddings.position_ids"]

    folder = os.path.join(ONNX, "bert-h72")
    inputs = {n: np.load(os.path.join(folder, n + ".npy"))
              for n in ("input_ids", "attention_mask", "token_type_ids")}
    out = m.bert_encoder(**inputs)
    h = out["encoder.layer.2.output.LayerNorm"]
    ref_h = np.load(os.path.join(folder, "last_hidden_state.npy"))
    assert np.linalg.norm(h - ref_h) / np.linalg.norm(ref_h) <= 1e-5
    e = out["embedding"]
    ref_e = np.load(os.path.join(folder, "sentence_embedding.npy"))
    cos = (e * ref_e).sum(1) / (np.linalg.norm(e, axis=1) *
                                np.linalg.norm(ref_e, axis=1))
    assert cos.min() >= 0.99999
