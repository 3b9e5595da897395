"""Analytic Hierarchy Process (AHP): priorities and consistency of pairwise judgement matrices.

The CAICT report derives its weights "by the analytic hierarchy process and expert scoring"
(层次分析法和专家打分法): one judgement matrix per parent node, on Saaty's 1-9 scale, gives the
local weights of that node's children; the product of local weights down the tree gives the
global weights. This module implements that step.

Conventions
-----------
* A judgement matrix ``A`` is ``n x n`` with ``a_ij`` = how many times item ``i`` is more
  important than item ``j`` on Saaty's scale (1, 2, ..., 9 and the reciprocals 1/2, ..., 1/9).
  It must be positive and reciprocal, ``a_ji = 1 / a_ij``, with ``a_ii = 1``.
* Cells may be written as numbers or fractions (``"1/3"``); a rounded reciprocal such as
  ``0.33`` is accepted (relative tolerance ``reciprocal_tol``). Of each pair the judgement
  ``>= 1`` is taken as given and its mirror is replaced by the exact reciprocal.
* Judgements off Saaty's scale ``[1/9, 9]`` are used with a warning, or refused naming the pair
  (``off_scale="error"``, the default of :func:`reciprocal_matrix`, which builds the full matrix
  from an editor's upper triangle).
* An inconsistent matrix (``CR > 0.10``) gets :func:`suggest_revision` (the one judgement that
  lowers CR most, at any value) and :func:`revision_plan` (revisions on the scale, repeated until
  ``CR <= 0.10``).
* ``n <= 15`` (Saaty's random index is tabulated up to 15).
* Results are frozen dataclasses; nothing is modified in place; there is no module-level
  mutable state.

References
----------
Saaty, T. L. (1977). A scaling method for priorities in hierarchical structures.
    *Journal of Mathematical Psychology* 15(3), 234-281.
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
Saaty, T. L. (1990). How to make a decision: the analytic hierarchy process.
    *European Journal of Operational Research* 48(1), 9-26.
Crawford, G. & Williams, C. (1985). A note on the analysis of subjective judgment matrices.
    *Journal of Mathematical Psychology* 29(4), 387-405 (geometric-mean priorities).
Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. *European Journal of Operational Research* 108(1), 165-169.
Kingman, J. F. C. (1961). A convexity property of positive matrices. *Quarterly Journal of
    Mathematics* 12, 283-284 (the Perron root is log-convex in log-entries, which makes the
    one-judgement search in :func:`suggest_revision` unimodal).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from iiscore.errors import DataError, SpecError, check_choice, warn

__all__ = [
    "RANDOM_INDEX",
    "SAATY_SCALE",
    "MAX_ITEMS",
    "AHPResult",
    "AHPGroupResult",
    "HierarchyWeights",
    "Suggestion",
    "Revision",
    "RevisionPlan",
    "SCALE_TOL",
    "parse_judgement",
    "format_judgement",
    "on_scale",
    "reciprocal_matrix",
    "as_judgement_matrix",
    "read_matrix_csv",
    "random_index",
    "consistency",
    "ahp_priorities",
    "suggest_revision",
    "revision_plan",
    "aggregate_judgements",
    "ahp_group",
    "hierarchy_from_local",
    "ahp_hierarchy",
]

#: Largest matrix accepted (Saaty's random index is tabulated up to n = 15).
MAX_ITEMS = 15

#: Saaty's random consistency index RI(n): the mean CI of random reciprocal matrices with
#: entries drawn from the 1-9 scale. ``"saaty1980"``: Saaty (1980), n = 1..15 (the n = 11..15
#: values, including the non-monotone 1.48 at n = 12, come from Saaty's extended table). These
#: are the values used in most Chinese AHP practice for n <= 10 (0.58, 0.90, 1.12, ...).
RANDOM_INDEX: Mapping[str, Mapping[int, float]] = MappingProxyType({
    "saaty1980": MappingProxyType({
        1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
        10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
    }),
})

#: The 17 values of Saaty's fundamental scale, 1/9 ... 1 ... 9.
SAATY_SCALE: tuple[float, ...] = tuple([1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])

#: Relative slack at the ends of Saaty's scale: a judgement is on the scale when
#: ``1/(9(1+tol)) <= a <= 9(1+tol)``, so that rounded reciprocals such as 0.11 (for 1/9, 1 % off) pass.
SCALE_TOL = 0.02

_FRACTION = re.compile(r"^\s*([+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*/\s*"
                       r"([+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*$")
_SEARCH_LIMIT = math.log(81.0)  # a revised judgement is searched in [1/81, 81] (two 9s chained)


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    """The single judgement whose revision lowers the consistency ratio most.

    Attributes
    ----------
    row, column : str
        The judgement ``a[row, column]`` (``row`` before ``column`` in matrix order); its mirror
        ``a[column, row]`` changes to the reciprocal.
    current : float
        The judgement as given.
    value : float
        The value of ``a[row, column]`` that minimises ``lambda_max`` when only this pair
        changes. For a matrix that is consistent except for this pair it is the consistent
        value ``w_row / w_column`` and ``cr_after`` is 0.
    cr_after : float
        CR with ``value`` in place.
    scale_value : float
        ``value`` rounded (on a log scale) to Saaty's 1-9 scale.
    cr_after_scale : float
        CR with ``scale_value`` in place.
    """

    row: str
    column: str
    current: float
    value: float
    cr_after: float
    scale_value: float
    cr_after_scale: float


@dataclass(frozen=True)
class Revision:
    """One step of a :class:`RevisionPlan`: a judgement moved to another value of Saaty's scale.

    Attributes
    ----------
    row, column : str
        The judgement ``a[row, column]`` (``row`` before ``column`` in matrix order); its mirror
        ``a[column, row]`` becomes the reciprocal.
    current : float
        The judgement before this step.
    value : float
        Its new value, one of :data:`SAATY_SCALE`.
    cr_before, cr_after : float
        The consistency ratio before and after this step.
    """

    row: str
    column: str
    current: float
    value: float
    cr_before: float
    cr_after: float


@dataclass(frozen=True)
class RevisionPlan:
    """Judgement revisions, applied in order, that bring a matrix's CR to the threshold or below.

    Attributes
    ----------
    steps : tuple of Revision
        In the order they are applied; empty when the matrix is already acceptable.
    cr_before, cr_after : float
        CR of the matrix as given and after every step.
    threshold : float
    reached : bool
        ``cr_after <= threshold``. False only when no single change on Saaty's scale lowers CR
        any further (or ``max_steps`` ran out): the judgements must then be revisited as a whole.
    matrix : pandas.DataFrame
        The exactly reciprocal matrix after every step.
    name : str
    """

    steps: tuple
    cr_before: float
    cr_after: float
    threshold: float
    reached: bool
    matrix: pd.DataFrame
    name: str = "matrix"


@dataclass(frozen=True)
class AHPResult:
    """Priorities and consistency of one judgement matrix.

    Attributes
    ----------
    weights : pandas.Series
        Priority vector, label -> weight; non-negative, sums to 1.
    lambda_max : float
        Principal (Perron) eigenvalue of the matrix, whatever ``method`` derived the weights.
    ci : float
        Consistency index ``CI = (lambda_max - n) / (n - 1)`` (0 for n <= 2).
    ri : float
        Random index ``RI(n)`` of the table in use.
    cr : float
        Consistency ratio ``CR = CI / RI`` (0 for n <= 2).
    n : int
        Number of compared items.
    method : str
        ``"eigen"`` or ``"geometric"``.
    threshold : float
        CR above which the matrix is reported as inconsistent (Saaty: 0.10).
    consistent : bool
        ``cr <= threshold``.
    suggestion : Suggestion or None
        When inconsistent: the judgement to revise first (see :func:`suggest_revision`).
    matrix : pandas.DataFrame
        The validated, exactly reciprocal matrix used.
    name : str
        The matrix name used in messages (e.g. the parent id).
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    n: int
    method: str
    threshold: float
    consistent: bool
    suggestion: Suggestion | None
    matrix: pd.DataFrame
    name: str = "matrix"


@dataclass(frozen=True)
class AHPGroupResult:
    """Priorities from several experts' judgement matrices over the same items.

    Attributes
    ----------
    weights : pandas.Series
        Group priority vector, non-negative, sums to 1.
    aggregate : str
        ``"judgements"`` (AIJ: element-wise weighted geometric mean of the matrices, then one
        priority vector) or ``"priorities"`` (AIP: one priority vector per expert, then their
        weighted mean).
    priority_mean : str
        For AIP: ``"arithmetic"`` or ``"geometric"`` (normalised) mean of the priority vectors.
    method : str
        Priority method for every matrix, ``"eigen"`` or ``"geometric"``.
    expert_weights : pandas.Series
        Weight of each expert (sums to 1).
    individual : tuple of AHPResult
        One result per expert, in input order.
    combined : AHPResult or None
        For AIJ: the result of the aggregated matrix (its CR is the group's CR); None for AIP.
    """

    weights: pd.Series
    aggregate: str
    priority_mean: str
    method: str
    expert_weights: pd.Series
    individual: tuple
    combined: AHPResult | None


@dataclass(frozen=True)
class HierarchyWeights:
    """Local and global weights of a whole hierarchy (one weight vector per parent).

    Attributes
    ----------
    root : str
        The node that is nobody's child.
    local : Mapping[str, pandas.Series]
        parent -> its children's weights (each sums to 1), in depth-first order of parents.
    global_weights : pandas.Series
        leaf -> product of the local weights on its path from the root (sums to 1).
    node_weights : pandas.Series
        every non-root node -> its global weight (a parent's is the sum of its leaves').
    results : Mapping[str, object]
        parent -> the result that produced its local weights (AHPResult, AHPGroupResult,
        ExpertResult, ...), or empty.
    """

    root: str
    local: Mapping[str, pd.Series]
    global_weights: pd.Series
    node_weights: pd.Series
    results: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def raw_weights(self, total: float = 100.0) -> dict[str, float]:
        """Local weights scaled so that each parent's children total ``total``.

        The report's convention "各级指标体系权重总分 100" (each level totals 100); the dict
        can be passed to ``Framework.with_weights``.
        """
        out: dict[str, float] = {}
        for s in self.local.values():
            for k, v in s.items():
                out[str(k)] = float(v) * total
        return out


# --------------------------------------------------------------------------------------------
# parsing and validation
# --------------------------------------------------------------------------------------------
def parse_judgement(value) -> float:
    """Parse one judgement cell: a number, or a fraction written ``"a/b"``.

    Parameters
    ----------
    value : str, int or float
        ``3``, ``"3"``, ``"0.333"``, ``"1/3"``, ``" 1 / 3 "``.

    Returns
    -------
    float
        The value (not validated: may be negative, zero or non-finite).

    Raises
    ------
    ValueError
        When the text is neither a number nor a fraction (callers turn it into a
        :class:`~iiscore.errors.DataError` naming the cell).
    """
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip().replace("／", "/")
    m = _FRACTION.match(text)
    if m:
        num, den = float(m.group(1)), float(m.group(2))
        if den == 0:
            raise ValueError(f"division by zero in {value!r}")
        return num / den
    return float(text)


def on_scale(value: float, tol: float = SCALE_TOL) -> bool:
    """Whether a judgement lies on Saaty's scale ``[1/9, 9]`` (within ``tol`` relative at the ends)."""
    v = float(value)
    return bool(np.isfinite(v) and v > 0 and abs(math.log(v)) <= math.log(9.0) + math.log1p(tol))


def format_judgement(x: float) -> str:
    """A judgement as people write it: ``3``, ``1/3``, ``2.34`` or ``1/2.34``."""
    return _fmt(x)


def _fmt(x: float) -> str:
    """Judgement for messages: ``3``, ``1/3``, ``2.34`` or ``1/2.34``."""
    if not np.isfinite(x) or x <= 0:
        return f"{x:g}"
    if x >= 1:
        r = round(x)
        return str(int(r)) if abs(x - r) < 1e-9 * max(1, x) else f"{x:.3g}"
    inv = 1.0 / x
    r = round(inv)
    return f"1/{int(r)}" if abs(inv - r) < 1e-6 * inv else f"1/{inv:.3g}"


def _cell_error(en: str, zh: str, *, name: str, file, row_pos: int | None, column) -> DataError:
    """DataError for a cell; in a file, ``row`` is the spreadsheet row (header = row 1)."""
    if file is not None:
        return DataError(en, zh, file=file, row=None if row_pos is None else row_pos + 2,
                         column=None if column is None else str(column), parameter=None)
    return DataError(en, zh, parameter=name)


def as_judgement_matrix(matrix, labels: Sequence[str] | None = None, *, name: str = "matrix",
                        reciprocal_tol: float = 0.05, file=None, off_scale: str = "warn") -> pd.DataFrame:
    """Validate a judgement matrix and return it as an exactly reciprocal labelled DataFrame.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame
        ``n x n``; cells are numbers or fraction strings (``"1/3"``). A DataFrame's index and
        columns are the labels; they must hold the same labels (the columns are reordered to
        the index order when only the order differs).
    labels : sequence of str, optional
        Labels for a plain array (default ``"1", ..., "n"``). Overrides a DataFrame's labels.
    name : str
        Name used in messages (e.g. the parent id).
    reciprocal_tol : float
        Accept ``a_ij * a_ji`` within ``1 ± reciprocal_tol`` (rounded reciprocals such as
        ``0.33`` or ``0.14``); default 0.05.
    file : path, optional
        The file the matrix came from; errors then carry file, spreadsheet row and column.
    off_scale : {"warn", "error"}
        What to do with a judgement outside Saaty's scale ``[1/9, 9]`` (see :func:`on_scale`):
        ``"warn"`` (default) uses it as given with a warning; ``"error"`` refuses the matrix,
        naming every such pair.

    Returns
    -------
    pandas.DataFrame
        Float matrix with ``a_ii = 1`` and, for each pair, the judgement ``>= 1`` kept and its
        mirror set to the exact reciprocal.

    Raises
    ------
    DataError
        Not square, empty, more than 15 items, duplicate or mismatched labels, a cell that is
        not a number, not finite, not positive, a diagonal cell other than 1, or a pair that is
        not reciprocal; with ``off_scale="error"``, a judgement off the scale. The message names
        the matrix, the cell(s) and how to fix it.

    Warns
    -----
    IIScoreWarning
        ``off_scale="warn"``: judgements outside Saaty's scale [1/9, 9] (used as given).
    """
    check_choice("off_scale", off_scale, ("warn", "error"))
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
        if labels is None:
            rows = [str(x) for x in frame.index]
            cols = [str(x) for x in frame.columns]
            if len(set(rows)) != len(rows):
                dup = sorted({r for r in rows if rows.count(r) > 1})
                raise DataError(
                    f"Judgement matrix '{name}' has duplicate row labels {dup}. Give each item once.",
                    f"判断矩阵 “{name}” 的行标签重复：{dup}。每个比较项只能出现一次。",
                    parameter=name, file=file)
            if len(set(cols)) != len(cols):
                dup = sorted({c for c in cols if cols.count(c) > 1})
                raise DataError(
                    f"Judgement matrix '{name}' has duplicate column labels {dup}. Give each item once.",
                    f"判断矩阵 “{name}” 的列标签重复：{dup}。每个比较项只能出现一次。",
                    parameter=name, file=file)
            if len(rows) == len(cols) and set(rows) != set(cols):
                missing = [r for r in rows if r not in cols]
                extra = [c for c in cols if c not in rows]
                raise DataError(
                    f"Judgement matrix '{name}': the row labels and the column labels differ "
                    f"(rows without a column: {missing}; columns without a row: {extra}). "
                    "Use the same item labels, in the same order, for rows and columns.",
                    f"判断矩阵 “{name}” 的行标签与列标签不一致（有行无列：{missing}；有列无行："
                    f"{extra}）。行与列应使用相同的比较项标签，且顺序相同。",
                    parameter=name, file=file)
            if len(rows) == len(cols) and rows != cols:
                frame = frame.copy()
                frame.columns = cols
                frame.index = rows
                frame = frame[rows]
            labels = rows
        values = frame.to_numpy(dtype=object)
    else:
        try:
            values = np.array(matrix, dtype=object)
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise DataError(
                f"Judgement matrix '{name}' is not a rectangular table ({exc}). "
                "Give n rows of n judgements each.",
                f"判断矩阵 “{name}” 不是规整的表格（{exc}）。请给出 n 行、每行 n 个判断值。",
                parameter=name, file=file) from None
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        shape = "x".join(str(s) for s in values.shape) or "a scalar"
        raise DataError(
            f"Judgement matrix '{name}' must be square (n x n); got shape {shape}. "
            "Give one row and one column per compared item, in the same order.",
            f"判断矩阵 “{name}” 必须是方阵（n×n），实际形状为 {shape}。每个比较项占一行一列，顺序相同。",
            parameter=name, file=file)
    n = values.shape[0]
    if n == 0:
        raise DataError(f"Judgement matrix '{name}' is empty. Give at least one item.",
                        f"判断矩阵 “{name}” 为空，至少需要一个比较项。", parameter=name, file=file)
    if n > MAX_ITEMS:
        raise DataError(
            f"Judgement matrix '{name}' compares {n} items; AHP matrices are limited to "
            f"n <= {MAX_ITEMS} (Saaty's random index is tabulated up to 15, and pairwise "
            "judgements over many items are unreliable). Split the items into groups under "
            "intermediate parent nodes.",
            f"判断矩阵 “{name}” 有 {n} 个比较项；层次分析法判断矩阵最多 {MAX_ITEMS} 阶"
            "（Saaty 随机一致性指标 RI 只列到 15 阶，比较项过多时判断不可靠）。请在中间层级分组。",
            parameter=name, file=file)
    if labels is None:
        labels = [str(i + 1) for i in range(n)]
    labels = [str(x) for x in labels]
    if len(labels) != n:
        raise SpecError(
            f"{len(labels)} labels given for the {n} x {n} judgement matrix '{name}'. "
            "Give exactly one label per row.",
            f"判断矩阵 “{name}” 为 {n}×{n}，却给了 {len(labels)} 个标签。每行需要且只需要一个标签。",
            parameter="labels")
    if len(set(labels)) != n:
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise SpecError(f"Duplicate labels {dup} for judgement matrix '{name}'. Give each item once.",
                        f"判断矩阵 “{name}” 的标签重复：{dup}。每个比较项只能出现一次。",
                        parameter="labels")
    if not (isinstance(reciprocal_tol, (int, float)) and 0 <= reciprocal_tol < 1):
        raise SpecError(
            f"The 'reciprocal_tol' parameter must be a number in [0, 1). Got {reciprocal_tol!r} instead.",
            f"参数 “reciprocal_tol” 必须是 [0, 1) 内的数，收到的是 {reciprocal_tol!r}。",
            parameter="reciprocal_tol")

    a = np.empty((n, n), dtype=float)
    for i in range(n):
        for j in range(n):
            cell = values[i, j]
            where_en = f"cell (row '{labels[i]}', column '{labels[j]}')"
            where_zh = f"单元格（行 “{labels[i]}”，列 “{labels[j]}”）"
            try:
                x = parse_judgement(cell)
            except (TypeError, ValueError):
                raise _cell_error(
                    f"Judgement matrix '{name}', {where_en}: {cell!r} is not a number. "
                    "Write a judgement such as 3, 1/3 or 0.333.",
                    f"判断矩阵 “{name}” 的{where_zh}：{cell!r} 不是数值。请填写如 3、1/3 或 0.333 的判断值。",
                    name=name, file=file, row_pos=i, column=labels[j]) from None
            if not np.isfinite(x):
                raise _cell_error(
                    f"Judgement matrix '{name}', {where_en}: {x!r} is not a finite number. "
                    "Fill in every judgement (1 on the diagonal).",
                    f"判断矩阵 “{name}” 的{where_zh}：{x!r} 不是有限数值。请填写全部判断值（对角线为 1）。",
                    name=name, file=file, row_pos=i, column=labels[j])
            if x <= 0:
                raise _cell_error(
                    f"Judgement matrix '{name}', {where_en} = {x:g} is not positive. Judgements "
                    "are ratios on Saaty's scale 1/9 ... 1 ... 9; write 1/3 rather than -3.",
                    f"判断矩阵 “{name}” 的{where_zh} = {x:g} 不是正数。判断值是 Saaty 1-9 标度上的"
                    "比值（1/9 … 1 … 9），应写 1/3 而不是 -3。",
                    name=name, file=file, row_pos=i, column=labels[j])
            a[i, j] = x
    for i in range(n):
        if abs(a[i, i] - 1.0) > reciprocal_tol:
            raise _cell_error(
                f"Judgement matrix '{name}', diagonal cell (row '{labels[i]}', column "
                f"'{labels[i]}') = {a[i, i]:g}; an item compared with itself must be 1.",
                f"判断矩阵 “{name}” 的对角线单元格（行 “{labels[i]}”，列 “{labels[i]}”）= {a[i, i]:g}；"
                "比较项与自身比较必须为 1。",
                name=name, file=file, row_pos=i, column=labels[i])
        a[i, i] = 1.0
    off = []
    for i, j in combinations(range(n), 2):
        p = a[i, j] * a[j, i]
        if abs(p - 1.0) > reciprocal_tol:
            raise _cell_error(
                f"Judgement matrix '{name}': cells (row '{labels[i]}', column '{labels[j]}') = "
                f"{_fmt(a[i, j])} and (row '{labels[j]}', column '{labels[i]}') = {_fmt(a[j, i])} "
                f"are not reciprocal: a[{labels[j]}, {labels[i]}] must be 1/a[{labels[i]}, "
                f"{labels[j]}] = {_fmt(1 / a[i, j])} ({1 / a[i, j]:.3f}). Correct one of the two.",
                f"判断矩阵 “{name}”：单元格（行 “{labels[i]}”，列 “{labels[j]}”）= {_fmt(a[i, j])} 与"
                f"（行 “{labels[j]}”，列 “{labels[i]}”）= {_fmt(a[j, i])} 不互为倒数："
                f"a[{labels[j]}, {labels[i]}] 应为 {_fmt(1 / a[i, j])}（{1 / a[i, j]:.3f}）。请改正其中一个。",
                name=name, file=file, row_pos=j, column=labels[i])
        # keep the judgement >= 1 as given; its mirror becomes the exact reciprocal
        if a[i, j] >= 1.0:
            a[j, i] = 1.0 / a[i, j]
        else:
            a[i, j] = 1.0 / a[j, i]
        if not on_scale(a[i, j]):
            off.append((labels[i], labels[j], a[i, j]))
    if off and off_scale == "error":
        en = "; ".join(f"'{r}' vs '{c}' = {_fmt(v)}" for r, c, v in off)
        zh = "；".join(f"“{r}”对“{c}” = {_fmt(v)}" for r, c, v in off)
        raise DataError(
            f"Judgement matrix '{name}': {len(off)} judgement(s) lie outside Saaty's scale 1/9 ... 9 ({en}). "
            "Write a number from 1 to 9 or its reciprocal (1/2 ... 1/9) for each pair.",
            f"判断矩阵 “{name}”：{len(off)} 个判断值超出 Saaty 标度 1/9 … 9（{zh}）。"
            "每对请填写 1 到 9 的数或其倒数（1/2 … 1/9）。", parameter=name, file=file)
    if off:
        listed = "; ".join(f"a[{r}, {c}] = {_fmt(v)}" for r, c, v in off[:5]) + (" ..." if len(off) > 5 else "")
        warn(f"Judgement matrix '{name}': {len(off)} judgement(s) lie outside Saaty's "
             f"scale 1/9 ... 9 ({listed}). They are used as given.",
             f"判断矩阵 “{name}”：{len(off)} 个判断值超出 Saaty 标度 1/9 … 9（{listed}），按原值使用。",
             stacklevel=3)
    return pd.DataFrame(a, index=pd.Index(labels), columns=pd.Index(labels))


def _blank(cell) -> bool:
    """An empty editor cell: None, NA, NaN or only spaces."""
    if cell is None or cell is pd.NA:
        return True
    if isinstance(cell, (float, np.floating)):
        return bool(np.isnan(cell))
    return isinstance(cell, str) and cell.strip() == ""


def reciprocal_matrix(judgements, labels: Sequence[str] | None = None, *, name: str = "matrix",
                      off_scale: str = "error") -> pd.DataFrame:
    r"""The full reciprocal judgement matrix from the judgements above the diagonal.

    What a judgement editor hands over: the user states, for each pair ``i < j``, how many times
    item ``i`` (the row) is more important than item ``j`` (the column); the matrix is then
    ``a_ii = 1``, ``a_ij`` = that judgement and ``a_ji = 1 / a_ij`` exactly.

    Parameters
    ----------
    judgements : pandas.DataFrame or 2-D array-like
        ``n x n``; only the cells above the diagonal are read (the diagonal and the lower
        triangle are ignored: they are 1 and the reciprocals). Cells are numbers or fractions
        (``"1/3"``); a blank cell (``""``, None, NaN) is 1, equal importance.
    labels : sequence of str, optional
        Item labels used in the result and in messages (default: a DataFrame's index, else
        ``"1", ..., "n"``), e.g. the items' names in the user's language.
    name : str
        The matrix's name in messages (e.g. the parent's name).
    off_scale : {"error", "warn"}
        ``"error"`` (default): a judgement outside Saaty's scale ``[1/9, 9]`` (:func:`on_scale`) is
        refused, as are 0 and negative values, naming the pair. ``"warn"``: a positive judgement
        off the scale is used as given, with a warning.

    Returns
    -------
    pandas.DataFrame
        Float ``n x n`` matrix, exactly reciprocal, labelled by ``labels``.

    Raises
    ------
    DataError
        Every bad pair at once (a cell that is not a number, not finite, not positive, or off the
        scale), each named "row vs column", with the fix; also a non-square table, more than
        :data:`MAX_ITEMS` items, or duplicate labels. ``parameter`` is ``name``.
    """
    check_choice("off_scale", off_scale, ("error", "warn"))
    if isinstance(judgements, pd.DataFrame):
        values = judgements.to_numpy(dtype=object)
        if labels is None:
            labels = [str(x) for x in judgements.index]
    else:
        try:
            values = np.array(judgements, dtype=object)
        except (TypeError, ValueError) as exc:
            raise DataError(f"Judgement matrix '{name}' is not a rectangular table ({exc}). Give n rows of n cells.",
                            f"判断矩阵 “{name}” 不是规整的表格（{exc}）。请给出 n 行、每行 n 格。",
                            parameter=name) from None
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        shape = "x".join(str(x) for x in values.shape) or "a scalar"
        raise DataError(f"Judgement matrix '{name}' must be square (n x n, n >= 1); got shape {shape}.",
                        f"判断矩阵 “{name}” 必须是 n×n 方阵（n ≥ 1），实际形状为 {shape}。", parameter=name)
    n = values.shape[0]
    if n > MAX_ITEMS:
        raise DataError(f"Judgement matrix '{name}' compares {n} items; at most {MAX_ITEMS} can be compared. "
                        "Group the items under intermediate parents.",
                        f"判断矩阵 “{name}” 有 {n} 个比较项，最多 {MAX_ITEMS} 个。请在中间层级分组。", parameter=name)
    labels = [str(i + 1) for i in range(n)] if labels is None else [str(x) for x in labels]
    if len(labels) != n or len(set(labels)) != n:
        raise DataError(f"Judgement matrix '{name}' needs {n} distinct labels; got {labels}.",
                        f"判断矩阵 “{name}” 需要 {n} 个互不相同的标签，收到的是 {labels}。", parameter=name)
    a = np.ones((n, n))
    bad_en, bad_zh, off = [], [], []
    fix_en = "write a number from 1 to 9 or its reciprocal (such as 1/3)"
    fix_zh = "请填 1 到 9 的数或其倒数（如 1/3）"
    for i, j in combinations(range(n), 2):
        cell = values[i, j]
        if _blank(cell):
            continue
        text = str(cell).strip()
        pair_en, pair_zh = f"'{labels[i]}' vs '{labels[j]}'", f"“{labels[i]}”对“{labels[j]}”"
        try:
            v = parse_judgement(cell)
        except (TypeError, ValueError):
            v = None
        if v is None or not np.isfinite(v):
            bad_en.append(f"{pair_en}: '{text}' is not a number; {fix_en}.")
            bad_zh.append(f"{pair_zh}：“{text}”不是数字；{fix_zh}。")
            continue
        if v <= 0 or (off_scale == "error" and not on_scale(v)):
            bad_en.append(f"{pair_en}: {text} is outside Saaty's scale (1/9 to 9); {fix_en}.")
            bad_zh.append(f"{pair_zh}：{text} 超出 Saaty 标度（1/9 到 9）；{fix_zh}。")
            continue
        if not on_scale(v):
            off.append(f"{pair_en} = {text}")
        a[i, j], a[j, i] = v, 1.0 / v
    if bad_en:
        raise DataError(f"Judgement matrix '{name}': " + " ".join(bad_en),
                        f"判断矩阵 “{name}”：" + "".join(bad_zh), parameter=name)
    if off:
        warn(f"Judgement matrix '{name}': {len(off)} judgement(s) lie outside Saaty's scale 1/9 ... 9 "
             f"({'; '.join(off[:5])}). They are used as given.",
             f"判断矩阵 “{name}”：{len(off)} 个判断值超出 Saaty 标度 1/9 … 9，按原值使用。", stacklevel=2)
    return pd.DataFrame(a, index=pd.Index(labels), columns=pd.Index(labels))


def read_matrix_csv(path) -> pd.DataFrame:
    """Read a labelled judgement matrix from a CSV file.

    The first column holds the row labels and the header holds the column labels (the header's
    first cell is ignored); the columns are matched to the rows by label, so their order may
    differ. Cells may be numbers or fractions (``"1/3"``). A blank cell is
    filled with the reciprocal of its mirror (so an upper triangle is enough); a blank diagonal
    cell is 1. UTF-8 (with or without BOM) or GBK.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    pandas.DataFrame
        Validated, exactly reciprocal matrix (see :func:`as_judgement_matrix`).

    Raises
    ------
    DataError
        Missing or unreadable file, labels that differ between header and first column,
        non-numeric or invalid cells; the error names the file, the spreadsheet row (header =
        row 1) and the column label.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(
            "Judgement matrix file not found. Check the path; the file must be a CSV whose first "
            "column and header hold the item labels.",
            "找不到判断矩阵文件。请检查路径；文件应为 CSV，首列与表头为比较项标签。", file=p)
    frame = None
    for enc in ("utf-8-sig", "gbk"):
        try:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding=enc, header=0)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(
                f"Cannot read the judgement matrix CSV ({exc}). Give a header row of labels and "
                "one row per item, comma separated.",
                f"无法读取判断矩阵 CSV（{exc}）。请给出一行标签表头，每个比较项一行，逗号分隔。",
                file=p) from None
    if frame is None:
        raise DataError("The judgement matrix file is neither UTF-8 nor GBK text. Save it as UTF-8 CSV.",
                        "判断矩阵文件既不是 UTF-8 也不是 GBK 文本，请另存为 UTF-8 CSV。", file=p)
    if frame.shape[1] < 2 or frame.shape[0] < 1:
        raise DataError(
            f"The judgement matrix CSV has {frame.shape[0]} data row(s) and {frame.shape[1]} "
            "column(s); expected a label column plus one column per item, and one row per item.",
            f"判断矩阵 CSV 有 {frame.shape[0]} 行数据、{frame.shape[1]} 列；应为一列标签加每个比较项一列，"
            "每个比较项一行。", file=p)
    row_labels = [str(x).strip() for x in frame.iloc[:, 0]]
    col_labels = [str(x).strip() for x in frame.columns[1:]]
    for k, lab in enumerate(row_labels):
        if lab == "":
            raise DataError("Empty row label. Put the item label in the first column of every row.",
                            "行标签为空。每一行的第一列应填写比较项标签。", file=p, row=k + 2,
                            column=str(frame.columns[0]))
    if len(row_labels) != len(col_labels) or set(row_labels) != set(col_labels) \
            or len(set(row_labels)) != len(row_labels) or len(set(col_labels)) != len(col_labels):
        missing = [r for r in row_labels if r not in col_labels]
        extra = [c for c in col_labels if c not in row_labels]
        raise DataError(
            f"Labels mismatch: {len(row_labels)} row labels {row_labels} vs {len(col_labels)} "
            f"column labels {col_labels} (rows without a column: {missing}; columns without a "
            f"row: {extra}). The header (after the first cell) and the first column must list "
            "the same items, each once.",
            f"标签不一致：{len(row_labels)} 个行标签 {row_labels} 与 {len(col_labels)} 个列标签 "
            f"{col_labels}（有行无列：{missing}；有列无行：{extra}）。表头（第一格之后）与第一列必须列出"
            "相同的比较项，且各只出现一次。", file=p)
    cells = frame.iloc[:, 1:].copy()
    cells.columns = col_labels
    cells.index = row_labels
    cells = cells[row_labels]  # columns in row order
    vals = cells.to_numpy(dtype=object)
    n = len(row_labels)
    # position of each label's row in the file, for messages
    file_row = {lab: k for k, lab in enumerate(row_labels)}
    filled = vals.copy()
    for i in range(n):
        for j in range(n):
            if str(vals[i, j]).strip() != "":
                continue
            if i == j:
                filled[i, j] = 1.0
                continue
            mirror = str(vals[j, i]).strip()
            if mirror == "":
                raise DataError(
                    f"Cells (row '{row_labels[i]}', column '{row_labels[j]}') and (row "
                    f"'{row_labels[j]}', column '{row_labels[i]}') are both blank. Give at least "
                    "one of each pair; the other is filled with its reciprocal.",
                    f"单元格（行 “{row_labels[i]}”，列 “{row_labels[j]}”）与其对称单元格都为空。"
                    "每对至少填写一个，另一个自动取倒数。",
                    file=p, row=file_row[row_labels[i]] + 2, column=row_labels[j])
            try:
                m = parse_judgement(mirror)
            except (TypeError, ValueError):
                raise DataError(
                    f"{mirror!r} is not a number. Write a judgement such as 3, 1/3 or 0.333.",
                    f"{mirror!r} 不是数值。请填写如 3、1/3 或 0.333 的判断值。",
                    file=p, row=file_row[row_labels[j]] + 2, column=row_labels[i]) from None
            filled[i, j] = 1.0 / m if m != 0 else float("inf")
    return as_judgement_matrix(pd.DataFrame(filled, index=row_labels, columns=row_labels),
                               name=p.name, file=p)


# --------------------------------------------------------------------------------------------
# priorities and consistency
# --------------------------------------------------------------------------------------------
def random_index(n: int, ri="saaty1980") -> float:
    """Saaty's random index RI(n).

    Parameters
    ----------
    n : int
        Matrix order, 1 <= n <= 15.
    ri : str or Mapping[int, float]
        A table name in :data:`RANDOM_INDEX` (``"saaty1980"``) or a custom mapping n -> RI.

    Returns
    -------
    float
        RI(n); 0 for n <= 2 (such matrices are always consistent).
    """
    if isinstance(ri, str):
        check_choice("ri", ri, tuple(RANDOM_INDEX))
        table = RANDOM_INDEX[ri]
    elif isinstance(ri, Mapping):
        table = ri
    else:
        raise SpecError(
            f"The 'ri' parameter must be a table name {tuple(RANDOM_INDEX)} or a mapping n -> RI. "
            f"Got {ri!r} instead.",
            f"参数 “ri” 应为随机一致性指标表名 {tuple(RANDOM_INDEX)} 或 n -> RI 的映射，收到的是 {ri!r}。",
            parameter="ri")
    if n <= 2:
        return 0.0
    value = table.get(n)
    if value is None or not np.isfinite(value) or value <= 0:
        raise SpecError(
            f"The random index table has no positive RI for n = {n}. Give RI for every matrix "
            "order used (n >= 3).",
            f"随机一致性指标表中没有 n = {n} 的正值 RI。请为用到的每个阶数（n ≥ 3）提供 RI。",
            parameter="ri")
    return float(value)


def _perron(a: np.ndarray) -> tuple[float, np.ndarray]:
    """Principal eigenvalue and the normalised (sum 1, positive) principal eigenvector."""
    n = a.shape[0]
    if n == 1:
        return 1.0, np.ones(1)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    s = v.sum()
    if not np.isfinite(s) or s <= 0:  # pragma: no cover - positive matrices always have one
        v = _power_iteration(a)
    else:
        v = v / s
    return float(vals[k].real), v


def _power_iteration(a: np.ndarray, tol: float = 1e-14, max_iter: int = 10_000) -> np.ndarray:
    v = np.full(a.shape[0], 1.0 / a.shape[0])
    for _ in range(max_iter):
        nv = a @ v
        nv = nv / nv.sum()
        if np.max(np.abs(nv - v)) < tol:
            return nv
        v = nv
    return v


def _lambda_max(a: np.ndarray) -> float:
    if a.shape[0] <= 2:
        return float(a.shape[0])
    return float(np.max(np.linalg.eigvals(a).real))


def _geometric(a: np.ndarray) -> np.ndarray:
    g = np.exp(np.log(a).mean(axis=1))
    return g / g.sum()


def consistency(lambda_max: float, n: int, ri="saaty1980") -> tuple[float, float, float]:
    """Consistency index, random index and consistency ratio.

    ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)``; both 0 for ``n <= 2``. Tiny
    negative CI from rounding is clipped to 0.

    Returns
    -------
    (CI, RI, CR) : tuple of float
    """
    ri_n = random_index(n, ri)
    if n <= 2:
        return 0.0, ri_n, 0.0
    ci = max(0.0, (lambda_max - n) / (n - 1))
    if ci < 1e-12:
        ci = 0.0
    return ci, ri_n, ci / ri_n


def _cr_of(a: np.ndarray, ri) -> float:
    n = a.shape[0]
    return consistency(_lambda_max(a), n, ri)[2]


def _nearest_scale(x: float) -> float:
    logs = np.log(np.array(SAATY_SCALE))
    return float(SAATY_SCALE[int(np.argmin(np.abs(logs - math.log(x))))])


def suggest_revision(matrix, *, ri="saaty1980", labels=None, name: str = "matrix") -> Suggestion | None:
    r"""Find the one judgement whose revision lowers CR most, and the value to give it.

    For every pair ``i < j`` the judgement ``a_ij = e^t`` (with ``a_ji = e^{-t}``) is varied
    alone and ``lambda_max(t)`` is minimised over ``t`` in ``[-ln 81, ln 81]`` (Brent's method;
    ``lambda_max`` is log-convex in ``t``, Kingman 1961, so the minimum is unique). The pair with
    the smallest minimum is reported; among pairs that do equally well (within 1e-9 n), one
    whose new value stays on Saaty's scale [1/9, 9] is preferred, then the smallest change
    ``|ln(value / current)|``, then matrix order. For a matrix that is consistent except for one
    pair (n >= 4), that pair is found and the value returned is the consistent one, with CR = 0.
    For n = 3 any of the three judgements can restore consistency; the tie-break chooses.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame
        Judgement matrix (validated by :func:`as_judgement_matrix`).
    ri : str or Mapping[int, float]
        Random index table.
    labels : sequence of str, optional
    name : str

    Returns
    -------
    Suggestion or None
        None when n <= 2 or the matrix is already consistent (CR = 0).
    """
    frame = as_judgement_matrix(matrix, labels, name=name)
    a = frame.to_numpy()
    n = a.shape[0]
    if n <= 2:
        return None
    cr0 = _cr_of(a, ri)
    if cr0 == 0.0:
        return None
    best = None
    for i, j in combinations(range(n), 2):
        work = a.copy()

        def lam(t, work=work, i=i, j=j):
            work[i, j] = math.exp(t)
            work[j, i] = math.exp(-t)
            return _lambda_max(work)

        res = minimize_scalar(lam, bounds=(-_SEARCH_LIMIT, _SEARCH_LIMIT), method="bounded",
                              options={"xatol": 1e-10})
        t, value = float(res.x), float(res.fun)
        off_scale = abs(t) > math.log(9.0) + 1e-9
        change = abs(t - math.log(a[i, j]))
        if best is None or value < best[0] - 1e-9 * n or (
                abs(value - best[0]) <= 1e-9 * n and (off_scale, change) < (best[4], best[5])):
            best = (value, i, j, t, off_scale, change)
    _, i, j, t, _, _ = best
    value = math.exp(t)
    trial = a.copy()
    trial[i, j], trial[j, i] = value, 1.0 / value
    cr_after = _cr_of(trial, ri)
    scale_value = _nearest_scale(value)
    trial[i, j], trial[j, i] = scale_value, 1.0 / scale_value
    cr_after_scale = _cr_of(trial, ri)
    labs = list(frame.index)
    return Suggestion(row=labs[i], column=labs[j], current=float(a[i, j]), value=value,
                      cr_after=cr_after, scale_value=scale_value, cr_after_scale=cr_after_scale)


def _perron_roots(stack: np.ndarray, v0: np.ndarray | None = None, tol: float = 1e-13,
                  max_iter: int = 200) -> np.ndarray:
    """Perron root of each positive matrix of a ``(k, n, n)`` stack.

    Batched power iteration, stopped by the Collatz-Wielandt bounds ``min_i (Av)_i / v_i <=
    lambda_max <= max_i (Av)_i / v_i`` (exact for positive matrices) once they agree to ``tol``
    relative; ``v0`` (e.g. the eigenvector of a nearby matrix) is the start. Matrices that have not
    converged after ``max_iter`` steps get numpy's eigenvalues.
    """
    k, n, _ = stack.shape
    v = np.broadcast_to(np.full(n, 1.0 / n) if v0 is None else v0 / v0.sum(), (k, n)).copy()
    lo = hi = np.zeros(k)
    for _ in range(max_iter):
        w = np.einsum("kij,kj->ki", stack, v)
        ratio = w / v
        lo, hi = ratio.min(axis=1), ratio.max(axis=1)
        v = w / w.sum(axis=1, keepdims=True)
        if np.all(hi - lo <= tol * hi):
            break
    lam = (lo + hi) / 2
    slow = hi - lo > tol * hi
    if slow.any():
        lam[slow] = np.linalg.eigvals(stack[slow]).real.max(axis=-1)
    return lam


def _cr_batch(stack: np.ndarray, ri, v0: np.ndarray | None = None) -> np.ndarray:
    """CR of each matrix of a ``(k, n, n)`` stack (n >= 3)."""
    n = stack.shape[-1]
    # small matrices: LAPACK is quicker than the iteration's bookkeeping; large ones: the iteration
    lam = np.linalg.eigvals(stack).real.max(axis=-1) if n <= 8 else _perron_roots(stack, v0)
    ri_n = random_index(n, ri)
    ci = np.maximum(0.0, (lam - n) / (n - 1))
    ci[ci < 1e-12] = 0.0
    return ci / ri_n


def revision_plan(matrix, *, threshold: float = 0.10, ri="saaty1980", max_steps: int | None = None,
                  labels=None, name: str = "matrix") -> RevisionPlan:
    r"""Judgement revisions on Saaty's scale, one after another, until ``CR <= threshold``.

    A single revision (:func:`suggest_revision`) can leave the matrix inconsistent, and its
    value rounded to the scale may be worse than the exact one. This plan only proposes values a
    judge can write (the 17 values of :data:`SAATY_SCALE`) and repeats until the matrix is
    acceptable. At each step every judgement ``a_ij`` (``i < j``) is tried at every other value
    ``v`` of the scale, with ``a_ji = 1/v`` (``17 n(n-1)/2`` matrices, their CR from the Perron
    eigenvalue ``CR = (lambda_max - n) / ((n - 1) RI(n))``):

    * if some of these single changes bring CR to ``threshold`` or below, the step is the one that
      departs least from the judgement given (smallest ``|ln v - ln a_ij|``; then lowest CR, then
      matrix order) -- the last step keeps as much of the judge's view as possible;
    * otherwise the step is the change that lowers CR most (then the smaller change, then matrix
      order).

    Every step lowers CR strictly, so the plan ends: at the threshold (``reached``), or when no
    single change on the scale lowers CR any more, or after ``max_steps``.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame
        Judgement matrix (validated by :func:`as_judgement_matrix`).
    threshold : float
        Acceptable CR (Saaty's 0.10).
    ri : str or Mapping[int, float]
        Random index table.
    max_steps : int, optional
        At most this many steps; default ``n(n-1)/2``, the number of judgements.
    labels : sequence of str, optional
    name : str

    Returns
    -------
    RevisionPlan
        No steps when the matrix is already acceptable (always for ``n <= 2``).
    """
    if not (isinstance(threshold, (int, float)) and np.isfinite(threshold) and threshold > 0):
        raise SpecError(f"The 'threshold' parameter must be a positive number. Got {threshold!r} instead.",
                        f"参数 “threshold” 必须是正数，收到的是 {threshold!r}。", parameter="threshold")
    frame = as_judgement_matrix(matrix, labels, name=name)
    a = frame.to_numpy().copy()
    n = a.shape[0]
    labs = [str(x) for x in frame.index]
    pairs = list(combinations(range(n), 2))
    if max_steps is None:
        max_steps = len(pairs)
    if not (isinstance(max_steps, (int, np.integer)) and max_steps >= 0):
        raise SpecError(f"The 'max_steps' parameter must be a whole number >= 0. Got {max_steps!r} instead.",
                        f"参数 “max_steps” 必须是不小于 0 的整数，收到的是 {max_steps!r}。", parameter="max_steps")
    cr0 = _cr_of(a, ri) if n >= 3 else 0.0
    cr = cr0
    steps = []
    scale = np.array(SAATY_SCALE)
    log_scale = np.log(scale)
    while n >= 3 and cr > threshold and len(steps) < max_steps:
        # every single change (pair p, scale value k) at once: a (P*17, n, n) stack
        stack = np.broadcast_to(a, (len(pairs), len(scale), n, n)).copy()
        for p, (i, j) in enumerate(pairs):
            stack[p, :, i, j] = scale
            stack[p, :, j, i] = 1.0 / scale
        v0 = _perron(a)[1]  # each candidate differs from ``a`` in one pair: start from its eigenvector
        crs = _cr_batch(stack.reshape(-1, n, n), ri, v0).reshape(len(pairs), len(scale))
        cur = np.array([math.log(a[i, j]) for i, j in pairs])
        # rounded keys: ln 6 - ln 4 and ln(1/4) - ln(1/6) are the same change and must tie
        dist = np.round(np.abs(log_scale[None, :] - cur[:, None]), 9)
        crs = np.where(dist == 0, np.inf, crs)  # the judgement as it is: not a change
        crk = np.round(crs, 10)
        order = np.arange(crs.size).reshape(crs.shape)  # matrix order, then scale order
        ok = crs <= threshold
        if ok.any():
            keys = np.lexsort((order[ok], crk[ok], dist[ok]))
            flat = np.flatnonzero(ok.ravel())[keys[0]]
        else:
            keys = np.lexsort((order.ravel(), dist.ravel(), crk.ravel()))
            flat = keys[0]
        p, k = divmod(int(flat), len(scale))
        new_cr = float(crs.flat[flat])
        if not new_cr < cr - 1e-12:
            break  # no single change on the scale lowers CR any more
        i, j = pairs[p]
        steps.append(Revision(row=labs[i], column=labs[j], current=float(a[i, j]), value=float(scale[k]),
                              cr_before=float(cr), cr_after=new_cr))
        a[i, j], a[j, i] = scale[k], 1.0 / scale[k]
        cr = _cr_of(a, ri)
    return RevisionPlan(steps=tuple(steps), cr_before=float(cr0), cr_after=float(cr), threshold=float(threshold),
                        reached=bool(cr <= threshold), matrix=pd.DataFrame(a, index=frame.index.copy(),
                                                                         columns=frame.columns.copy()),
                        name=name)


def ahp_priorities(matrix, *, method: str = "eigen", labels: Sequence[str] | None = None,
                   ri="saaty1980", threshold: float = 0.10, name: str = "matrix",
                   reciprocal_tol: float = 0.05, warn_inconsistent: bool = True,
                   off_scale: str = "warn") -> AHPResult:
    r"""Priority vector and consistency of one pairwise judgement matrix.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame
        Reciprocal judgement matrix on Saaty's scale; cells may be fraction strings.
    method : {"eigen", "geometric"}
        ``"eigen"`` (Saaty): ``w`` is the principal right eigenvector, ``A w = lambda_max w``,
        normalised to ``sum(w) = 1``. ``"geometric"`` (row geometric mean, Crawford & Williams
        1985): ``w_i ∝ (prod_j a_ij)^(1/n)``. Both give the same ``w`` for a consistent matrix.
    labels : sequence of str, optional
        Item labels for a plain array.
    ri : str or Mapping[int, float]
        Random index table (default Saaty 1980).
    threshold : float
        CR above which the matrix is inconsistent (Saaty's 0.10).
    name : str
        Matrix name for messages (e.g. the parent id).
    reciprocal_tol : float
        See :func:`as_judgement_matrix`.
    warn_inconsistent : bool
        Emit an :class:`~iiscore.errors.IIScoreWarning` when ``CR > threshold``.
    off_scale : {"warn", "error"}
        Judgements outside Saaty's scale: used with a warning, or refused naming the pair (see
        :func:`as_judgement_matrix`).

    Returns
    -------
    AHPResult
        ``lambda_max`` is always the Perron eigenvalue of ``A`` (the consistency ratio is a
        property of the matrix, whichever method gives the weights);
        ``CI = (lambda_max - n)/(n - 1)``, ``CR = CI / RI(n)``; 0 for n <= 2.

    Raises
    ------
    DataError
        Invalid matrix (see :func:`as_judgement_matrix`).
    SpecError
        Unknown ``method`` or ``ri``, or ``threshold`` not positive.

    Warns
    -----
    IIScoreWarning
        ``CR > threshold``: names the judgement whose change lowers CR most and the value
        that makes the matrix (most) consistent (see :func:`suggest_revision`).
    """
    check_choice("method", method, ("eigen", "geometric"))
    if not (isinstance(threshold, (int, float)) and np.isfinite(threshold) and threshold > 0):
        raise SpecError(f"The 'threshold' parameter must be a positive number. Got {threshold!r} instead.",
                        f"参数 “threshold” 必须是正数，收到的是 {threshold!r}。", parameter="threshold")
    frame = as_judgement_matrix(matrix, labels, name=name, reciprocal_tol=reciprocal_tol, off_scale=off_scale)
    a = frame.to_numpy()
    n = a.shape[0]
    random_index(n, ri)  # validate the table before any work
    lam, w_eig = _perron(a)
    w = w_eig if method == "eigen" else _geometric(a)
    w = np.clip(w, 0.0, None)
    w = w / w.sum()
    if n <= 2:
        lam = float(n)
    ci, ri_n, cr = consistency(lam, n, ri)
    consistent = cr <= threshold
    suggestion = None
    if not consistent:
        suggestion = suggest_revision(frame, ri=ri, name=name)
        if warn_inconsistent:
            s = suggestion
            warn(
                f"Judgement matrix '{name}' is not acceptably consistent: CR = {cr:.3f} > "
                f"{threshold:.2f} (lambda_max = {lam:.3f}, CI = {ci:.3f}, RI = {ri_n:.2f}). The "
                f"judgement whose change lowers CR most is a[{s.row}, {s.column}] = "
                f"{_fmt(s.current)}; setting it to {_fmt(s.value)} (≈ {_fmt(s.scale_value)} on "
                f"Saaty's scale) and a[{s.column}, {s.row}] to the reciprocal lowers CR to "
                f"{s.cr_after:.3f} ({s.cr_after_scale:.3f} with {_fmt(s.scale_value)}). "
                "Revisit that judgement with the expert.",
                f"判断矩阵 “{name}” 未通过一致性检验：CR = {cr:.3f} > {threshold:.2f}"
                f"（λmax = {lam:.3f}，CI = {ci:.3f}，RI = {ri_n:.2f}）。最能降低 CR 的判断是 "
                f"a[{s.row}, {s.column}] = {_fmt(s.current)}；将其改为 {_fmt(s.value)}（Saaty 标度上约为 "
                f"{_fmt(s.scale_value)}），a[{s.column}, {s.row}] 取倒数，CR 降至 {s.cr_after:.3f}"
                f"（取 {_fmt(s.scale_value)} 时为 {s.cr_after_scale:.3f}）。请与专家复核该判断。",
                stacklevel=2)
    return AHPResult(
        weights=pd.Series(w, index=frame.index.copy(), name="weight"),
        lambda_max=lam, ci=ci, ri=ri_n, cr=cr, n=n, method=method, threshold=float(threshold),
        consistent=consistent, suggestion=suggestion, matrix=frame, name=name,
    )


# --------------------------------------------------------------------------------------------
# several experts
# --------------------------------------------------------------------------------------------
def _expert_items(matrices):
    """(names, matrices) from a sequence or a mapping name -> matrix."""
    if isinstance(matrices, Mapping):
        names = [str(k) for k in matrices]
        mats = list(matrices.values())
    elif isinstance(matrices, (list, tuple)):
        names = [f"expert {k + 1}" for k in range(len(matrices))]
        mats = list(matrices)
    else:
        raise SpecError(
            "Give several experts' matrices as a list or as a mapping expert -> matrix. "
            f"Got {type(matrices).__name__} instead.",
            f"多位专家的判断矩阵应以列表或“专家 -> 矩阵”映射给出，收到的是 {type(matrices).__name__}。",
            parameter="matrices")
    if not mats:
        raise SpecError("No judgement matrices given. Give at least one expert's matrix.",
                        "未提供判断矩阵。至少需要一位专家的判断矩阵。", parameter="matrices")
    return names, mats


def _expert_weight_vector(expert_weights, names) -> np.ndarray:
    m = len(names)
    if expert_weights is None:
        return np.full(m, 1.0 / m)
    if isinstance(expert_weights, Mapping):
        missing = [k for k in names if k not in expert_weights]
        if missing:
            raise SpecError(f"No expert weight for {missing}. Give one weight per expert.",
                            f"缺少专家 {missing} 的权重。每位专家需要一个权重。", parameter="expert_weights")
        ew = np.array([expert_weights[k] for k in names], dtype=float)
    else:
        try:
            ew = np.asarray(expert_weights, dtype=float).ravel()
        except (TypeError, ValueError):
            raise SpecError("The 'expert_weights' parameter must be numbers.",
                            "参数 “expert_weights” 必须是数值。", parameter="expert_weights") from None
    if ew.shape != (m,) or not np.all(np.isfinite(ew)) or np.any(ew < 0) or ew.sum() <= 0:
        raise SpecError(
            f"The 'expert_weights' parameter must be {m} finite non-negative numbers, not all 0. "
            f"Got {expert_weights!r} instead.",
            f"参数 “expert_weights” 必须是 {m} 个有限的非负数且不全为 0，收到的是 {expert_weights!r}。",
            parameter="expert_weights")
    return ew / ew.sum()


def _align(frames, names) -> list[pd.DataFrame]:
    ref = list(frames[0].index)
    out = []
    for nm, fr in zip(names, frames):
        labs = list(fr.index)
        if set(labs) != set(ref):
            raise DataError(
                f"Expert '{nm}' compares {labs}, but expert '{names[0]}' compares {ref}. All "
                "experts must judge the same items.",
                f"专家 “{nm}” 比较的是 {labs}，而专家 “{names[0]}” 比较的是 {ref}。所有专家必须比较相同的项。",
                parameter="matrices")
        out.append(fr.loc[ref, ref])
    return out


def aggregate_judgements(matrices, *, expert_weights=None, labels=None) -> pd.DataFrame:
    r"""Aggregate individual judgements (AIJ): element-wise weighted geometric mean.

    ``a_ij = prod_k (a_ij^(k))^(lambda_k)`` with expert weights ``lambda_k`` summing to 1 (equal
    by default). The geometric mean is the aggregation that keeps the result reciprocal
    (Aczél & Saaty 1983; Forman & Peniwati 1998).

    Parameters
    ----------
    matrices : list of matrices or Mapping[str, matrix]
        One judgement matrix per expert, over the same items.
    expert_weights : sequence or Mapping, optional
    labels : sequence of str, optional
        Labels for plain arrays.

    Returns
    -------
    pandas.DataFrame
        The aggregated (reciprocal) matrix.
    """
    names, mats = _expert_items(matrices)
    frames = [as_judgement_matrix(mx, labels, name=nm) for nm, mx in zip(names, mats)]
    frames = _align(frames, names)
    ew = _expert_weight_vector(expert_weights, names)
    logs = np.stack([np.log(f.to_numpy()) for f in frames])
    agg = np.exp(np.tensordot(ew, logs, axes=1))
    return pd.DataFrame(agg, index=frames[0].index.copy(), columns=frames[0].columns.copy())


def ahp_group(matrices, *, aggregate: str = "judgements", method: str = "eigen",
              priority_mean: str = "arithmetic", expert_weights=None, labels=None,
              ri="saaty1980", threshold: float = 0.10, name: str = "matrix") -> AHPGroupResult:
    r"""Group priorities from several experts' judgement matrices.

    Parameters
    ----------
    matrices : list of matrices or Mapping[str, matrix]
        One judgement matrix per expert, over the same items.
    aggregate : {"judgements", "priorities"}
        ``"judgements"`` (AIJ): aggregate the matrices by the element-wise weighted geometric
        mean (:func:`aggregate_judgements`), then derive one priority vector; the group CR is
        that matrix's CR. ``"priorities"`` (AIP): derive each expert's priority vector, then
        average them with ``priority_mean``.
    method : {"eigen", "geometric"}
        Priority method for every matrix.
    priority_mean : {"arithmetic", "geometric"}
        AIP only: ``w = sum_k lambda_k w^(k)`` or ``w ∝ prod_k (w^(k))^(lambda_k)``.
    expert_weights : sequence or Mapping, optional
        Expert weights ``lambda_k`` (normalised to sum 1; equal by default).
    labels, ri, threshold, name
        As for :func:`ahp_priorities`.

    Returns
    -------
    AHPGroupResult

    Warns
    -----
    IIScoreWarning
        For each expert whose matrix has ``CR > threshold`` (named), and for the aggregated
        matrix in AIJ mode.
    """
    check_choice("aggregate", aggregate, ("judgements", "priorities"))
    check_choice("method", method, ("eigen", "geometric"))
    check_choice("priority_mean", priority_mean, ("arithmetic", "geometric"))
    names, mats = _expert_items(matrices)
    frames = [as_judgement_matrix(mx, labels, name=f"{name} / {nm}") for nm, mx in zip(names, mats)]
    frames = _align(frames, names)
    ew = _expert_weight_vector(expert_weights, names)
    individual = tuple(
        ahp_priorities(fr, method=method, ri=ri, threshold=threshold, name=f"{name} / {nm}")
        for nm, fr in zip(names, frames))
    combined = None
    if aggregate == "judgements":
        agg = aggregate_judgements(frames, expert_weights=ew)
        combined = ahp_priorities(agg, method=method, ri=ri, threshold=threshold,
                                  name=f"{name} (aggregated judgements)")
        w = combined.weights.to_numpy()
    else:
        ws = np.stack([r.weights.to_numpy() for r in individual])
        if priority_mean == "arithmetic":
            w = ew @ ws
        else:
            with np.errstate(divide="ignore"):
                w = np.exp(ew @ np.log(ws))
        w = w / w.sum()
    return AHPGroupResult(
        weights=pd.Series(w, index=frames[0].index.copy(), name="weight"),
        aggregate=aggregate, priority_mean=priority_mean, method=method,
        expert_weights=pd.Series(ew, index=pd.Index(names), name="expert_weight"),
        individual=individual, combined=combined,
    )


# --------------------------------------------------------------------------------------------
# hierarchy
# --------------------------------------------------------------------------------------------
def hierarchy_from_local(local: Mapping[str, pd.Series], results: Mapping | None = None) -> HierarchyWeights:
    r"""Global weights of a hierarchy from each parent's local weights.

    The global weight of a leaf is the product of the local weights on the path from the
    root: ``g(leaf) = prod_{v on path} w_local(v)``; a parent's global weight is the sum of its
    leaves'. Leaves are children that are not parents themselves.

    Parameters
    ----------
    local : Mapping[str, pandas.Series]
        parent id -> Series child id -> weight (non-negative; normalised to sum 1 here).
    results : Mapping, optional
        parent id -> the result object that produced the weights (kept for inspection).

    Returns
    -------
    HierarchyWeights

    Raises
    ------
    SpecError
        Empty input, a child under two parents, no single root, a cycle, or local weights that
        are negative, non-finite or all zero.
    """
    if not isinstance(local, Mapping) or not local:
        raise SpecError("Give at least one parent with its children's weights.",
                        "至少需要一个父节点及其子节点权重。", parameter="local")
    norm: dict[str, pd.Series] = {}
    parent_of: dict[str, str] = {}
    for parent, s in local.items():
        parent = str(parent)
        s = pd.Series(s, dtype=float)
        s.index = [str(i) for i in s.index]
        v = s.to_numpy()
        if len(v) == 0 or not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
            raise SpecError(
                f"The weights of the children of '{parent}' must be finite, non-negative and not "
                f"all 0. Got {dict(s)}.",
                f"“{parent}” 的子节点权重必须有限、非负且不全为 0，收到的是 {dict(s)}。",
                parameter=parent)
        for child in s.index:
            if child in parent_of:
                raise SpecError(
                    f"'{child}' is listed under two parents ('{parent_of[child]}' and '{parent}'). "
                    "Each node has one parent.",
                    f"“{child}” 同时属于两个父节点（“{parent_of[child]}” 与 “{parent}”）。每个节点只能有一个父节点。",
                    parameter=parent)
            if child == parent:
                raise SpecError(f"'{parent}' lists itself as a child.", f"“{parent}” 将自身列为子节点。",
                                parameter=parent)
            parent_of[child] = parent
        norm[parent] = pd.Series(v / v.sum(), index=pd.Index(s.index), name="weight")
    roots = [p for p in norm if p not in parent_of]
    if len(roots) != 1:
        raise SpecError(
            f"The parents {list(norm)} do not form one tree: roots found {roots}. Every parent "
            "except the root must be the child of another parent.",
            f"父节点 {list(norm)} 不构成一棵树：找到的根为 {roots}。除根以外，每个父节点都必须是另一个父节点的子节点。",
            parameter="local")
    root = roots[0]
    order: list[str] = []
    glob: dict[str, float] = {}
    leaves: dict[str, float] = {}
    stack = [(root, 1.0)]
    seen = set()
    while stack:
        node, g = stack.pop()
        if node in seen:  # pragma: no cover - excluded by the single-parent rule
            continue
        seen.add(node)
        if node in norm:
            order.append(node)
            for child, w in reversed(list(norm[node].items())):
                glob[child] = g * float(w)
                stack.append((child, g * float(w)))
        else:
            leaves[node] = g
    unreached = [p for p in norm if p not in seen]
    if unreached:
        raise SpecError(
            f"Parents {unreached} cannot be reached from the root '{root}' (a cycle?). Check the "
            "parent of each node.",
            f"从根 “{root}” 无法到达父节点 {unreached}（存在环？）。请检查每个节点的父节点。",
            parameter="local")
    # node_weights in depth-first order
    dfs: list[str] = []

    def visit(node):
        for c in norm.get(node, pd.Series(dtype=float)).index:
            dfs.append(c)
            visit(c)

    visit(root)
    leaf_order = [c for c in dfs if c not in norm]
    gw = pd.Series([leaves[c] for c in leaf_order], index=pd.Index(leaf_order), name="weight")
    nw = pd.Series([glob[c] for c in dfs], index=pd.Index(dfs), name="weight")
    return HierarchyWeights(
        root=root,
        local=MappingProxyType({p: norm[p] for p in order}),
        global_weights=gw,
        node_weights=nw,
        results=MappingProxyType(dict(results or {})),
    )


def _is_group(mx) -> bool:
    """Several experts' matrices (a mapping, or a list of 2-D tables) rather than one matrix."""
    if isinstance(mx, pd.DataFrame):
        return False
    if isinstance(mx, Mapping):
        return True
    if isinstance(mx, (list, tuple)) and len(mx) > 0:
        return all(isinstance(e, pd.DataFrame) or (isinstance(e, np.ndarray) and e.ndim == 2)
                   or (isinstance(e, (list, tuple)) and len(e) > 0
                       and all(isinstance(c, (list, tuple, np.ndarray)) for c in e))
                   for e in mx)
    return False


def ahp_hierarchy(matrices: Mapping, *, method: str = "eigen", aggregate: str = "judgements",
                  priority_mean: str = "arithmetic", ri="saaty1980", threshold: float = 0.10,
                  framework=None) -> HierarchyWeights:
    r"""Weights of a whole hierarchy from one judgement matrix (or one per expert) per parent.

    Parameters
    ----------
    matrices : Mapping[str, matrix or list of matrices]
        parent id -> a labelled judgement matrix (DataFrame; labels = child ids), or a list /
        mapping of several experts' matrices (combined by :func:`ahp_group`).
    method, aggregate, priority_mean, ri, threshold
        As for :func:`ahp_priorities` and :func:`ahp_group`.
    framework : iiscore.framework.Framework, optional
        When given, each matrix's labels must be exactly the children of its parent, and
        parents without a matrix keep the framework's local weights (so judging only the
        pillars is enough).

    Returns
    -------
    HierarchyWeights
        ``results[parent]`` is the :class:`AHPResult` / :class:`AHPGroupResult` (absent for
        parents whose weights came from the framework).
    """
    if not isinstance(matrices, Mapping) or not matrices:
        raise SpecError("Give a mapping parent id -> judgement matrix with at least one parent.",
                        "请以“父节点 -> 判断矩阵”映射给出至少一个父节点的判断矩阵。", parameter="matrices")
    local: dict[str, pd.Series] = {}
    results: dict[str, object] = {}
    for parent, mx in matrices.items():
        parent = str(parent)
        if _is_group(mx):
            res = ahp_group(mx, aggregate=aggregate, method=method, priority_mean=priority_mean,
                            ri=ri, threshold=threshold, name=parent)
        else:
            res = ahp_priorities(mx, method=method, ri=ri, threshold=threshold, name=parent)
        if framework is not None:
            expected = [str(c) for c in framework.children(parent)]
            got = [str(c) for c in res.weights.index]
            if set(expected) != set(got):
                raise DataError(
                    f"The judgement matrix for '{parent}' compares {got}, but the framework's "
                    f"children of '{parent}' are {expected}. Label the rows and columns with the "
                    "child ids.",
                    f"“{parent}” 的判断矩阵比较的是 {got}，而指标体系中 “{parent}” 的子节点为 {expected}。"
                    "请用子节点编号标注行和列。", parameter=parent)
            res_w = res.weights.loc[expected]
        else:
            res_w = res.weights
        local[parent] = res_w
        results[parent] = res
    if framework is not None:
        for level in framework.levels:
            for parent in level:
                if str(parent) not in local:
                    local[str(parent)] = framework.local_weights(parent)
    return hierarchy_from_local(local, results)

