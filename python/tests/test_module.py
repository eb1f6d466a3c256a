"""attnc.compile / attnc.load / Module.entries and calling entries: numerics
against float64 references at awkward sizes, zero-copy in and out, DLPack,
threads, and every refusal raised with its one-line message."""

import os
import threading

import numpy as np
import pytest

import attnc


def softmax_rows(s):
    """Masked rows are -inf everywhere: they give 0, as attnc defines."""
    m = np.max(s, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(s - m)
    z = e.sum(axis=-1, keepdims=True)
    return np.divide(e, z, out=np.zeros_like(e), where=z > 0)


def causal_reference(q, k, v, lengths):
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    sq, sk = s.shape[-2:]
    i = np.arange(sq)[:, None]
    j = np.arange(sk)[None, :]
    keep = (j <= i)[None, None] & (j[None, None] < lengths[:, None, None, None])
    s = np.where(keep, s, -np.inf)
    return softmax_rows(s) @ v


def test_entries_describe_arguments(entries_module):
    m = entries_module
    assert list(m.entries) == ["linear", "causal", "graph"]
    causal = m.entries["causal"]
    assert causal.positional == ["q", "k", "v", "lengths"]
    by_name = {a.name: a for a in causal.args}
    assert by_name["q"].shape == ("B", 2, "Sq", 16)
    assert by_name["lengths"].role == "key lengths"
    assert by_name["lengths"].dtype == "i32"
    assert by_name["out"].kind == "output"
    lin = {a.name: a for a in m.linear.args}
    assert lin["lin.weight"].is_parameter and lin["lin.weight"].init == "glorot"
    assert lin["lin.bias"].init == "zeros"
    graph = {a.name: a for a in m.graph.args}
    assert graph["rows"].role == "csr row offsets"
    assert graph["rows"].related == "cols"
    assert m.device == "cpu" and m.target.startswith("x86-64")
    # attnc's default target: AVX-512 and AVX2 kernels, one picked here.
    assert m.cpu_variant in ("avx512", "avx2")


@pytest.mark.parametrize("batch,seq", [(1, 1), (2, 7), (3, 129)])
def test_causal_attention_matches_float64(entries_module, rng, batch, seq):
    q, k, v = (rng.standard_normal((batch, 2, seq, 16), dtype=np.float32)
               for _ in range(3))
    lengths = rng.integers(0, seq + 1, batch).astype(np.int32)
    out = entries_module.causal(q, k, v, lengths)
    assert out.shape == q.shape and out.dtype == np.float32
    np.testing.assert_allclose(out, causal_reference(q, k, v, lengths),
                               rtol=1e-5, atol=2e-5)


def test_graph_attention_matches_float64_and_isolated_nodes_are_zero(
        entries_module, rng):
    n = 129
    degree = rng.integers(0, 6, n)
    degree[[0, 5]] = 0  # isolated nodes
    rows = np.concatenate([[0], np.cumsum(degree)]).astype(np.int64)
    cols = rng.integers(0, n, rows[-1]).astype(np.int64)
    q, k, v = (rng.standard_normal((n, 2, 8), dtype=np.float32)
               for _ in range(3))
    out = entries_module.graph(q, k, v, rows, cols)
    ref = np.zeros((n, 2, 8))
    for i in range(n):
        nb = cols[rows[i]:rows[i + 1]]
        if nb.size == 0:
            continue
        s = np.einsum("hd,jhd->hj", q[i].astype(np.float64),
                      k[nb].astype(np.float64)) / np.sqrt(8)
        ref[i] = np.einsum("hj,jhd->hd", softmax_rows(s), v[nb])
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=2e-5)
    assert not out[[0, 5]].any()


def test_linear_with_weights_from_a_dict_and_a_file(entries_module, rng,
                                                    tmp_path):
    m = attnc.load(entries_module.path)  # its own weights
    w = rng.standard_normal((4, 8)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    m.load_weights({"lin.weight": w, "lin.bias": b})
    x = rng.standard_normal((1000, 8)).astype(np.float32)
    np.testing.assert_allclose(m.linear(x), x.astype(np.float64) @ w.T + b,
                               rtol=1e-5, atol=1e-5)
    m.save_weights(tmp_path / "w.safetensors")
    other = attnc.load(entries_module.path)
    other.load_weights(tmp_path / "w.safetensors")
    np.testing.assert_array_equal(other.weights["lin.weight"], w)
    np.testing.assert_array_equal(other.linear(x), m.linear(x))
    # A parameter given in the call overrides the weights for that call only.
    w2 = np.zeros((4, 8), np.float32)
    np.testing.assert_allclose(m.linear(x, **{"lin.weight": w2}),
                               np.broadcast_to(b, (1000, 4)))
    np.testing.assert_allclose(m.linear(x), x.astype(np.float64) @ w.T + b,
                               rtol=1e-5, atol=1e-5)


def test_init_weights_follows_each_parameters_rule(entries_module):
    m = attnc.load(entries_module.path)
    assert m.init_weights(seed=3) == 2
    w = m.weights
    assert not w["lin.bias"].any()
    bound = np.sqrt(6 / (8 + 4))
    assert np.abs(w["lin.weight"]).max() <= bound and w["lin.weight"].std() > 0
    again = attnc.load(entries_module.path)
    again.init_weights(seed=3)
    np.testing.assert_array_equal(again.weights["lin.weight"], w["lin.weight"])


def test_inputs_and_outputs_are_not_copied(entries_module, rng):
    big = rng.standard_normal((1 << 20, 8)).astype(np.float32)  # 32 MiB
    m = attnc.load(entries_module.path)
    m.init_weights(0)
    call = m.linear.prepare(big)
    y = call.run()
    assert call.data_pointer("x") == big.ctypes.data
    assert call.data_pointer("y") == y.ctypes.data
    assert y.base is not None  # owns C++ memory through a capsule, no copy


class OnlyDLPack:
    """A producer NumPy does not know, reachable only through DLPack."""

    def __init__(self, array):
        self._a = array

    def __dlpack__(self, **kwargs):
        return self._a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


def test_dlpack_producers_are_taken_without_a_copy(entries_module, rng):
    x = rng.standard_normal((4096, 8)).astype(np.float32)
    m = attnc.load(entries_module.path)
    m.init_weights(0)
    call = m.linear.prepare(OnlyDLPack(x))
    y = call.run()
    assert call.data_pointer("x") == x.ctypes.data
    np.testing.assert_array_equal(y, m.linear(x))


def test_non_dense_or_other_dtype_inputs_are_converted(entries_module, rng):
    m = attnc.load(entries_module.path)
    m.init_weights(0)
    x = rng.standard_normal((16, 8))
    expected = m.linear(x.astype(np.float32))
    np.testing.assert_allclose(m.linear(x), expected)  # float64 -> f32
    wide = np.zeros((16, 16), np.float32)
    wide[:, ::2] = x
    np.testing.assert_allclose(m.linear(wide[:, ::2]), expected, rtol=1e-6)
    np.testing.assert_allclose(m.linear(x.tolist()), expected, rtol=1e-6)


def test_two_threads_call_one_module(entries_module, rng):
    m = entries_module
    cases = []
    for t in range(2):
        q, k, v = (rng.standard_normal((2, 2, 300, 16), dtype=np.float32)
                   for _ in range(3))
        lengths = np.array([300, 123 + t], np.int32)
        cases.append(((q, k, v, lengths), causal_reference(q, k, v, lengths)))
    errors = []

    def work(case):
        try:
            args, ref = case
            for _ in range(20):
                np.testing.assert_allclose(m.causal(*args), ref, rtol=1e-5,
                                           atol=2e-5)
        except Exception as e:  # reported in the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


# --- refusals ---------------------------------------------------------------

def q_k_v(rng, b=1, s=5):
    return [rng.standard_normal((b, 2, s, 16), dtype=np.float32)
            for _ in range(3)]


def test_wrong_extent_names_the_argument(entries_module, rng):
    q, k, v = q_k_v(rng)
    with pytest.raises(attnc.ValidationError,
                       match=r"entry 'causal'.*'q'.*dim 3 is 15"):
        entries_module.causal(q[..., :15], k, v, np.array([5], np.int32))


def test_wrong_rank_dtype_and_unconvertible_values(entries_module, rng):
    q, k, v = q_k_v(rng)
    with pytest.raises(attnc.ValidationError, match="'lengths'.*rank"):
        entries_module.causal(q, k, v, np.array([[5]], np.int32))
    with pytest.raises(attnc.ValidationError,
                       match="'lengths'.*dtype float64, expected i32"):
        entries_module.causal(q, k, v, np.array([5.0]))
    with pytest.raises(attnc.ValidationError,
                       match="'lengths'.*does not fit i32"):
        entries_module.causal(q, k, v, np.array([2**40]))
    with pytest.raises(attnc.ValidationError, match="'q': not a numeric"):
        entries_module.causal([object()], k, v, np.array([5], np.int32))


def test_bad_contents_are_refused(entries_module, rng):
    q, k, v = q_k_v(rng)
    with pytest.raises(attnc.ValidationError, match="'lengths'"):
        entries_module.causal(q, k, v, np.array([6], np.int32))
    n = 3
    qn = rng.standard_normal((n, 2, 8), dtype=np.float32)
    with pytest.raises(attnc.ValidationError, match="'cols'"):
        entries_module.graph(qn, qn, qn, np.array([0, 1, 2, 3]),
                             np.array([0, 1, 7]))
    with pytest.raises(attnc.ValidationError, match="'rows'"):
        entries_module.graph(qn, qn, qn, np.array([0, 2, 1, 3]),
                             np.array([0, 1, 2]))


def test_missing_unknown_and_repeated_inputs(entries_module, rng):
    q, k, v = q_k_v(rng)
    with pytest.raises(attnc.InvalidArgumentError,
                       match="missing input 'lengths'"):
        entries_module.causal(q, k, v)
    with pytest.raises(attnc.NotFoundError, match="no input 'mask'"):
        entries_module.causal(q, k, v, np.array([5], np.int32), mask=q)
    with pytest.raises(attnc.InvalidArgumentError, match="'q': given twice"):
        entries_module.causal(q, k, v, np.array([5], np.int32), q=q)
    with pytest.raises(attnc.InvalidArgumentError, match="5 positional"):
        entries_module.causal(q, k, v, np.array([5], np.int32), q)
    with pytest.raises(attnc.InvalidArgumentError,
                       match="parameter 'lin.weight', 'lin.bias' neither"):
        attnc.load(entries_module.path).linear(np.zeros((2, 8), np.float32))
    with pytest.raises(AttributeError, match="no entry 'nope'"):
        entries_module.nope


def test_bad_weights_are_refused_naming_the_tensor(entries_module, tmp_path):
    m = attnc.load(entries_module.path)
    with pytest.raises(attnc.ValidationError,
                       match=r"'lin.weight': shape \[4, 7\], expected \[4, 8\]"):
        m.load_weights({"lin.weight": np.zeros((4, 7), np.float32)})
    with pytest.raises(attnc.ValidationError,
                       match="1 tensor no entry takes: 'lin.bais'"):
        m.load_weights({"lin.bais": np.zeros(4, np.float32)})
    m.load_weights({"lin.bais": np.zeros(4, np.float32)}, strict=False)
    # The report of what a checkpoint holds that no entry takes.
    assert m.unused_weights == ["lin.bais"]
    m.load_weights({"lin.bias": np.zeros(4, np.float32)})
    assert m.unused_weights == []
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(attnc.ValidationError, match="bad.safetensors"):
        m.load_weights(bad)
    with pytest.raises(attnc.NotFoundError, match="nothing.safetensors"):
        m.load_weights(tmp_path / "nothing.safetensors")
    with pytest.raises(attnc.InvalidArgumentError, match="no weights"):
        attnc.load(entries_module.path).save_weights(tmp_path / "w.st")


def test_broken_modules_are_refused(entries_module, tmp_path):
    data = open(entries_module.path, "rb").read()
    cut = tmp_path / "truncated.so"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(attnc.Error, match="truncated.so"):
        attnc.load(cut)
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not an ELF file at all")
    with pytest.raises(attnc.Error, match="junk.so"):
        attnc.load(junk)
    with pytest.raises(attnc.NotFoundError, match="missing.so"):
        attnc.load(tmp_path / "missing.so")


def test_compile_errors_are_located(tmp_path):
    text = ("func.func @f(%q: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {\n"
            "  %o = attn.attention scaled_dot %q, %q\n"
            "  return %o : tensor<1x2x3x4xf32>\n}\n")
    with pytest.raises(attnc.CompileError, match=r":2:\d+: error") as e:
        attnc.compile(text, output=tmp_path / "f.so")
    assert "\n" not in str(e.value)
    assert not (tmp_path / "f.so").exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".attnc-")]
    with pytest.raises(attnc.NotFoundError, match="nowhere.yaml"):
        attnc.compile(tmp_path / "nowhere.yaml")


def test_compile_a_description_with_its_training_entry(tmp_path):
    yaml = """
name: tiny
inputs:
  - name: x
    dtype: f32
    shape: [n, 6]
layers:
  - name: lin
    kind: linear
    out: 3
outputs: [lin]
"""
    m = attnc.compile(yaml, train=True, output=tmp_path / "tiny.so",
                      target="host")
    assert os.path.exists(tmp_path / "tiny.so")
    assert m.cpu_variant == ""  # one target, no dispatcher
    assert set(m.entries) >= {"tiny", "tiny_train"}
    roles = {a.role for a in m.entries["tiny_train"].args}
    assert {"parameter", "gradient"} <= roles


ONNX_INPUTS = os.path.join(os.path.dirname(__file__), "..", "..", "test",
                           "Frontends", "ONNX", "Inputs")


def test_compile_onnx_binds_its_weights(tmp_path):
    # attnc.compile of an .onnx file writes the weights beside the module
    # and binds them: the call needs no load_weights.
    name = "bert-attn23"
    m = attnc.compile(os.path.join(ONNX_INPUTS, name + ".onnx"),
                      target="host", output=tmp_path / "enc.so")
    assert (tmp_path / "enc.safetensors").exists()
    assert m.unused_weights == []
    folder = os.path.join(ONNX_INPUTS, name)
    inputs = {n: np.load(os.path.join(folder, n + ".npy"))
              for n in ("input_ids", "attention_mask", "token_type_ids")}
    out = m.bert_attn23(**inputs)
    ref = np.load(os.path.join(folder, "sentence_embedding.npy"))
    got = out["sentence_embedding"]
    cos = (got * ref).sum(1) / (np.linalg.norm(got, axis=1) *
                                np.linalg.norm(ref, axis=1))
    assert cos.min() >= 0.99999
