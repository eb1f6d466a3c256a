"""The finite-input check (issue 13): with attnc.load(..., check_finite=True)
a NaN or an infinity in any floating-point input, parameters included, is
refused before the kernel runs, naming the input and the flat index; without
it such inputs run as docs/runtime.md describes (a NaN query gives a row of
0, which looks like a result)."""

import numpy as np
import pytest

import attnc


@pytest.fixture(scope="module")
def checked(entries_module):
    m = attnc.load(entries_module.path, check_finite=True)
    m.init_weights(0)
    return m


def qkv(rng, s=4):
    return [rng.standard_normal((1, 2, s, 16), dtype=np.float32)
            for _ in range(3)]


def test_nan_in_a_query_is_refused_with_its_flat_index(checked, rng):
    q, k, v = qkv(rng)
    q[0, 1, 2, 5] = np.nan
    with pytest.raises(attnc.ValidationError) as e:
        checked.causal(q, k, v, np.array([4], np.int32))
    flat = np.ravel_multi_index((0, 1, 2, 5), q.shape)
    assert str(e.value) == (
        f"entry 'causal', input 'q': NaN at flat index {flat} (the "
        "finite-input check refuses NaN and Inf)")


def test_infinities_in_keys_and_values_are_refused(checked, rng):
    q, k, v = qkv(rng)
    k[0, 0, 3, 0] = -np.inf
    with pytest.raises(attnc.ValidationError,
                       match=r"^entry 'causal', input 'k': -Inf at flat "
                             r"index 48 \("):
        checked.causal(q, k, v, np.array([4], np.int32))
    k[0, 0, 3, 0] = 0
    v[0, 0, 0, 1] = np.inf
    with pytest.raises(attnc.ValidationError,
                       match=r"^entry 'causal', input 'v': \+Inf at flat "
                             r"index 1 \("):
        checked.causal(q, k, v, np.array([4], np.int32))


def test_parameters_are_checked_too(entries_module, rng):
    m = attnc.load(entries_module.path, check_finite=True)
    w = np.ones((4, 8), np.float32)
    w[3, 7] = np.nan
    m.load_weights({"lin.weight": w, "lin.bias": np.zeros(4, np.float32)})
    with pytest.raises(attnc.ValidationError,
                       match=r"^entry 'linear', input 'lin.weight': NaN at "
                             r"flat index 31 \("):
        m.linear(rng.standard_normal((3, 8), dtype=np.float32))


def test_finite_inputs_pass_and_match_the_unchecked_module(checked,
                                                           entries_module,
                                                           rng):
    q, k, v = qkv(rng)
    lengths = np.array([3], np.int32)
    np.testing.assert_array_equal(checked.causal(q, k, v, lengths),
                                  entries_module.causal(q, k, v, lengths))


def test_without_the_check_a_nan_query_gives_a_row_of_zeros(entries_module,
                                                            rng):
    # What the check is for: the unchecked result looks like a fully masked
    # row, not like an error.
    q, k, v = qkv(rng)
    q[0, 0, 2, 3] = np.nan
    out = entries_module.causal(q, k, v, np.array([4], np.int32))
    assert not np.isnan(out).any()
    assert (out[0, 0, 2] == 0).all()
