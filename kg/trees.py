"""Gradient-boosted trees over a pair's present features, read with numpy.

kg's pair classifier averages a logistic regression with a binary gradient-boosted model
of a partnership (:func:`kg.train.gradient_boosting`, LightGBM). Every feature of a pair is
present or absent, so each split of a tree asks one question, "is feature f present?", and
a tree is three arrays: the feature of each split and the node it leads to when the feature
is present and when it is absent. The model file stores those arrays (JSON data: nothing in it
is executed), and a build reads them with numpy, all the candidates of a document through all
the trees at once, with neither LightGBM nor its OpenMP threads in the build (a forked worker
hangs in an OpenMP pool its parent started).

>>> trees = Trees.from_dump({"tree_info": [{"tree_structure": {"split_feature": 0, "threshold": 1e-35,
...     "decision_type": "<=", "default_left": True, "missing_type": "None",
...     "left_child": {"leaf_value": -1.0}, "right_child": {"leaf_value": 2.0}}}]}, ["rule:alliance"])
>>> trees.raw([["rule:alliance"], ["btw:and"]]).tolist()
[2.0, -1.0]
"""
from __future__ import annotations

from collections import deque
from typing import Iterable, Sequence

import numpy


class Trees:
    """Trees of splits on present features, and the value of each leaf.

    A build reads them as QuickScorer does (Lucchese et al., SIGIR 2015): a tree's leaves are
    numbered left to right, the absent side of each split on the left, and a bit mask per split
    keeps the leaves a pair can still reach when the split's feature is present (all but those of
    its absent side). A pair's leaf in a tree is the lowest bit left after the masks of the splits
    on its present features: only those splits are read, a handful of a pair's features, where
    walking the trees would read every split on the way down (a tree of sparse features is deep).
    """

    #: The most leaves a tree may have: a bit each in a mask of 64.
    MAX_LEAVES = 64
    #: Bags read at once (:meth:`raw_of_entries`).
    BLOCK = 2048

    def __init__(self, data: dict) -> None:
        #: The features the splits ask about; a split's ``feature`` is an index into it.
        self.features: tuple[str, ...] = tuple(data["features"])
        feature = numpy.asarray(data["feature"], dtype=numpy.intp)
        present = numpy.asarray(data["present"], dtype=numpy.intp)
        absent = numpy.asarray(data["absent"], dtype=numpy.intp)
        values = numpy.asarray(data["values"], dtype=float)
        roots = numpy.asarray(data["roots"], dtype=numpy.intp)
        if not (len(feature) == len(present) == len(absent)):
            raise ValueError("the trees' feature, present and absent lists differ in length")
        splits, nodes = len(feature), len(feature) + len(values)
        for name, children in (("present", present), ("absent", absent), ("roots", roots)):
            if len(children) and (children.min() < 0 or children.max() >= nodes):
                raise ValueError(f"a node of the trees' {name} list is neither a split nor a leaf")
        if splits and (feature.min() < 0 or feature.max() >= len(self.features)):
            raise ValueError("a split of the trees asks about a feature they do not list")
        self._data = {"feature": feature, "present": present, "absent": absent, "values": values, "roots": roots}
        tree_of = numpy.zeros(splits, dtype=numpy.intp)
        masks = numpy.zeros(splits, dtype=numpy.uint64)
        owner = numpy.full(splits, -1, dtype=numpy.intp)
        # the value of each tree's leaves, left to right (absent sides first)
        self._values = numpy.zeros((len(roots), self.MAX_LEAVES))
        for t, root in enumerate(roots.tolist()):
            leaves: list[int] = []
            seen = 0
            stack: list[tuple[int, bool]] = [(root, False)]
            while stack:  # depth first, absent side first; a split's mask is set once its absent side is numbered
                node, after_absent = stack.pop()
                if node >= splits:
                    leaves.append(node - splits)
                elif after_absent:
                    kept = (1 << self.MAX_LEAVES) - 1 - ((1 << len(leaves)) - (1 << int(tree_of[node])))
                    masks[node] = kept
                    stack.append((int(present[node]), False))
                else:
                    seen += 1
                    if seen > splits:
                        raise ValueError("the trees' splits lead back to one another")
                    tree_of[node] = len(leaves)  # where its absent side starts, until its mask is set
                    stack.append((node, True))
                    stack.append((int(absent[node]), False))
                if len(leaves) > self.MAX_LEAVES:
                    raise ValueError(f"a tree has more than {self.MAX_LEAVES} leaves")
            self._values[t, : len(leaves)] = values[leaves]
            for node in _splits_under(root, present, absent, splits):
                if owner[node] >= 0:
                    raise ValueError("two of the trees share a split")
                owner[node] = tree_of[node] = t
        # the splits on each feature, as rows of a sparse matrix: feature c's are _nodes[_first[c]:_first[c + 1]]
        order = numpy.argsort(feature, kind="stable")
        self._nodes = order
        self._first = numpy.searchsorted(feature[order], numpy.arange(len(self.features) + 1))
        self._tree_of = tree_of
        # where each tree's leaves start in the flattened _values
        self._offsets = numpy.arange(len(roots), dtype=numpy.intp) * self.MAX_LEAVES
        self._masks = masks
        self._column = {f: i for i, f in enumerate(self.features)}

    @classmethod
    def from_dump(cls, dump: dict, columns: Sequence[str]) -> "Trees":
        """The trees of a LightGBM model's ``dump_model()``, trained on a matrix whose column ``i`` is
        the feature ``columns[i]``, present 1 and absent 0 (a numerical split ``<=`` on it)."""
        features: dict[str, int] = {}
        feature, present, absent, values, roots = [], [], [], [], []
        # (node, the list its number goes in, where), breadth first
        pending: deque[tuple[dict, list[int], int]] = deque()
        splits: list[dict] = []
        leaves: list[dict] = []
        order: list[tuple[dict, list[int], int]] = []
        same: list[int] = []
        for tree in dump["tree_info"]:
            roots.append(-1)
            pending.append((tree["tree_structure"], roots, len(roots) - 1))
        while pending:
            node, into, at = pending.popleft()
            order.append((node, into, at))
            if "leaf_value" in node and "split_feature" not in node:
                leaves.append(node)
                continue
            if node.get("decision_type", "<=") != "<=":
                raise ValueError(f"a split of the trees is {node['decision_type']!r}, not a numerical '<='")
            splits.append(node)
            name = columns[node["split_feature"]]
            feature.append(features.setdefault(name, len(features)))
            present.append(-1)
            absent.append(-1)
            k = len(splits) - 1
            one_left = 1.0 <= node["threshold"]
            zero_left = node["default_left"] if node.get("missing_type") == "Zero" else 0.0 <= node["threshold"]
            children = {True: node["left_child"], False: node["right_child"]}
            pending.append((children[one_left], present, k))
            if zero_left == one_left:  # a split both values pass the same way leads on to one child
                same.append(k)
            else:
                pending.append((children[zero_left], absent, k))
        number = {id(n): k for k, n in enumerate(splits)}
        number.update({id(n): len(splits) + k for k, n in enumerate(leaves)})
        for node, into, at in order:
            into[at] = number[id(node)]
        for k in same:
            absent[k] = present[k]
        values = [float(leaf["leaf_value"]) for leaf in leaves]
        return cls({"features": list(features), "feature": feature, "present": present, "absent": absent,
                    "values": values, "roots": roots})

    def to_data(self) -> dict:
        """The trees as a model file stores them (what :class:`Trees` reads back)."""
        return {"features": list(self.features), **{k: v.tolist() for k, v in self._data.items()}}

    def columns(self, features: Iterable[str]) -> list[int]:
        """The columns of the ``features`` the trees ask about."""
        found = set(map(self._column.get, features))
        found.discard(None)
        return list(found)

    def reach(self, rows: numpy.ndarray, columns: numpy.ndarray, n: int,
              start: numpy.ndarray | None = None) -> numpy.ndarray:
        """The leaves each of ``n`` bags of features can still reach in each tree (bags x trees bit
        masks) after the splits on its features, given as entries: bag ``rows[i]`` has the feature in
        column ``columns[i]`` (a bag may have a column more than once). ``start``: the masks to narrow
        (in place; default: every leaf reachable)."""
        trees = len(self._values)
        reach = numpy.full((n, trees), _ALL, dtype=numpy.uint64) if start is None else start
        columns = numpy.asarray(columns, dtype=numpy.intp)
        counts = self._first[columns + 1] - self._first[columns]
        total = int(counts.sum())
        if total:
            # every split on each entry's feature: its place in _nodes
            which = numpy.repeat(self._first[columns] - numpy.cumsum(counts) + counts, counts) + numpy.arange(total)
            node = self._nodes[which]
            keys = numpy.repeat(numpy.asarray(rows, dtype=numpy.intp), counts) * trees + self._tree_of[node]
            numpy.bitwise_and.at(reach.reshape(-1), keys, self._masks[node])
        return reach

    def raw_of_reach(self, reach: numpy.ndarray) -> numpy.ndarray:
        """The sum of the trees' leaves (the margin of a binary model) of each row of :meth:`reach`:
        in each tree, the leftmost leaf the row can still reach."""
        lowest = reach & (~reach + numpy.uint64(1))
        leaf = numpy.frexp(lowest.astype(float))[1] - 1
        return self._values.reshape(-1)[leaf + self._offsets].sum(axis=1)

    def raw_of_entries(self, rows: numpy.ndarray, columns: numpy.ndarray, n: int) -> numpy.ndarray:
        """The trees' margin of each of ``n`` bags of features given as entries (:meth:`reach`)."""
        rows = numpy.asarray(rows, dtype=numpy.intp)
        columns = numpy.asarray(columns, dtype=numpy.intp)
        order = numpy.argsort(rows, kind="stable")
        rows, columns = rows[order], columns[order]
        out = numpy.zeros(n)
        cuts = numpy.searchsorted(rows, numpy.arange(0, n + self.BLOCK, self.BLOCK))
        for first, a, b in zip(range(0, n, self.BLOCK), cuts, cuts[1:]):  # a long document's bags in blocks
            out[first:first + self.BLOCK] = self.raw_of_reach(
                self.reach(rows[a:b] - first, columns[a:b], min(self.BLOCK, n - first)))
        return out

    def raw(self, bags: Iterable[Iterable[str]]) -> numpy.ndarray:
        """The trees' margin for each bag of features."""
        rows: list[int] = []
        columns: list[int] = []
        n = 0
        for n, bag in enumerate(bags, 1):
            found = self.columns(bag)
            rows += [n - 1] * len(found)
            columns += found
        return self.raw_of_entries(numpy.array(rows, dtype=numpy.intp), numpy.array(columns, dtype=numpy.intp), n)

    def probability(self, bags: Iterable[Iterable[str]]) -> numpy.ndarray:
        """The probability of each bag of features (the logistic function of :meth:`raw`)."""
        return sigmoid(self.raw(bags))


_ALL = numpy.iinfo(numpy.uint64).max


def sigmoid(z: numpy.ndarray) -> numpy.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + numpy.exp(-z))


def _splits_under(root: int, present: numpy.ndarray, absent: numpy.ndarray, splits: int) -> list[int]:
    """The splits of the tree from ``root``."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node < splits:
            found.append(node)
            stack += {int(present[node]), int(absent[node])}  # once where both answers lead on to one node
    return found
