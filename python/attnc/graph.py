"""attnc.Graph: a directed graph as PyTorch Geometric's ``edge_index``
(``[2, E]``, row 0 sources, row 1 targets), built from an edge index, CSR
arrays or a SciPy sparse matrix, checked when it is made."""

import numpy as np

from . import _core


def _ints(name, value):
    from . import _as_numpy
    arr = _as_numpy(value)
    if arr.dtype.kind not in "iu":
        raise _core.ValidationError(
            f"attnc.Graph: {name}: dtype {arr.dtype}, expected integers")
    return arr.astype(np.int64, copy=False)


class Graph:
    """A graph of ``num_nodes`` nodes and the edges of ``edge_index``."""

    def __init__(self, edge_index, num_nodes=None):
        e = _ints("edge_index", edge_index)
        if e.ndim != 2 or e.shape[0] != 2:
            raise _core.ValidationError(
                f"attnc.Graph: edge_index: shape {list(e.shape)}, expected "
                "[2, E] (row 0 sources, row 1 targets)")
        if num_nodes is None:
            num_nodes = int(e.max()) + 1 if e.size else 0
        num_nodes = int(num_nodes)
        if e.size:
            bad = np.flatnonzero((e < 0).any(axis=0) |
                                 (e >= num_nodes).any(axis=0))
            if bad.size:
                i = int(bad[0])
                s, t = int(e[0, i]), int(e[1, i])
                node = s if not 0 <= s < num_nodes else t
                raise _core.ValidationError(
                    f"attnc.Graph: edge_index: edge {i} ({s} -> {t}): node "
                    f"{node} is out of range (0..{num_nodes - 1})")
        self.edge_index = np.ascontiguousarray(e)
        self.num_nodes = num_nodes

    @property
    def num_edges(self):
        return int(self.edge_index.shape[1])

    @classmethod
    def from_edge_index(cls, edge_index, num_nodes=None):
        return cls(edge_index, num_nodes)

    @classmethod
    def from_csr(cls, indptr, indices, num_nodes=None):
        """Row i of the CSR lists the targets of node i's out-edges (as
        ``scipy.sparse.csr_matrix`` stores an adjacency matrix A[s, t])."""
        p = _ints("indptr", indptr)
        j = _ints("indices", indices)
        if p.ndim != 1 or p.size == 0 or p[0] != 0 or \
                (np.diff(p) < 0).any() or p[-1] != j.size:
            raise _core.ValidationError(
                "attnc.Graph: indptr: not CSR offsets (start at 0, never "
                f"decrease, end at len(indices) = {j.size})")
        rows = p.size - 1
        sources = np.repeat(np.arange(rows, dtype=np.int64), np.diff(p))
        return cls(np.stack([sources, j]),
                   rows if num_nodes is None else num_nodes)

    @classmethod
    def from_scipy(cls, matrix):
        """From a square SciPy sparse adjacency matrix (any format): an
        edge s -> t for every stored A[s, t]."""
        if matrix.shape[0] != matrix.shape[1]:
            raise _core.ValidationError(
                f"attnc.Graph: adjacency matrix of shape {matrix.shape} is "
                "not square")
        coo = matrix.tocoo()
        return cls(np.stack([coo.row.astype(np.int64),
                             coo.col.astype(np.int64)]), matrix.shape[0])

    @classmethod
    def coerce(cls, value):
        """A Graph from whatever a caller passed: a Graph, an object with
        ``edge_index`` (a PyG Data), a SciPy sparse matrix or an array."""
        if isinstance(value, Graph):
            return value
        if hasattr(value, "tocoo") and hasattr(value, "shape"):
            return cls.from_scipy(value)
        if hasattr(value, "edge_index"):
            return cls(value.edge_index, getattr(value, "num_nodes", None))
        return cls(value)

    def __repr__(self):
        return f"<attnc.Graph {self.num_nodes} nodes, {self.num_edges} edges>"
