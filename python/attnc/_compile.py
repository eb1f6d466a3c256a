"""attnc.compile: runs the attnc compiler on a model description or attn IR
and loads the module, reusing an earlier result for the same input, flags
and compiler binary (a cache like attn-train's)."""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile

from . import _core

_SUFFIXES = (".yaml", ".yml", ".mlir", ".onnx")


class CompileError(_core.Error):
    """attnc refused the input. The message is attnc's first error line;
    ``log`` holds everything it printed."""

    def __init__(self, message, log=""):
        super().__init__(message)
        self.log = log


def compiler_path():
    """The attnc binary: $ATTNC_COMPILER, the one a wheel carries, the build
    tree's, or attnc on PATH."""
    env = os.environ.get("ATTNC_COMPILER")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, "bin", "attnc")]
    try:
        from . import _build_paths
        candidates.append(os.path.join(_build_paths.BIN_DIR, "attnc"))
    except ImportError:
        pass
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    found = shutil.which("attnc")
    if found:
        return found
    raise _core.NotFoundError(
        "cannot find the attnc compiler (set ATTNC_COMPILER, or build it: "
        "ninja -C build attnc)")


def cache_dir():
    """$ATTNC_CACHE_DIR, else $XDG_CACHE_HOME/attnc, else ~/.cache/attnc
    (the same as attn-train's)."""
    d = os.environ.get("ATTNC_CACHE_DIR")
    if d:
        return d
    d = os.environ.get("XDG_CACHE_HOME")
    if d:
        return os.path.join(d, "attnc")
    return os.path.join(os.path.expanduser("~"), ".cache", "attnc")


def _looks_like_mlir(text):
    return bool(re.search(r"^\s*(module\b|func\.func\b|//|#)", text, re.M)) \
        and "func.func" in text


def _first_error(log):
    lines = [ln for ln in log.splitlines() if ln.strip()]
    for ln in lines:
        if "error" in ln:
            return ln
    return lines[0] if lines else "attnc failed with no message"


def _run(compiler, source, output, flags):
    proc = subprocess.run([compiler, source, *flags, "-o", output],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        raise CompileError(_first_error(proc.stdout), proc.stdout)


def compile(source, *, target=None, train=False, output=None,
            cache=True):
    """Compiles ``source`` — the path of a model description (.yaml), attn
    IR (.mlir) or ONNX model, or the text of a description or of attn IR —
    into a module and loads it. An ONNX model's weights are written
    beside the module (.safetensors) and loaded with it.

    ``target`` is attnc's --target: by default attnc's own (x86-64-multi:
    AVX-512 and AVX2 kernels, the best picked on the CPU that runs it),
    "host" for this machine's CPU only (half the compile time), a Halide
    target string, "cuda"; ``train`` also emits each model's training
    entry (``<name>_train``). With ``output`` the module is written there;
    otherwise it is kept in the cache (see :func:`cache_dir`).
    """
    from . import Module

    compiler = compiler_path()
    flags = ([f"--target={target}"] if target else []) + (
        ["--train"] if train else [])
    is_path = isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source
        and source.endswith(_SUFFIXES))
    if is_path:
        path = os.fspath(source)
        if not os.path.exists(path):
            raise _core.NotFoundError(f"{path}: no such file")
        with open(path, "rb") as f:
            content = f.read()
        suffix = os.path.splitext(path)[1]
        stem = os.path.splitext(os.path.basename(path))[0]
    else:
        content = source.encode()
        suffix = ".mlir" if _looks_like_mlir(source) else ".yaml"
        stem = "module"
        path = None

    st = os.stat(compiler)
    key = hashlib.sha256(
        content + repr((suffix, flags, compiler, st.st_size,
                        st.st_mtime_ns)).encode()).hexdigest()[:16]
    if output is None and cache:
        directory = cache_dir()
        os.makedirs(directory, exist_ok=True)
        output = os.path.join(directory, f"py-{stem}-{key}.so")
        if os.path.exists(output):
            return _loaded(Module(output), output, suffix)
    elif output is None:
        directory = tempfile.mkdtemp(prefix="attnc-")
        output = os.path.join(directory, f"{stem}.so")
    output = os.fspath(output)

    with tempfile.TemporaryDirectory(prefix="attnc-compile-") as tmp:
        if path is None:
            path = os.path.join(tmp, f"{stem}{suffix}")
            with open(path, "wb") as f:
                f.write(content)
        # Written beside the destination and renamed: a failed or
        # concurrent compile never leaves a half-written module.
        out_dir = os.path.dirname(os.path.abspath(output))
        fd, temp = tempfile.mkstemp(prefix=".attnc-", suffix=".so",
                                    dir=out_dir)
        os.close(fd)
        # An ONNX model's weights come beside the module (.safetensors).
        temp_weights = _weights_beside(temp)
        try:
            _run(compiler, path, temp, flags)
            if os.path.exists(temp_weights):
                os.replace(temp_weights, _weights_beside(output))
            os.replace(temp, output)
        finally:
            for leftover in (temp, temp_weights):
                if os.path.exists(leftover):
                    os.unlink(leftover)
    return _loaded(Module(output), output, suffix)


def _weights_beside(module_path):
    return os.path.splitext(module_path)[0] + ".safetensors"


def _loaded(module, output, suffix):
    """An imported ONNX model comes with its trained weights bound."""
    weights = _weights_beside(output)
    if suffix == ".onnx" and os.path.exists(weights):
        module.load_weights(weights)
    return module
