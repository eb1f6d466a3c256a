"""Fixtures of the attnc Python package's tests. ctest runs them with the
build tree's package on PYTHONPATH (python/CMakeLists.txt); a missing
dependency skips the tests that need it, saying which."""

import os

import pytest

np = pytest.importorskip("numpy", reason="the attnc package needs numpy")
attnc = pytest.importorskip(
    "attnc", reason="the attnc package is not built (scripts/python-deps.sh, "
    "then ninja -C build attnc_python)")

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="session")
def entries_module():
    """The module of inputs/entries.mlir, compiled once per run (cached
    across runs by attnc.compile)."""
    return attnc.compile(os.path.join(HERE, "inputs", "entries.mlir"))


@pytest.fixture(autouse=True)
def poisoned_outputs():
    """Every output starts as NaN / -1 bytes, so an element a kernel does not
    write cannot pass for a result."""
    attnc._core._set_poison_outputs(True)
    yield
    attnc._core._set_poison_outputs(False)


@pytest.fixture
def rng(request):
    return np.random.default_rng(abs(hash(request.node.name)) % 2**32)
