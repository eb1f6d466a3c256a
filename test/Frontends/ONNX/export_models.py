#!/usr/bin/env python3
"""Exports the ONNX test models of attnc's ONNX frontend and their PyTorch
references (docs/onnx.md, "Tests").

Randomly initialised BERT-family encoders from `transformers`, at awkward
sizes, exported with torch.onnx.export; a padded batch (rows with right and
left padding) run through PyTorch in float32 and float64. Writes, per model,
Inputs/<name>.onnx and Inputs/<name>/{inputs,outputs}.npy (float32
reference outputs as <output>.npy, float64 ones as <output>.f64.npy), and
the refused graphs of errors.test as Inputs/bad-*.onnx.

    ATTNC_TORCH_PYTHON=/path/to/venv/bin/python  (torch, transformers, onnx,
    onnxscript)  test/Frontends/ONNX/export_models.py [--out DIR] [--only NAME]

Needs torch, transformers, onnx (and onnxscript for the dynamo exporter).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (config, exporter, attention implementation, pooling heads)
MODELS = {
    # Exact (erf) GELU, eager attention, the TorchScript exporter (opset 17):
    # MatMul/Add projections, Reshape/Transpose heads, Div/Erf GELU,
    # masked mean pooling and F.normalize.
    "bert-h72": dict(hidden=72, heads=6, layers=3, vocab=97, inter=100,
                     max_pos=40, act="gelu", exporter="legacy", opset=17,
                     attn="eager", pool="masked_mean_l2"),
    # tanh GELU, SDPA attention, the dynamo exporter (opset 18): Gelu op,
    # SDPA's decomposition with q and k pre-scaled, CLS and plain mean
    # pooling.
    "bert-tanh": dict(hidden=60, heads=5, layers=2, vocab=53, inter=84,
                      max_pos=32, act="gelu_pytorch_tanh", exporter="dynamo",
                      opset=18, attn="sdpa", pool="first_and_mean"),
    # Opset 14 (the TorchScript exporter before LayerNormalization): layer
    # norm spelled out (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add) and
    # gelu_new's Pow/Mul/Tanh formula.
    "bert-ln14": dict(hidden=36, heads=3, layers=1, vocab=29, inter=40,
                      max_pos=20, act="gelu_new", exporter="legacy", opset=14,
                      attn="eager", pool="masked_mean_l2"),
    # The ONNX Attention op (opset 23) from the dynamo exporter.
    "bert-attn23": dict(hidden=44, heads=4, layers=1, vocab=31, inter=52,
                        max_pos=24, act="gelu", exporter="dynamo", opset=23,
                        attn="sdpa", pool="masked_mean_l2"),
}

BATCH, SEQ = 4, 11
# Kept positions per row: full, right padding (8), left padding (6), left
# padding (3).
LAYOUT = [("right", SEQ), ("right", 8), ("left", 6), ("left", 3)]


def build(torch, transformers, spec, seed):
    torch.manual_seed(seed)
    cfg = transformers.BertConfig(
        vocab_size=spec["vocab"], hidden_size=spec["hidden"],
        num_hidden_layers=spec["layers"], num_attention_heads=spec["heads"],
        intermediate_size=spec["inter"], max_position_embeddings=spec["max_pos"],
        type_vocab_size=2, hidden_act=spec["act"],
        attn_implementation=spec["attn"])
    pool = spec["pool"]

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformers.BertModel(cfg, add_pooling_layer=False)
            # Larger than BERT's 0.02 init, so that every layer matters.
            with torch.no_grad():
                for p in self.bert.parameters():
                    p.add_(torch.randn_like(p) * 0.2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            if pool == "masked_mean_l2":
                m = attention_mask.unsqueeze(-1).to(h.dtype)
                mean = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
                return h, torch.nn.functional.normalize(mean, p=2, dim=1)
            return h, h[:, 0], h.mean(1)

    names = (["last_hidden_state", "sentence_embedding"] if pool == "masked_mean_l2"
             else ["last_hidden_state", "cls", "mean"])
    return Encoder().eval(), names


def batch(torch, vocab):
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(1, vocab, (BATCH, SEQ), generator=g)
    types = torch.randint(0, 2, (BATCH, SEQ), generator=g)
    mask = torch.zeros(BATCH, SEQ, dtype=torch.long)
    for b, (side, kept) in enumerate(LAYOUT):
        if side == "right":
            mask[b, :kept] = 1
        else:
            mask[b, SEQ - kept:] = 1
    ids = ids * mask  # pad id 0
    types = types * mask
    return ids, mask, types


def export(name, spec, out_dir, seed=0):
    import numpy as np
    import torch
    import transformers

    model, outputs = build(torch, transformers, spec, seed)
    ids, mask, types = batch(torch, spec["vocab"])
    args = (ids, mask, types)
    inputs = ["input_ids", "attention_mask", "token_type_ids"]
    path = os.path.join(out_dir, name + ".onnx")
    if spec["exporter"] == "legacy":
        axes = {i: {0: "batch", 1: "seq"} for i in inputs}
        torch.onnx.export(model, args, path, input_names=inputs,
                          output_names=outputs, dynamic_axes=axes,
                          opset_version=spec["opset"], dynamo=False)
    else:
        batch_dim = torch.export.Dim("batch", min=1, max=64)
        seq_dim = torch.export.Dim("seq", min=2, max=spec["max_pos"])
        shapes = {i: {0: batch_dim, 1: seq_dim} for i in inputs}
        program = torch.onnx.export(model, args, input_names=inputs,
                                    output_names=outputs,
                                    dynamic_shapes=shapes,
                                    opset_version=spec["opset"], dynamo=True)
        program.save(path)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    for n, t in zip(inputs, args):
        np.save(os.path.join(folder, n + ".npy"), t.numpy())
    with torch.no_grad():
        ref32 = model(*args)
        ref64 = model.double()(*args)
    for n, r32, r64 in zip(outputs, ref32, ref64):
        np.save(os.path.join(folder, n + ".npy"), r32.float().numpy())
        np.save(os.path.join(folder, n + ".f64.npy"), r64.numpy())
    return path


def export_bad(out_dir):
    """Small graphs the importer must refuse, each with a located error."""
    import onnx
    from onnx import TensorProto, helper
    import numpy as np
    import torch
    import transformers

    def save(graph, name, opset=17):
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(model, os.path.join(out_dir, name))

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 8],
                           np.eye(8, dtype=np.float32).flatten().tolist())
    # An op no rule maps (TopK of hidden states).
    k = helper.make_tensor("k", TensorProto.INT64, [1], [2])
    save(helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="proj"),
         helper.make_node("TopK", ["h", "k"], ["y", "i"], name="topk")],
        "bad", [x], [y], [w, k]), "bad-topk.onnx")
    # An elementwise chain that is no known activation (x * x).
    save(helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="proj"),
         helper.make_node("Mul", ["h", "h"], ["sq"], name="square"),
         helper.make_node("MatMul", ["sq", "w"], ["y"], name="proj2")],
        "bad", [x], [y], [w]), "bad-square.onnx")
    # BERT with its pooler (dense + tanh on the first token): Tanh is not an
    # activation attnc has.
    spec = dict(MODELS["bert-attn23"])
    torch.manual_seed(1)
    cfg = transformers.BertConfig(
        vocab_size=spec["vocab"], hidden_size=spec["hidden"],
        num_hidden_layers=1, num_attention_heads=spec["heads"],
        intermediate_size=spec["inter"], max_position_embeddings=spec["max_pos"],
        attn_implementation="eager")
    class WithPooler(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformers.BertModel(cfg, add_pooling_layer=True)

        def forward(self, input_ids, attention_mask):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
            return out.last_hidden_state, out.pooler_output

    model = WithPooler().eval()
    ids, mask, types = batch(torch, spec["vocab"])
    axes = {i: {0: "batch", 1: "seq"} for i in ["input_ids", "attention_mask"]}
    torch.onnx.export(model, (ids, mask), os.path.join(out_dir, "bad-pooler.onnx"),
                      input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes=axes, opset_version=17, dynamo=False)
    # An initializer whose name holds a newline and that has no data (the
    # fuzzer's second find: the name broke the one-line error).
    bad_w = TensorProto(name="w\nnext line", data_type=TensorProto.FLOAT,
                        dims=[8, 8])
    save(helper.make_graph(
        [helper.make_node("MatMul", ["x", "w\nnext line"], ["y"], name="proj")],
        "bad", [x], [y], [bad_w]), "bad-name-newline.onnx")
    # Position ids sliced from past the end of their table (the fuzzer's
    # find): the position embeddings are an empty [1, 0, E] constant, which
    # the importer read a row from.
    model = onnx.load(os.path.join(out_dir, "bert-ln14.onnx"))
    for node in model.graph.node:
        if node.name == "/bert/embeddings/Constant_2":
            node.attribute[0].t.CopyFrom(
                helper.make_tensor("value", TensorProto.INT64, [1], [2**40]))
    onnx.save(model, os.path.join(out_dir, "bad-empty-positions.onnx"))
    # The mask's Expand shape built from a constant of -2^61 (the fuzzer's
    # third find: the element count overflowed int64 and the evaluator
    # tried to allocate it).
    model = onnx.load(os.path.join(out_dir, "bert-ln14.onnx"))
    for node in model.graph.node:
        if node.name == "/bert/Constant_23":
            node.attribute[0].t.CopyFrom(
                helper.make_tensor("value", TensorProto.INT64, [1], [-2**61]))
    onnx.save(model, os.path.join(out_dir, "bad-expand-overflow.onnx"))
    # A head split whose Reshape target holds 3242591731706757119 (the
    # fuzzer's fourth find: its element count overflowed int64).
    model = onnx.load(os.path.join(out_dir, "bert-ln14.onnx"))
    for node in model.graph.node:
        if node.name == "/bert/encoder/layer.0/attention/self/Constant_2":
            node.attribute[0].t.CopyFrom(helper.make_tensor(
                "value", TensorProto.INT64, [1], [3242591731706757119]))
    onnx.save(model, os.path.join(out_dir, "bad-reshape-overflow.onnx"))
    # The position-embedding Gather stripped of its indices (the fuzzer's
    # fifth find: the importer read the Gather's second input unchecked).
    model = onnx.load(os.path.join(out_dir, "bert-ln14.onnx"))
    for node in model.graph.node:
        if node.name == "/bert/embeddings/position_embeddings/Gather":
            del node.input[1:]
    onnx.save(model, os.path.join(out_dir, "bad-gather-arity.onnx"))
    # A Where whose required condition is left empty ("" names an absent
    # optional input only).
    save(helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="proj"),
         helper.make_node("Where", ["", "h", "x"], ["y"], name="pick")],
        "bad", [x], [y], [w]), "bad-empty-input.onnx")
    # The position-embedding Gather moved to another operator domain and
    # stripped of its indices (the fuzzer's sixth find: the importer
    # matched nodes by op type alone, so the schema's input count, checked
    # for ONNX's own operators, did not cover it).
    model = onnx.load(os.path.join(out_dir, "bert-ln14.onnx"))
    for node in model.graph.node:
        if node.name == "/bert/embeddings/position_embeddings/Gather":
            node.domain = "com.example"
            del node.input[1:]
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    onnx.save(model, os.path.join(out_dir, "bad-domain.onnx"))
    # Truncated protobuf.
    with open(os.path.join(out_dir, "bert-h72.onnx"), "rb") as f:
        head = f.read(1000)
    with open(os.path.join(out_dir, "bad-truncated.onnx"), "wb") as f:
        f.write(head)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(HERE, "Inputs"))
    p.add_argument("--only", help="export one model")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, spec in MODELS.items():
        if a.only and name != a.only:
            continue
        print("exporting", export(name, spec, a.out))
    if not a.only or a.only == "bad":
        export_bad(a.out)


if __name__ == "__main__":
    main()
