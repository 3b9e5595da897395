"""The indicator hierarchy: an index of any depth, loaded from a CSV.

CSV columns: ``id,parent,weight,direction,name_zh,name_en`` (required) plus any optional
columns (``unit``, ``description_zh``, ``description_en``, ...), which are kept in ``Node.extra``.
The root has an empty parent; ``direction`` is 1 (higher is better) or -1 (lower is better);
weights are relative within a parent and may use any positive scale (the CAICT report's
"totals 100 per level" works as it is).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import FrameworkError
from .names import did_you_mean as _did_you_mean
from .names import key as _key

#: Node ids that would collide with the columns of the score tables (``region``, ``rank``).
RESERVED_IDS = ("region", "rank")
#: Largest framework accepted (nodes; any depth up to the number of nodes).
MAX_NODES = 5000


def _num(text: str) -> float:
    """A number written in a cell, or NaN (``float`` of the text, overflow included)."""
    try:
        return float(text)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def _short(text, n: int = 60) -> str:
    """Text from outside (a file, a link) cut to ``n`` characters for a message."""
    t = str(text)
    return t if len(t) <= n else t[: n - 1] + "…"

REQUIRED_COLUMNS = ("id", "parent", "weight", "direction", "name_zh", "name_en")


@dataclass(frozen=True)
class Node:
    id: str
    parent: str | None
    weight: float
    direction: int
    name_zh: str
    name_en: str
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class Framework:
    """A frozen indicator hierarchy.

    Build it with :func:`load_framework`. Every query is cheap: the tree is indexed once.
    """

    __slots__ = ("_nodes", "_children", "_root", "_leaves", "_levels", "_alias", "_source",
                 "_global", "_depth")

    def __init__(self, nodes: tuple[Node, ...], source: str | None = None):
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_nodes", {n.id: n for n in nodes})
        _validate(nodes, source)
        children: dict[str, list[str]] = {n.id: [] for n in nodes}
        root = None
        for n in nodes:
            if n.parent is None:
                root = n.id
            else:
                children[n.parent].append(n.id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})
        object.__setattr__(self, "_root", root)
        # depth-first order for leaves and breadth levels for non-leaf nodes
        levels, depth = [], {}
        frontier = [root]
        d = 0
        while frontier:
            internal = [i for i in frontier if self._children[i]]
            for i in frontier:
                depth[i] = d
            if internal:
                levels.append(tuple(internal))
            frontier = [c for i in frontier for c in self._children[i]]
            d += 1

        object.__setattr__(self, "_leaves", _leaves_below(self._children, root))
        object.__setattr__(self, "_levels", tuple(levels))
        object.__setattr__(self, "_depth", depth)
        alias: dict[str, str] = {}
        for n in nodes:  # ids first: an id always means its own node
            alias.setdefault(_key(n.id), n.id)
        for n in nodes:
            for k in (n.name_zh, n.name_en):
                if k:
                    alias.setdefault(_key(k), n.id)
        object.__setattr__(self, "_alias", alias)
        local = {}
        for p, kids in self._children.items():
            if kids:
                w = np.array([self._nodes[k].weight for k in kids], dtype=float)
                for k, v in zip(kids, w / w.sum()):
                    local[k] = float(v)
        gw = pd.Series(1.0, index=list(self._leaves))
        vals = []
        for leaf in self._leaves:
            w, node = 1.0, leaf
            while self._nodes[node].parent is not None:
                w *= local[node]
                node = self._nodes[node].parent
            vals.append(w)
        gw[:] = vals
        object.__setattr__(self, "_global", gw)

    def __setattr__(self, key, value):
        raise AttributeError("Framework is immutable; use with_weights() to derive a new one")

    def __eq__(self, other):
        return isinstance(other, Framework) and tuple(self._nodes.values()) == tuple(other._nodes.values())

    def __hash__(self):
        return hash(tuple((n.id, n.parent, n.weight, n.direction) for n in self._nodes.values()))

    def __repr__(self):
        return (f"Framework(root={self._root!r}, nodes={len(self._nodes)}, "
                f"leaves={len(self._leaves)}, depth={len(self._levels)})")

    # -- structure ---------------------------------------------------------------------------
    @property
    def root(self) -> str:
        return self._root

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._nodes)

    @property
    def nodes(self) -> tuple[Node, ...]:
        return tuple(self._nodes.values())

    @property
    def leaves(self) -> tuple[str, ...]:
        return self._leaves

    @property
    def levels(self) -> tuple[tuple[str, ...], ...]:
        """Non-leaf ids by depth, root first."""
        return self._levels

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Non-leaf ids, root first then each level in framework order."""
        return tuple(i for lvl in self._levels for i in lvl)

    @property
    def pillars(self) -> tuple[str, ...]:
        """The root's children."""
        return self._children[self._root]

    def children(self, node_id: str) -> tuple[str, ...]:
        return self._children[self._check(node_id)]

    def parent(self, node_id: str) -> str | None:
        return self._nodes[self._check(node_id)].parent

    def node(self, node_id: str) -> Node:
        return self._nodes[self._check(node_id)]

    def depth(self, node_id: str) -> int:
        return self._depth[self._check(node_id)]

    def is_leaf(self, node_id: str) -> bool:
        return not self._children[self._check(node_id)]

    def leaves_under(self, node_id: str) -> tuple[str, ...]:
        return _leaves_below(self._children, self._check(node_id))

    def ancestor_at(self, node_id: str, depth: int) -> str:
        """The ancestor of ``node_id`` at ``depth`` (0 = root)."""
        while self._depth[node_id] > depth:
            node_id = self._nodes[node_id].parent
        return node_id

    def name(self, node_id: str, lang: str = "zh") -> str:
        n = self.node(node_id)
        return (n.name_zh if lang == "zh" else n.name_en) or n.id

    @property
    def direction_array(self) -> np.ndarray:
        """Directions of the leaves (+1/-1) in leaf order, as a read-only array."""
        a = np.array([self._nodes[i].direction for i in self._leaves], dtype=float)
        a.flags.writeable = False
        return a

    def child_weights(self, parent: str) -> np.ndarray:
        """Raw weights of ``parent``'s children in framework order (not normalised)."""
        return np.array([self._nodes[k].weight for k in self._children[parent]], dtype=float)

    def directions(self) -> pd.Series:
        return pd.Series({i: self._nodes[i].direction for i in self._leaves}, dtype=float)

    # -- weights -----------------------------------------------------------------------------
    def local_weights(self, parent: str) -> pd.Series:
        """Weights of ``parent``'s children, normalised to sum to 1."""
        kids = self.children(parent)
        w = np.array([self._nodes[k].weight for k in kids], dtype=float)
        return pd.Series(w / w.sum(), index=list(kids))

    def global_weights(self) -> pd.Series:
        """Each leaf's share of the root: the product of normalised weights along its path."""
        return self._global.copy()

    def raw_weights(self) -> pd.Series:
        return pd.Series({n.id: n.weight for n in self._nodes.values() if n.parent is not None})

    def with_weights(self, weights: Mapping[str, float]) -> "Framework":
        """A new Framework with the given raw weights replaced (relative within a parent)."""
        unknown = [k for k in weights if k not in self._nodes]
        if unknown:
            raise FrameworkError(
                f"Unknown node id(s) in weights: {', '.join(map(str, unknown))}.",
                f"权重中有未知的节点编号：{'、'.join(map(str, unknown))}。",
                parameter="weights")
        nodes = []
        for n in self._nodes.values():
            if n.id in weights and n.parent is not None:
                nodes.append(Node(n.id, n.parent, float(weights[n.id]), n.direction,
                                  n.name_zh, n.name_en, n.extra))
            else:
                nodes.append(n)
        # zero weights are allowed in a what-if as long as a parent keeps one positive child; say so
        # here, in the user's terms (the file-level check below names the framework file and ids)
        for p in {n.parent for n in nodes if n.parent is not None}:
            kids = [n for n in nodes if n.parent == p]
            if sum(n.weight for n in kids) <= 0:
                raise FrameworkError(
                    f"The weights of all parts of '{self.name(p, 'en')}' "
                    f"({', '.join(self.name(n.id, 'en') for n in kids)}) are 0: keep at least one above 0.",
                    f"“{self.name(p, 'zh')}”下的权重（{'、'.join(self.name(n.id, 'zh') for n in kids)}）全为 0："
                    f"请至少保留一个大于 0 的权重。",
                    parameter="weights")
        return Framework(tuple(nodes), self._source)

    # -- lookup ------------------------------------------------------------------------------
    def resolve(self, name: str, parameter: str = "indicator") -> str:
        """Node id from an id, a Chinese name or an English name.

        Matching is exact up to case, letter width and surrounding spaces (:func:`iiscore.names.key`),
        never by prefix; an unknown name is a FrameworkError suggesting the closest names.
        """
        k = _key(name)
        if k in self._alias:
            return self._alias[k]
        shown = {a: f"{self._nodes[i].name_zh or i} ({i})" for a, i in self._alias.items()}
        en, zh = _did_you_mean(name, shown, self._leaves)
        raise FrameworkError(
            f"Unknown indicator or node '{_short(name)}'. Use an id, Chinese or English name from the "
            f"framework.{en}",
            f"未知的指标或节点“{_short(name)}”。请使用框架中的编号、中文名或英文名。{zh}",
            parameter=parameter)

    def _check(self, node_id: str) -> str:
        if node_id not in self._nodes:
            return self.resolve(node_id)
        return node_id

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for n in self._nodes.values():
            rows.append({"id": n.id, "parent": n.parent or "", "weight": n.weight,
                         "direction": n.direction, "name_zh": n.name_zh, "name_en": n.name_en,
                         **dict(n.extra)})
        return pd.DataFrame(rows)


def _leaves_below(children: dict, node: str) -> tuple[str, ...]:
    """Leaves under ``node`` in depth-first framework order (iterative: any depth)."""
    out, stack = [], [node]
    while stack:
        i = stack.pop()
        if not children[i]:
            out.append(i)
        stack.extend(reversed(children[i]))
    return tuple(out)


def _validate(nodes: tuple[Node, ...], source: str | None) -> None:
    if len(nodes) > MAX_NODES:
        raise FrameworkError(f"The framework has {len(nodes)} nodes; at most {MAX_NODES} are supported.",
                             f"框架有 {len(nodes)} 个节点；最多支持 {MAX_NODES} 个。", file=source)
    by_id = {}
    for n in nodes:
        if n.id in by_id:
            raise FrameworkError(f"Duplicate id '{_short(n.id)}'. Each node id must appear once.",
                                 f"编号“{_short(n.id)}”重复。每个节点编号只能出现一次。", file=source, column="id")
        if n.id.casefold() in RESERVED_IDS:
            raise FrameworkError(f"The id '{n.id}' is reserved (it is a column of the score tables); rename the node.",
                                 f"编号“{n.id}”为保留字（是得分表的列名）；请为该节点改名。", file=source, column="id")
        by_id[n.id] = n
    roots = [n.id for n in nodes if n.parent is None]
    if not roots:
        raise FrameworkError("No root: exactly one row must have an empty parent.",
                             "没有根节点：必须恰好有一行的 parent 为空。", file=source, column="parent")
    if len(roots) > 1:
        shown = ", ".join(map(_short, roots[:5])) + (" ..." if len(roots) > 5 else "")
        raise FrameworkError(
            f"Several roots ({shown}): exactly one row may have an empty parent.",
            f"有多个根节点（{shown}）：只能有一行的 parent 为空。", file=source, column="parent")
    for n in nodes:
        if n.parent is not None and n.parent not in by_id:
            raise FrameworkError(
                f"Node '{_short(n.id)}' has unknown parent '{_short(n.parent)}'.",
                f"节点“{_short(n.id)}”的上级“{_short(n.parent)}”不存在。", file=source, column="parent")
    # cycles: every node must reach the root; each walk stops at a node already known to reach it
    reaches = {roots[0]}
    for n in nodes:
        path, cur = [], n.id
        while cur not in reaches:
            if cur in path:
                raise FrameworkError(f"Cycle in the hierarchy through node '{_short(n.id)}'.",
                                     f"层级结构中存在循环（经过节点“{_short(n.id)}”）。", file=source, column="parent")
            path.append(cur)
            cur = by_id[cur].parent
            if cur is None:
                break
        reaches.update(path)
    totals: dict = {}
    for n in nodes:
        if n.parent is None:
            continue
        if not np.isfinite(n.weight) or n.weight < 0:
            raise FrameworkError(
                f"Node '{_short(n.id)}' has weight {n.weight}; weights must be positive finite numbers.",
                f"节点“{_short(n.id)}”的权重为 {n.weight}；权重必须是有限正数。", file=source, column="weight")
        if n.direction not in (1, -1):
            raise FrameworkError(
                f"Node '{_short(n.id)}' has direction {n.direction}; use 1 (higher is better) or -1 (lower is better).",
                f"节点“{_short(n.id)}”的方向为 {n.direction}；请用 1（越高越好）或 -1（越低越好）。",
                file=source, column="direction")
        totals[n.parent] = totals.get(n.parent, 0.0) + n.weight
    for p, tot in totals.items():
        if not tot > 0:
            raise FrameworkError(
                f"All children of '{_short(p)}' have weight 0; at least one must be positive.",
                f"“{_short(p)}”的所有下级权重都为 0；至少要有一个为正。", file=source, column="weight")
        if not np.isfinite(tot):
            raise FrameworkError(
                f"The weights of the children of '{_short(p)}' are too large: their sum overflows. Weights are "
                f"relative within a parent: divide them by a common factor (e.g. write 1 and 2, not 1e308 and 2e308).",
                f"“{_short(p)}”的下级权重过大，其和溢出。权重在同一上级内是相对的：请同除以一个公因数"
                f"（如写 1 和 2，而不是 1e308 和 2e308）。", file=source, column="weight")


def load_framework(source, *, strict_weights: bool = True) -> Framework:
    """Load a framework from a CSV path, a file-like object or a DataFrame.

    Raises
    ------
    FrameworkError
        Missing columns, duplicate ids, unknown parents, cycles, several roots, non-positive or
        missing weights, directions other than 1/-1. The message names the id and the column.
    """
    from .data import read_table  # shared encoding/format sniffing

    name = None
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        name = str(source) if isinstance(source, (str, Path)) else (getattr(source, "name", None) or "upload")
        df = read_table(source, dtype=str)
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise FrameworkError(
            f"Missing column(s) {', '.join(missing)}. A framework CSV needs "
            f"{', '.join(REQUIRED_COLUMNS)}.",
            f"缺少列 {'、'.join(missing)}。框架文件需要列 {', '.join(REQUIRED_COLUMNS)}。", file=name)
    nodes = []
    for pos, row in enumerate(df.to_dict("records")):
        line = pos + 2  # header is row 1

        def cell(c):
            v = row.get(c)
            return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()

        nid = cell("id")
        if not nid:
            raise FrameworkError("Empty id.", "编号为空。", file=name, row=line, column="id")
        parent = cell("parent") or None
        wtxt = cell("weight")
        if parent is None:  # the root has no weight; a number there is kept, anything else refused
            weight = _num(wtxt) if wtxt else 1.0
            if not np.isfinite(weight):
                raise FrameworkError(f"The root '{_short(nid)}' has weight '{_short(wtxt)}', which is not a finite "
                                     f"number; leave it empty (the root has no weight).",
                                     f"根节点“{_short(nid)}”的权重“{_short(wtxt)}”不是有限数值；请留空（根节点没有权重）。",
                                     file=name, row=line, column="weight")
        else:
            if not wtxt:
                raise FrameworkError(f"Node '{nid}' has no weight.", f"节点“{nid}”缺少权重。",
                                     file=name, row=line, column="weight")
            try:
                weight = float(wtxt)
            except ValueError:
                raise FrameworkError(f"Node '{nid}' has weight '{wtxt}', which is not a number.",
                                     f"节点“{nid}”的权重“{wtxt}”不是数字。", file=name, row=line,
                                     column="weight") from None
            if not np.isfinite(weight) or weight <= 0 and strict_weights:
                raise FrameworkError(
                    f"Node '{nid}' has weight {wtxt}; weights must be positive numbers.",
                    f"节点“{nid}”的权重为 {wtxt}；权重必须是正数。", file=name, row=line, column="weight")
        dtxt = cell("direction") or "1"
        dnum = _num(dtxt)
        direction = int(dnum) if dnum in (1.0, -1.0) else 0
        if direction not in (1, -1):
            raise FrameworkError(
                f"Node '{nid}' has direction '{dtxt}'; use 1 (higher is better) or -1 (lower is better).",
                f"节点“{nid}”的方向“{dtxt}”无效；请用 1（越高越好）或 -1（越低越好）。",
                file=name, row=line, column="direction")
        extra = {c: cell(c) for c in df.columns if c not in REQUIRED_COLUMNS}
        nodes.append(Node(nid, parent, weight, direction, cell("name_zh"), cell("name_en"),
                          MappingProxyType(extra)))
    if not nodes:
        raise FrameworkError("The framework file has no rows.", "框架文件没有数据行。", file=name)
    return Framework(tuple(nodes), source=name)


def default_framework_path() -> Path:
    from .resources import data_file

    return data_file("framework.csv")
