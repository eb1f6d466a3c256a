"""attnc: compile attention models and run them from Python.

    import attnc
    m = attnc.compile("model.yaml")            # or attnc.load("model.so")
    m.load_weights("model.safetensors")        # or a dict of arrays
    out = m.entries["encoder"](tokens, lengths)  # NumPy arrays or DLPack

GNN node classification on your own graph: attnc.gnn.train (attnc/gnn.py).
Every refusal of the runtime is raised as an attnc.Error subclass carrying
its one-line message.
"""

import os as _os

import numpy as _np

from . import _core
from ._core import (  # noqa: F401  (re-exported)
    AbiMismatchError,
    Arg,
    Entry,
    Error,
    InternalError,
    InvalidArgumentError,
    InvalidModuleError,
    KernelError,
    NotFoundError,
    OutOfMemoryError,
    UnsupportedError,
    ValidationError,
)
from ._compile import CompileError, compile, compiler_path  # noqa: F401
from .graph import Graph  # noqa: F401

__all__ = [
    "compile", "load", "Module", "Entry", "Arg", "Graph", "gnn",
    "Error", "CompileError", "ValidationError", "InvalidModuleError",
    "NotFoundError", "UnsupportedError", "KernelError",
]

_NUMPY_DTYPES = {
    "f32": _np.dtype(_np.float32),
    "f64": _np.dtype(_np.float64),
    "i32": _np.dtype(_np.int32),
    "i64": _np.dtype(_np.int64),
    "bool": _np.dtype(_np.bool_),
}


def _as_numpy(value):
    """`value` as a NumPy array, sharing memory where the producer allows."""
    if isinstance(value, _np.ndarray):
        return value
    # PyTorch tensors that need grad or live on a GPU refuse DLPack export.
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu()
    if hasattr(value, "__dlpack__"):
        try:
            return _np.from_dlpack(value)
        except (TypeError, BufferError, RuntimeError):
            pass
    return _np.asarray(value)


def _convert(value, dtype, where):
    """Called by _core when an input is not already a dense array of the
    argument's dtype: returns a converted copy, or raises ValidationError
    when the conversion would lose meaning (floats to integers, integers
    out of range)."""
    try:
        arr = _as_numpy(value)
    except Exception as e:  # anything NumPy cannot read
        raise ValidationError(f"{where}: not an array ({e})") from None
    if arr.dtype == object:
        raise ValidationError(f"{where}: not a numeric array")
    if dtype == "":
        return _np.ascontiguousarray(arr)
    target = _NUMPY_DTYPES[dtype]
    src = arr.dtype
    if src != target:
        if target.kind in "iu" and src.kind in "iu":
            if arr.size:
                info = _np.iinfo(target)
                lo, hi = arr.min(), arr.max()
                if lo < info.min or hi > info.max:
                    bad = int(_np.flatnonzero((arr < info.min) |
                                              (arr > info.max))[0])
                    raise ValidationError(
                        f"{where}: value {arr.reshape(-1)[bad]} at flat "
                        f"index {bad} does not fit {dtype}")
        elif target.kind == "b" and src.kind != "b":
            raise ValidationError(
                f"{where}: dtype {src}, expected bool")
        elif not (_np.can_cast(src, target, "same_kind") or
                  (target.kind == "f" and src.kind in "iub")):
            raise ValidationError(
                f"{where}: dtype {src}, expected {dtype} (a cast would "
                "lose the values' meaning)")
    return _np.ascontiguousarray(arr, dtype=target)


_core._set_convert_hook(_convert)


class Module:
    """A compiled module: its entries, and the weights bound to their
    parameter inputs.

    ``module.entries`` maps each entry's name to a callable
    :class:`attnc.Entry`; ``module.NAME`` is the same entry. Call an entry
    with its data inputs, positionally (in ``entry.positional`` order) or
    by name; parameters come from the module's weights unless given. A
    single output comes back as a NumPy array, several as a dict by name.
    Entries may be called from several threads at once.

    With ``check_finite``, every call refuses a NaN or an infinity in any
    floating-point input (parameters included) with a ``ValidationError``
    naming the input and the element's flat index; without it such values
    flow through the kernels as docs/runtime.md describes.
    """

    def __init__(self, path, *, check_cpu=False, check_finite=False):
        self._core = _core.Module(_os.fspath(path), check_cpu, check_finite)
        self.entries = {e.name: e for e in self._core.entry_list}
        self.unused_weights = []  # set by load_weights and update_weights

    path = property(lambda self: self._core.path)
    target = property(lambda self: self._core.target,
                      doc="the Halide target the kernels were built for")
    device = property(lambda self: self._core.device)
    cpu_variant = property(
        lambda self: self._core.cpu_variant,
        doc="the kernels this CPU runs: 'avx512' or 'avx2' in a module "
            "built for several ISAs (attnc's default), else ''")
    cpu_features = property(lambda self: self._core.cpu_features)

    def __getattr__(self, name):
        entries = self.__dict__.get("entries", {})
        if name in entries:
            return entries[name]
        raise AttributeError(
            f"{self.path}: no entry '{name}' (entries: "
            f"{', '.join(entries)})")

    def __getitem__(self, name):
        try:
            return self.entries[name]
        except KeyError:
            raise NotFoundError(
                f"{self.path}: no entry '{name}' (entries: "
                f"{', '.join(self.entries)})") from None

    def __repr__(self):
        return (f"<attnc.Module {self.path!r} target={self.target!r} "
                f"entries={list(self.entries)}>")

    def load_weights(self, source, *, strict=True):
        """Weights from a .safetensors file, a folder of NAME.npy files or a
        dict of arrays (NumPy or DLPack), replacing the current ones. Each
        tensor's dtype and shape are checked against the entries that take
        it; with ``strict``, a tensor no entry takes is an error naming it.
        Either way :attr:`unused_weights` lists those tensors (a checkpoint's
        ``position_ids`` or ``pooler.*``)."""
        if isinstance(source, (str, bytes, _os.PathLike)):
            self._core.load_weights(_os.fspath(source))
        else:
            self._core.set_weights(dict(source), False)
        self.unused_weights = list(self._core.check_weights(strict))
        return self

    def update_weights(self, tensors, *, strict=True):
        """Adds or replaces the tensors of ``tensors`` (a dict)."""
        self._core.set_weights(dict(tensors), True)
        self.unused_weights = list(self._core.check_weights(strict))
        return self

    def init_weights(self, seed=0):
        """Initialises every parameter the weights lack, deterministically
        from ``seed`` (the rule each parameter's ``init`` names); returns
        how many were added."""
        return self._core.init_weights(seed)

    def save_weights(self, path):
        """Writes the weights as .safetensors (atomically)."""
        self._core.save_weights(_os.fspath(path))

    @property
    def weights(self):
        """Copies of the weights, by name."""
        return self._core.weights


def load(path, *, check_cpu=False, check_finite=False):
    """Loads a compiled module (.so). The file is checked before it is
    mapped; a module for CPU features this machine lacks loads (so that it
    can be inspected) and its calls refuse, unless ``check_cpu``. With
    ``check_finite`` its calls refuse NaN and Inf in float inputs."""
    return Module(path, check_cpu=check_cpu, check_finite=check_finite)


from . import gnn  # noqa: E402,F401  (needs Module and _convert)
