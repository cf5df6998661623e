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

    Nodes are numbered splits first, then leaves; a leaf leads to itself, so every row can take
    as many steps as the deepest tree has.
    """

    def __init__(self, data: dict) -> None:
        #: The features the splits ask about; a split's ``feature`` is an index into it.
        self.features: tuple[str, ...] = tuple(data["features"])
        feature = numpy.asarray(data["feature"], dtype=numpy.int32)
        present = numpy.asarray(data["present"], dtype=numpy.int32)
        absent = numpy.asarray(data["absent"], dtype=numpy.int32)
        self.values = numpy.asarray(data["values"], dtype=float)
        self.roots = numpy.asarray(data["roots"], dtype=numpy.int32)
        if not (len(feature) == len(present) == len(absent)):
            raise ValueError("the trees' feature, present and absent lists differ in length")
        splits, leaves = len(feature), len(self.values)
        nodes = splits + leaves
        for name, children in (("present", present), ("absent", absent), ("roots", self.roots)):
            if len(children) and (children.min() < 0 or children.max() >= nodes):
                raise ValueError(f"a node of the trees' {name} list is neither a split nor a leaf")
        if splits and (feature.min() < 0 or feature.max() >= len(self.features)):
            raise ValueError("a split of the trees asks about a feature they do not list")
        # a leaf asks about the column past the features, which is never present, and leads to itself
        self._feature = numpy.concatenate([feature, numpy.full(leaves, len(self.features), dtype=numpy.int32)])
        itself = numpy.arange(splits, nodes, dtype=numpy.int32)
        self._present = numpy.concatenate([present, itself])
        self._absent = numpy.concatenate([absent, itself])
        # node 2n + 1: where node n leads when its feature is present; 2n: when absent
        self._child = numpy.stack([self._absent, self._present], axis=1).ravel()
        self._splits = splits
        self.depth = _depth(self.roots, present, absent, splits)
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
        return {"features": list(self.features), "feature": self._feature[: self._splits].tolist(),
                "present": self._present[: self._splits].tolist(), "absent": self._absent[: self._splits].tolist(),
                "values": self.values.tolist(), "roots": self.roots.tolist()}

    def columns(self, features: Iterable[str]) -> list[int]:
        """The columns of the ``features`` the trees ask about."""
        found = set(map(self._column.get, features))
        found.discard(None)
        return list(found)

    def raw_of_present(self, present: numpy.ndarray) -> numpy.ndarray:
        """The sum of the trees' leaves (the margin of a binary model) for each row of ``present``,
        a boolean matrix of rows x (:attr:`features` + 1), whose last column is never set."""
        n = len(present)
        if not n or not len(self.roots):
            return numpy.zeros(n)
        flat = present.view(numpy.uint8).ravel()
        base = (numpy.arange(n, dtype=numpy.intp) * present.shape[1])[:, None]
        node = numpy.broadcast_to(self.roots, (n, len(self.roots))).astype(numpy.intp)
        for _ in range(self.depth):
            node = self._child[2 * node + flat[base + self._feature[node]]]
            if node.min() >= self._splits:  # every row has reached its leaf in every tree
                break
        return self.values[node - self._splits].sum(axis=1)

    def present(self, rows: int) -> numpy.ndarray:
        """An empty :meth:`raw_of_present` matrix for ``rows`` rows."""
        return numpy.zeros((rows, len(self.features) + 1), dtype=bool)

    def raw(self, bags: Iterable[Iterable[str]]) -> numpy.ndarray:
        """The trees' margin for each bag of features."""
        bags = list(bags)
        present = self.present(len(bags))
        for i, bag in enumerate(bags):
            present[i, self.columns(bag)] = True
        return self.raw_of_present(present)

    def probability(self, bags: Iterable[Iterable[str]]) -> numpy.ndarray:
        """The probability of each bag of features (the logistic function of :meth:`raw`)."""
        return sigmoid(self.raw(bags))


def sigmoid(z: numpy.ndarray) -> numpy.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + numpy.exp(-z))


def _depth(roots: numpy.ndarray, present: numpy.ndarray, absent: numpy.ndarray, splits: int) -> int:
    """The most splits on a path from a root to a leaf."""
    deepest, level, nodes = 0, 0, [int(r) for r in roots if r < splits]
    while nodes:
        level += 1
        deepest = level
        nodes = [int(c) for n in nodes for c in (present[n], absent[n]) if c < splits]
    return deepest
