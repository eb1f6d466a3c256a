"""GNN node classification on your own graph.

    import attnc
    r = attnc.gnn.train(graph=edge_index, x=x, y=y, train_mask=tr,
                        val_mask=va, test_mask=te)
    print(r.test_accuracy); r.plot("curves.png")

The model is compiled and trained exactly as ``attn-train --graph`` does
(one C++ trainer, the same compiled training step): for the same arrays and
seed both give the same losses. Anything with ``edge_index``, ``x``, ``y``
and masks (a PyTorch Geometric ``Data``) can be passed as ``graph``.
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import _core
from ._compile import cache_dir, compiler_path
from .graph import Graph

_MASKS = ("train_mask", "val_mask", "test_mask")


@dataclass
class TrainResult:
    """What :func:`train` returns. ``history`` holds one dict per epoch
    (epoch, train_loss, train_accuracy, val_loss, val_accuracy,
    test_accuracy, step_ms); accuracies and ``predictions`` are those of
    the restored best checkpoint (epoch ``best_epoch``)."""

    history: list
    best_epoch: int
    epochs_run: int
    train_accuracy: float
    val_accuracy: float
    val_loss: float
    test_accuracy: float
    predictions: np.ndarray
    weights: dict
    task: dict
    recipe: str
    model: str
    module: str
    mean_epoch_ms: float
    median_epoch_ms: float
    extra: dict = field(default_factory=dict, repr=False)

    def plot(self, path):
        """Draws loss and accuracy per epoch to ``path`` (matplotlib)."""
        from .plot import plot_history
        plot_history(self.history, path,
                     f"{self.model} on {self.task['name']}: test accuracy "
                     f"{self.test_accuracy:.4f}", self.best_epoch)

    def save_weights(self, path):
        """Writes the trained parameters as .safetensors."""
        _core.save_weights(self.weights, os.fspath(path),
                           {"attnc.model": self.model,
                            "attnc.dataset": self.task["name"],
                            "attnc.best_epoch": str(self.best_epoch)})


def _progress(enabled, epochs):
    if not enabled:
        return None, None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=epochs, desc="attnc.gnn.train", unit="epoch",
                   leave=False)

        def update(e):
            bar.update(1)
            if e["epoch"] % 10 == 0:
                bar.set_postfix(loss=f"{e['train_loss']:.3f}",
                                val=f"{e['val_accuracy']:.3f}",
                                refresh=False)
        return update, bar.close
    if not sys.stderr.isatty():
        return None, None

    def update(e):
        if e["epoch"] % 10 == 0:
            done = int(20 * e["epoch"] / epochs)
            sys.stderr.write(
                f"\repoch {e['epoch']}/{epochs} [{'#' * done}"
                f"{'.' * (20 - done)}] loss {e['train_loss']:.4f} "
                f"val {e['val_accuracy']:.3f}\x1b[K")
    return update, lambda: sys.stderr.write("\n")


def _arrays(graph, x, y, masks):
    """The PyG-keyed arrays the trainer reads (GraphInput's keys)."""
    from . import _as_numpy
    if isinstance(graph, (str, os.PathLike)):
        arrays = load_graph(graph)
        source = os.fspath(graph)
    elif isinstance(graph, Mapping):  # PyG's keys, as a .npz holds them
        arrays = dict(graph)
        source = "arrays"
    else:
        arrays = {}
        source = "arrays"
        if graph is not None and not isinstance(graph, Graph) and \
                hasattr(graph, "edge_index"):
            # A PyG Data or anything shaped like it.
            source = type(graph).__name__
            for key in ("x", "y") + _MASKS:
                v = getattr(graph, key, None)
                if v is not None:
                    arrays[key] = v
        if isinstance(graph, Graph) or hasattr(graph, "tocoo"):
            arrays["edge_index"] = Graph.coerce(graph).edge_index
        elif hasattr(graph, "edge_index"):
            arrays["edge_index"] = graph.edge_index
        elif graph is not None:  # an edge_index; the trainer checks it
            arrays["edge_index"] = graph
    for key, value in (("x", x), ("y", y)) + tuple(masks.items()):
        if value is not None:
            arrays[key] = value
    if "edge_index" not in arrays:
        raise _core.ValidationError(
            "attnc.gnn.train: no graph (graph= an edge_index, attnc.Graph, "
            "SciPy matrix, PyG Data or .npz path)")
    feats = arrays.get("x")
    if feats is not None and hasattr(feats, "tocsr") and \
            hasattr(feats, "shape"):  # SciPy sparse features
        csr = feats.tocsr()
        del arrays["x"]
        arrays.update(x_indptr=csr.indptr.astype(np.int64),
                      x_indices=csr.indices.astype(np.int64),
                      x_data=csr.data.astype(np.float32),
                      x_shape=np.array(csr.shape, dtype=np.int64))
    out = {}
    for k, v in arrays.items():
        a = _as_numpy(v)
        out[k] = np.ascontiguousarray(a)
    return out, source


def load_graph(path):
    """The arrays of a .npz (numpy.savez) or a folder of NAME.npy files, by
    key: what ``attn-train --graph`` and ``--export`` read and write."""
    path = os.fspath(path)
    if os.path.isdir(path):
        return {f[:-4]: np.load(os.path.join(path, f), allow_pickle=False)
                for f in sorted(os.listdir(path)) if f.endswith(".npy")}
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise _core.ValidationError(f"{path}: cannot read: {e}") from None


def train(model="gat", graph=None, x=None, y=None, train_mask=None,
          val_mask=None, test_mask=None, *, epochs=1000, patience=100,
          lr=0.005, weight_decay=5e-4, seed=1, recipe="auto",
          undirected=False, self_loops=False, normalize_features="none",
          split=None, split_ratio=None, split_seed=0, num_classes=None,
          dense_features=False, target="host", progress=True,
          module=None):
    """Trains ``model`` ("gat", "mlp" or a model description .yaml with
    ${NAME}, ${FEATURES}, ${CLASSES}, ${LAYOUT}, ${FEATURE_DROPOUT}) for
    node classification on a graph and returns a :class:`TrainResult`.

    ``graph``: an ``edge_index`` ([2, E], row 0 sources, row 1 targets), an
    :class:`attnc.Graph`, a SciPy sparse adjacency matrix, a PyG ``Data``
    (its x, y and masks are used unless given) or the path of a .npz or
    folder with PyG's keys. ``x``: [N, F] floats (or SciPy sparse); ``y``:
    [N] classes 0..C-1; masks: [N] bools, or [N, K] with ``split=k``; or
    none, with ``split_ratio="0.6/0.2/0.2"`` (stratified, ``split_seed``).
    The other options are attn-train's (docs/gnn-tasks.md); every bad
    array raises attnc.ValidationError naming the key and position.
    """
    arrays, source = _arrays(graph, x, y, {
        "train_mask": train_mask, "val_mask": val_mask,
        "test_mask": test_mask})
    if split_ratio is not None and not isinstance(split_ratio, str):
        split_ratio = "/".join(str(float(f)) for f in split_ratio)
    graph_options = {
        "undirected": bool(undirected), "self_loops": bool(self_loops),
        "normalize_features": normalize_features,
        "split": -1 if split is None else int(split),
        "split_ratio": split_ratio or "", "split_seed": int(split_seed),
        "num_classes": 0 if num_classes is None else int(num_classes)}
    model_options = {
        "model": os.fspath(model), "recipe": recipe,
        "dense_features": bool(dense_features),
        "attnc": compiler_path() if module is None else "",
        "cache_dir": cache_dir(), "target": target,
        "module": "" if module is None else os.fspath(module)}
    train_options = {"epochs": int(epochs), "patience": int(patience),
                     "lr": float(lr), "weight_decay": float(weight_decay),
                     "seed": int(seed)}
    update, close = _progress(progress, int(epochs))
    try:
        r = _core.train_graph(arrays, source, graph_options, model_options,
                              train_options, update)
    finally:
        if close:
            close()
    return TrainResult(
        history=r["history"], best_epoch=r["best_epoch"],
        epochs_run=r["epochs_run"],
        train_accuracy=r["train"]["accuracy"],
        val_accuracy=r["val"]["accuracy"], val_loss=r["val"]["loss"],
        test_accuracy=r["test"]["accuracy"], predictions=r["predictions"],
        weights=r["weights"], task=r["task"], recipe=r["recipe"],
        model=r["model"], module=r["module"],
        mean_epoch_ms=r["mean_epoch_ms"],
        median_epoch_ms=r["median_epoch_ms"],
        extra={"entry": r["entry"],
               "mean_inference_ms": r["mean_inference_ms"]})
