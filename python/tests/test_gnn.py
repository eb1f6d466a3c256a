"""attnc.Graph and attnc.gnn.train on graphs made here (not one of the
built-in datasets): learning, identical losses to attn-train on the same
.npz, PyG-shaped objects, and every malformed input refused naming the key.
All graphs have 16 features and 3 classes, so one compiled module serves."""

import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import attnc

F, C = 16, 3


def community_graph(n=240, seed=0):
    """Three communities; features carry a weak class signal, edges mostly
    stay inside a community, so the graph helps."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, C, n)
    x = rng.standard_normal((n, F)).astype(np.float32)
    x[np.arange(n), y] += 0.8
    src = rng.integers(0, n, 6 * n)
    dst = np.where(rng.random(6 * n) < 0.85,
                   [rng.choice(np.flatnonzero(y == y[s])) for s in src],
                   rng.integers(0, n, 6 * n))
    perm = rng.permutation(n)
    train = np.zeros(n, bool)
    val = np.zeros(n, bool)
    test = np.zeros(n, bool)
    train[perm[:60]] = True
    val[perm[60:120]] = True
    test[perm[120:]] = True
    return dict(edge_index=np.stack([src, dst]).astype(np.int64), x=x,
                y=y.astype(np.int64), train_mask=train, val_mask=val,
                test_mask=test)


def attn_train():
    from attnc import _build_paths
    return os.path.join(_build_paths.BIN_DIR, "attn-train")


def test_trains_above_chance_on_a_graph_made_here():
    g = community_graph()
    r = attnc.gnn.train(graph=g["edge_index"], x=g["x"], y=g["y"],
                        train_mask=g["train_mask"], val_mask=g["val_mask"],
                        test_mask=g["test_mask"], epochs=100, progress=False)
    assert r.test_accuracy > 0.6  # chance is 1/3
    assert r.task["nodes"] == 240 and r.task["classes"] == C
    assert r.task["train_nodes"] == 60 and r.task["test_nodes"] == 120
    assert r.recipe == "pyg"  # the default for a user's graph
    assert len(r.history) == r.epochs_run and 1 <= r.best_epoch <= 100
    assert r.predictions.shape == (240,) and r.predictions.dtype == np.int32
    acc = (r.predictions[g["test_mask"]] == g["y"][g["test_mask"]]).mean()
    assert acc == pytest.approx(r.test_accuracy)
    assert r.weights["gat1.weight"].dtype == np.float32


def test_identical_losses_to_attn_train_on_the_same_npz(tmp_path):
    g = community_graph(seed=1)
    path = tmp_path / "g.npz"
    np.savez_compressed(path, **g)
    history = tmp_path / "h.json"
    subprocess.run([attn_train(), "--graph", str(path), "--epochs", "30",
                    "--seed", "4", "--history", str(history), "--quiet"],
                   check=True)
    cli = [e["train_loss"] for e in json.load(open(history))["history"]]
    py = attnc.gnn.train(graph=str(path), epochs=30, seed=4, progress=False)
    assert [e["train_loss"] for e in py.history] == cli
    arrays = attnc.gnn.train(graph=g["edge_index"], x=g["x"], y=g["y"],
                             train_mask=g["train_mask"],
                             val_mask=g["val_mask"], test_mask=g["test_mask"],
                             epochs=30, seed=4, progress=False)
    assert [e["train_loss"] for e in arrays.history] == cli


def test_pyg_shaped_objects_scipy_graphs_and_split_ratios():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    g = community_graph(seed=2)
    data = types.SimpleNamespace(**g, num_nodes=240)  # duck-typed PyG Data
    a = attnc.gnn.train(graph=data, epochs=5, progress=False)
    e = g["edge_index"]
    adj = scipy_sparse.coo_matrix((np.ones(e.shape[1]), (e[0], e[1])),
                                  shape=(240, 240))
    b = attnc.gnn.train(graph=attnc.Graph.from_scipy(adj), x=g["x"],
                        y=g["y"], train_mask=g["train_mask"],
                        val_mask=g["val_mask"], test_mask=g["test_mask"],
                        epochs=5, progress=False)
    assert a.task["source"] == "SimpleNamespace"
    # SciPy sums repeated edges into one entry; the trainer drops repeats.
    assert [h["train_loss"] for h in a.history] == \
        [h["train_loss"] for h in b.history]
    r = attnc.gnn.train(graph=e, x=scipy_sparse.csr_matrix(g["x"]), y=g["y"],
                        split_ratio=(0.5, 0.25, 0.25), split_seed=3,
                        epochs=5, progress=False)
    assert r.task["train_nodes"] + r.task["val_nodes"] + \
        r.task["test_nodes"] == 240
    assert "seed 3" in r.task["split"]


def test_graph_constructors_agree_and_refuse_bad_edges():
    e = np.array([[0, 0, 2, 3], [1, 2, 0, 3]])
    a = attnc.Graph(e, num_nodes=5)
    b = attnc.Graph.from_csr(np.array([0, 2, 2, 3, 4, 4]),
                             np.array([1, 2, 0, 3]))
    np.testing.assert_array_equal(a.edge_index, b.edge_index)
    assert (a.num_nodes, a.num_edges) == (5, 4)
    with pytest.raises(attnc.ValidationError,
                       match=r"edge 1 \(0 -> 9\): node 9 is out of range"):
        attnc.Graph(np.array([[0, 0], [1, 9]]), num_nodes=5)
    with pytest.raises(attnc.ValidationError, match=r"expected \[2, E\]"):
        attnc.Graph(np.zeros((3, 2), np.int64))
    with pytest.raises(attnc.ValidationError, match="expected integers"):
        attnc.Graph(np.zeros((2, 2)))
    with pytest.raises(attnc.ValidationError, match="indptr: not CSR"):
        attnc.Graph.from_csr(np.array([0, 3, 2]), np.array([0, 1]))


def broken(key, value):
    g = community_graph(n=30, seed=3)
    g[key] = value
    return g


@pytest.mark.parametrize("arrays,message", [
    (broken("edge_index", np.zeros((3, 4), np.int64)),
     r"key 'edge_index': shape \[3, 4\], expected \[2, E\]"),
    (broken("edge_index", np.array([[0, 1], [2, 30]])),
     r"key 'edge_index': edge 1 \(1 -> 30\).*out of range"),
    (broken("edge_index", np.array([[0.0, 1.0], [2.0, 3.0]])),
     "key 'edge_index'.*dtype"),
    (broken("x", np.zeros((29, F), np.float32)), "key 'x'"),
    (broken("y", np.full(30, -1)), "key 'y': node 0 has label -1"),
    (broken("test_mask", np.ones(30, bool)), "key 'test_mask'.*overlap|"
     "key 'test_mask'.*also in"),
    (broken("train_mask", np.zeros(30, bool)), "train.*no|empty"),
    (broken("val_mask", np.zeros((30, 2), bool)),
     r"key 'val_mask'.*2 splits; choose one with split=0..1"),
])
def test_malformed_graphs_are_refused_naming_the_key(arrays, message,
                                                     tmp_path):
    with pytest.raises(attnc.ValidationError, match=message):
        attnc.gnn.train(graph=arrays, epochs=1, progress=False)
    # The same arrays through a file, as attn-train reads them.
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(attnc.ValidationError, match="bad.npz"):
        attnc.gnn.train(graph=str(tmp_path / "bad.npz"), epochs=1,
                        progress=False)


def test_labels_beyond_num_classes_and_missing_graph():
    g = community_graph(n=30, seed=4)
    with pytest.raises(attnc.ValidationError,
                       match=r"label \d >= C = 2 \(num_classes=\)"):
        attnc.gnn.train(graph=g, num_classes=2, epochs=1, progress=False)
    with pytest.raises(attnc.ValidationError, match="no graph"):
        attnc.gnn.train(x=g["x"], y=g["y"], epochs=1, progress=False)
    with pytest.raises(ValueError, match="'gcn' is neither gat, mlp"):
        attnc.gnn.train(model="gcn", graph=g, epochs=1, progress=False)


def test_plot_draws_curves_or_says_what_is_missing(tmp_path, monkeypatch):
    g = community_graph(n=60, seed=5)
    r = attnc.gnn.train(graph=g, epochs=8, progress=False)
    try:
        import matplotlib  # noqa: F401
        r.plot(tmp_path / "curves.png")
        assert (tmp_path / "curves.png").read_bytes()[:8] == \
            b"\x89PNG\r\n\x1a\n"
    except ImportError:
        pass
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(attnc.Error, match="needs matplotlib"):
        r.plot(tmp_path / "other.png")
    r.save_weights(tmp_path / "w.safetensors")
    assert (tmp_path / "w.safetensors").stat().st_size > 0


def test_attn_train_plot_writes_the_same_picture(tmp_path):
    pytest.importorskip("matplotlib")
    g = community_graph(n=60, seed=6)
    np.savez(tmp_path / "g.npz", **g)
    subprocess.run([attn_train(), "--graph", str(tmp_path / "g.npz"),
                    "--epochs", "5", "--plot", str(tmp_path / "c.png"),
                    "--quiet"], check=True)
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert set(os.listdir(tmp_path)) == {"g.npz", "c.png"}  # no leftovers
