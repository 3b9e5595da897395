r"""Pillar weights inferred from the published national series (and how tightly they are pinned).

The CAICT report does not publish its weights, but it publishes the national composite
``X_t`` and the five pillar sub-indices ``S_kt`` for 2020-2023 (2020 = 100), rounded to
integers, and the contribution of 基础能力 (``basic``) to the composite's 2022→2023 increase,
17.3 %. Because the composite is the weighted mean of the pillar sub-indices,

.. math:: X_t = \sum_k w_k S_{kt}, \qquad \sum_k w_k = 1, \qquad w_k \ge 0,

and the contribution of pillar ``b`` between years ``p`` and ``t`` is

.. math:: c_b = \frac{w_b (S_{bt} - S_{bp})}{X_t - X_p},

the weights are the unknowns of a small linear system. With the three non-trivial years, the
sum constraint and the contribution there are five equations for five weights: exactly
determined. Without the contribution one direction is free: underdetermined.

Two answers are returned:

* **a point** — least squares with ``w >= 0`` and ``sum(w) = 1``, each equation divided by its
  rounding tolerance, and among equally good fits the one of minimum norm ``||w||``;
* **bounds** — the exact range of every weight over *all* weight vectors that the rounded
  published figures allow: there must exist true (unrounded) sub-indices ``S*_kt`` within
  ``±h`` of the published integers (``h = 0.5``) whose weighted mean is within ``±h`` of the
  published composite, and (when used) whose contribution is within ``±hc`` of the published
  one (``hc = 0.05`` percentage points). That condition is bilinear in ``(w, S*)``; with the
  substitution ``y_kt = w_k S*_kt`` it becomes linear and exact:

  .. math::
     w_k (S_{kt} - h) \le y_{kt} \le w_k (S_{kt} + h), \qquad
     \Bigl|\sum_k y_{kt} - X_t\Bigr| \le h,

     (c - h_c)\,\textstyle\sum_k \Delta y_k \;\le\; \Delta y_b \;\le\; (c + h_c)\,\sum_k \Delta y_k
     \quad (\Delta X > 0;\ \text{reversed when } \Delta X < 0),

  where ``Δy_k = y_kt - y_kp`` (so ``Σ_k Δy_k`` is the true composite change and
  ``Δy_b = w_b ΔS*_b``). A weight vector is feasible iff some ``y`` satisfies these (take
  ``S*_kt = y_kt / w_k`` for ``w_k > 0``), so the bounds from ``scipy.optimize.linprog`` (min and
  max of each ``w_k`` over this polytope) are attained, not a relaxation. For the composite alone
  this reduces to the simpler ``|sum_k w_k S_kt - X_t| <= 2h`` (since ``sum(w) = 1``).

The pillar weights in ``data/framework.csv`` (12.58, 14.89, 20.42, 29.73, 22.38) are the point
with the contribution, as percentages rounded to two decimals so that they total 100
(:func:`round_to_total`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import linprog

from iiscore.errors import DataError, SpecError, warn

__all__ = [
    "InferredWeights",
    "load_published",
    "infer_weights",
    "round_to_total",
]

#: The published national series shipped with the package.
def _default_published() -> Path:
    from ..resources import data_file

    return data_file("national_published.csv")

_REQUIRED = ("kind", "node", "parent", "year", "value")
_KINDS = ("index", "contribution")
_MAX_CHILDREN = 15


@dataclass(frozen=True)
class InferredWeights:
    """Weights inferred from published results, with the feasible range of each.

    Attributes
    ----------
    weights : pandas.Series
        child id -> point estimate (non-negative, sums to 1).
    lower, upper : pandas.Series
        child id -> smallest / largest weight consistent with the published figures and their
        rounding (exact linear-programming bounds; NaN only if no weights are consistent).
    residuals : pandas.Series
        equation -> fitted minus published, in published units (index points for
        ``"<parent> <year>"``, percentage points for ``"contribution <node> <year>"``).
    used_contribution : bool
        Whether a published contribution entered the point and the bounds.
    determined : bool
        True when the equations fix every weight (rank = number of weights).
    method_note : str
        What was computed, how, and what was ignored (English).
    parent : str
        The composite whose children were weighted.
    free_directions : pandas.DataFrame
        Directions ``v`` (rows) along which ``w + t v`` fits the published figures equally
        well; empty when ``determined``.
    extremes : pandas.DataFrame
        Weight vectors attaining each bound (rows ``"<id> lower"``, ``"<id> upper"``).
    index_halfwidth, contribution_halfwidth : float
        Rounding half-widths used (index points; percentage points).
    """

    weights: pd.Series
    lower: pd.Series
    upper: pd.Series
    residuals: pd.Series
    used_contribution: bool
    determined: bool
    method_note: str
    parent: str
    free_directions: pd.DataFrame
    extremes: pd.DataFrame
    index_halfwidth: float
    contribution_halfwidth: float

    def to_frame(self) -> pd.DataFrame:
        """Table ``id, weight, lower, upper`` (one row per child)."""
        return pd.DataFrame({
            "id": list(self.weights.index),
            "weight": self.weights.to_numpy(),
            "lower": self.lower.to_numpy(),
            "upper": self.upper.to_numpy(),
        })


# --------------------------------------------------------------------------------------------
def load_published(source=None) -> pd.DataFrame:
    """Read and validate a published-figures table.

    Parameters
    ----------
    source : path or pandas.DataFrame, optional
        CSV with columns ``kind, node, parent, year, value`` (``unit``, ``source`` optional);
        default: the built-in ``national_published.csv``. ``kind`` is ``index`` (a published index value) or
        ``contribution`` (a percentage share of the parent's increase from the previous
        published year to ``year``).

    Returns
    -------
    pandas.DataFrame
        Same rows; ``year`` int, ``value`` float, ``parent`` "" for the root, and a
        ``_row`` column with the spreadsheet row (header = 1) for messages.

    Raises
    ------
    DataError
        Missing file or column, unknown kind, non-integer year, non-numeric value, duplicate
        (kind, node, parent, year); names the file, row and column.
    """
    file = None
    if source is None:
        source = _default_published()
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        file = Path(source)
        if not file.is_file():
            raise DataError(
                "Published-figures file not found. Give a CSV with columns kind,node,parent,year,value "
                "(e.g. data/national_published.csv).",
                "找不到已发布数据文件。请提供含 kind,node,parent,year,value 列的 CSV（如 data/national_published.csv）。",
                file=file)
        try:
            df = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(f"Cannot read the published-figures CSV ({exc}). Save it as UTF-8 CSV.",
                            f"无法读取已发布数据 CSV（{exc}）。请另存为 UTF-8 CSV。", file=file) from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise DataError(
            f"Missing column(s) {missing}; the published-figures table needs {list(_REQUIRED)}.",
            f"缺少列 {missing}；已发布数据表需要列 {list(_REQUIRED)}。", file=file, column=missing[0])
    df = df.reset_index(drop=True)
    df["_row"] = np.arange(len(df)) + 2
    out_kind, out_year, out_val = [], [], []
    for i, r in df.iterrows():
        row = int(r["_row"])
        kind = str(r["kind"]).strip()
        if kind not in _KINDS:
            raise DataError(f"Unknown kind {kind!r}; use 'index' or 'contribution'.",
                            f"未知的类型 {kind!r}；应为 'index' 或 'contribution'。", file=file, row=row,
                            column="kind")
        try:
            yf = float(str(r["year"]).strip())
            if not math.isfinite(yf) or yf != int(yf):
                raise ValueError
        except ValueError:
            raise DataError(f"Year {r['year']!r} is not an integer year such as 2023.",
                            f"年份 {r['year']!r} 不是整数年份（如 2023）。", file=file, row=row,
                            column="year") from None
        try:
            v = float(str(r["value"]).strip().rstrip("%"))
            if not math.isfinite(v):
                raise ValueError
        except ValueError:
            raise DataError(f"Value {r['value']!r} is not a number.", f"数值 {r['value']!r} 不是数字。",
                            file=file, row=row, column="value") from None
        out_kind.append(kind)
        out_year.append(int(yf))
        out_val.append(v)
    df["kind"] = out_kind
    df["year"] = np.array(out_year, dtype=int)
    df["value"] = np.array(out_val, dtype=float)
    df["node"] = [str(x).strip() for x in df["node"]]
    df["parent"] = ["" if (x is None or (isinstance(x, float) and math.isnan(x))) else str(x).strip()
                    for x in df["parent"]]
    dup = df.duplicated(subset=["kind", "node", "parent", "year"], keep="first")
    if dup.any():
        r = df[dup].iloc[0]
        raise DataError(
            f"Duplicate figure: kind={r['kind']}, node={r['node']}, year={r['year']} appears twice. "
            "Keep one row per figure.",
            f"重复的数据：kind={r['kind']}，node={r['node']}，year={r['year']} 出现两次。每个数据只保留一行。",
            file=file, row=int(r["_row"]), column="node")
    return df


def round_to_total(weights, total: float = 100.0, decimals: int = 2) -> pd.Series:
    r"""Round weights so that the rounded values total exactly ``total`` (largest remainder).

    ``w`` is scaled to ``total``, every value is rounded down to ``decimals``, and the missing
    units of the last decimal go, one each, to the values with the largest remainders (ties in
    order) — Hamilton's method. It is how "each level totals 100" (权重总分 100) is kept when
    weights are published to two decimals.

    Parameters
    ----------
    weights : pandas.Series
        Non-negative, not all 0.
    total : float
    decimals : int

    Returns
    -------
    pandas.Series
        Rounded values that sum to ``total`` (up to float representation).
    """
    w = pd.Series(weights, dtype=float)
    v = w.to_numpy()
    if len(v) == 0 or not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
        raise SpecError("Weights to round must be finite, non-negative and not all 0.",
                        "待取整的权重必须有限、非负且不全为 0。", parameter="weights")
    unit = 10.0 ** decimals
    scaled = v / v.sum() * total * unit
    base = np.floor(scaled + 1e-9)
    missing = int(round(total * unit - base.sum()))
    order = np.argsort(-(scaled - base), kind="stable")
    base[order[:missing]] += 1
    return pd.Series(base / unit, index=w.index, name=w.name)


# --------------------------------------------------------------------------------------------
def _ls_simplex_minnorm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""``argmin ||a w - b||`` over ``w >= 0, sum(w) = 1``, minimum ``||w||`` among minimisers.

    Exact active-set enumeration: for every support ``S`` the equality-constrained least
    squares on ``S`` is solved (minimum-norm, via an orthonormal basis of ``{x: sum x = 0}``);
    non-negative candidates are compared by residual, then by norm. The optimum's support is
    among those tried, and on it the minimum-norm solution is the optimum (it lies in the
    relative interior of the face), so the result is exact. ``2^n - 1`` small solves.
    """
    n = a.shape[1]
    best = None
    for k in range(1, n + 1):
        for support in combinations(range(n), k):
            idx = list(support)
            a_s = a[:, idx]
            x0 = np.full(k, 1.0 / k)
            if k == 1:
                x = x0
            else:
                basis = null_space(np.ones((1, k)))
                z = np.linalg.lstsq(a_s @ basis, b - a_s @ x0, rcond=None)[0]
                x = x0 + basis @ z
            if x.min() < -1e-10:
                continue
            x = np.clip(x, 0.0, None)
            x = x / x.sum()
            w = np.zeros(n)
            w[idx] = x
            rss = float(np.sum((a @ w - b) ** 2))
            nrm = float(w @ w)
            if best is None:
                best = (rss, nrm, w)
                continue
            tol = 1e-9 * max(1.0, best[0])
            if rss < best[0] - tol or (abs(rss - best[0]) <= tol and nrm < best[1] - 1e-12):
                best = (rss, nrm, w)
    return best[2]


def _bounds_lp(S: np.ndarray, X: np.ndarray, contribs, h: float, n: int):
    """Exact min/max of each weight over the rounding-consistent set (see the module docstring).

    Returns (lower, upper, extremes) with extremes a list of (label, w) or None if infeasible.
    """
    T = S.shape[0]
    nv = n + n * T

    def yi(k, t):
        return n + t * n + k

    rows, rhs = [], []
    for t in range(T):
        for k in range(n):
            r = np.zeros(nv)
            r[yi(k, t)] = 1.0
            r[k] = -(S[t, k] + h)
            rows.append(r)
            rhs.append(0.0)
            r = np.zeros(nv)
            r[yi(k, t)] = -1.0
            r[k] = S[t, k] - h
            rows.append(r)
            rhs.append(0.0)
        r = np.zeros(nv)
        r[[yi(k, t) for k in range(n)]] = 1.0
        rows.append(r)
        rhs.append(X[t] + h)
        rows.append(-r)
        rhs.append(-(X[t] - h))
    for (b, t, p, c_lo, c_hi, sign) in contribs:
        d = np.zeros(nv)  # true composite change  sum_k (y_kt - y_kp)
        for k in range(n):
            d[yi(k, t)] += 1.0
            d[yi(k, p)] -= 1.0
        dyb = np.zeros(nv)
        dyb[yi(b, t)] = 1.0
        dyb[yi(b, p)] = -1.0
        # sign > 0:  c_lo d <= dyb <= c_hi d ;  sign < 0: c_hi d <= dyb <= c_lo d
        lo_c, hi_c = (c_lo, c_hi) if sign > 0 else (c_hi, c_lo)
        rows.append(dyb - hi_c * d)
        rhs.append(0.0)
        rows.append(lo_c * d - dyb)
        rhs.append(0.0)
    a_ub = np.array(rows)
    b_ub = np.array(rhs)
    a_eq = np.zeros((1, nv))
    a_eq[0, :n] = 1.0
    bounds = [(0.0, 1.0)] * n + [(None, None)] * (n * T)
    lower, upper, extremes = np.empty(n), np.empty(n), []
    for k in range(n):
        for sgn, store in ((1.0, lower), (-1.0, upper)):
            c = np.zeros(nv)
            c[k] = sgn
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
            if res.status != 0:
                return None
            w = np.clip(res.x[:n], 0.0, None)
            store[k] = float(np.clip(res.x[k], 0.0, 1.0))
            extremes.append((k, "lower" if sgn > 0 else "upper", w / w.sum()))
    return lower, upper, extremes


def infer_weights(published=None, *, parent: str = "iidei", use_contribution: bool = True,
                  index_halfwidth: float = 0.5, contribution_halfwidth: float = 0.05) -> InferredWeights:
    r"""Infer the weights of ``parent``'s children from published index values (and contributions).

    Parameters
    ----------
    published : path or pandas.DataFrame, optional
        Published figures (see :func:`load_published`); default the shipped
        ``data/national_published.csv``.
    parent : str
        The composite node (``"iidei"``); its children are the ``index`` rows whose ``parent``
        is ``parent``, in order of first appearance.
    use_contribution : bool
        Use the published contributions to ``parent``'s increase (17.3 % for ``basic``).
        Contributions to other parents (50.5 % ``identifier`` → ``basic``) cannot be used: the
        sub-indices below ``basic`` are not published; they are listed in ``method_note``.
    index_halfwidth : float
        Rounding half-width of every published index value (0.5: integers).
    contribution_halfwidth : float
        Rounding half-width of a published contribution, in percentage points (0.05: 17.3 %).

    Returns
    -------
    InferredWeights
        Point (tolerance-scaled non-negative least squares on the simplex, minimum norm among
        equal fits), exact LP bounds, residuals, and a ``method_note`` stating all of it.

    Raises
    ------
    DataError
        No composite or child rows for ``parent``; a child value missing for a year that has a
        composite value; a contribution for an unknown child or a year without a previous
        published year; a composite change too small (``|ΔX| <= 2h``) for a contribution.
    SpecError
        Bad half-widths, or more than 15 children.

    Notes
    -----
    Equations (published values ``S_kt``, ``X_t``, contribution ``c`` in %):
    ``sum_k S_kt w_k = X_t`` scaled by ``1 / (2h)`` — the composite's own rounding ``h`` plus at
    most ``h`` from the pillar values, since ``sum(w) = 1`` — and
    ``100 ΔS_b / ΔX · w_b = c`` scaled by ``1 / h_c``. The base year (all values 100) is an
    identity given ``sum(w) = 1`` and constrains nothing.
    """
    for nm, v in (("index_halfwidth", index_halfwidth), ("contribution_halfwidth", contribution_halfwidth)):
        if isinstance(v, bool) or not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise SpecError(f"The '{nm}' parameter must be a positive number. Got {v!r} instead.",
                            f"参数 “{nm}” 必须是正数，收到的是 {v!r}。", parameter=nm)
    h, hc = float(index_halfwidth), float(contribution_halfwidth)
    df = load_published(published)
    file = None if isinstance(published, pd.DataFrame) else (published or _default_published())
    idx = df[df["kind"] == "index"]
    comp = idx[idx["node"] == parent]
    if comp.empty:
        raise DataError(
            f"No published index rows for the composite '{parent}' (kind=index, node={parent}). "
            "Add them or choose another parent.",
            f"没有复合指数 “{parent}” 的已发布数值（kind=index，node={parent}）。请补充，或选择其他父节点。",
            file=file, parameter="parent")
    kids_rows = idx[idx["parent"] == parent]
    children = list(dict.fromkeys(kids_rows["node"]))
    if not children:
        raise DataError(
            f"No published index rows for the children of '{parent}' (kind=index, parent={parent}).",
            f"没有 “{parent}” 子指数的已发布数值（kind=index，parent={parent}）。", file=file, parameter="parent")
    n = len(children)
    if n > _MAX_CHILDREN:
        raise SpecError(f"'{parent}' has {n} children; inference is limited to {_MAX_CHILDREN}.",
                        f"“{parent}” 有 {n} 个子指数；权重推断最多支持 {_MAX_CHILDREN} 个。", parameter="parent")
    years = sorted(int(y) for y in comp["year"])
    X = comp.set_index("year")["value"].reindex(years).to_numpy(dtype=float)
    S = np.empty((len(years), n))
    for k, ch in enumerate(children):
        s = kids_rows[kids_rows["node"] == ch].set_index("year")["value"]
        for t, y in enumerate(years):
            if y not in s.index:
                raise DataError(
                    f"'{ch}' has no published value for {y}, but the composite '{parent}' has. Every "
                    "child needs a value for every year of the composite.",
                    f"“{ch}” 缺少 {y} 年的已发布数值，而复合指数 “{parent}” 有该年数值。每个子指数都需要复合指数各年的数值。",
                    file=file, parameter=ch)
            S[t, k] = float(s.loc[y])

    contrib_rows = df[df["kind"] == "contribution"]
    own = contrib_rows[contrib_rows["parent"] == parent]
    ignored = [f"{r.node}→{r.parent or '(root)'} {r.year} ({r.value:g} %)"
               for r in contrib_rows[contrib_rows["parent"] != parent].itertuples()]
    contribs = []  # (child index, t index, p index, c_lo, c_hi, sign)
    eq_rows, eq_rhs, eq_names, eq_kind = [], [], [], []
    for t, y in enumerate(years):
        eq_rows.append(S[t] / (2 * h))
        eq_rhs.append(X[t] / (2 * h))
        eq_names.append(f"{parent} {y}")
        eq_kind.append(("index", t))
    used = []
    if use_contribution:
        for _, r in own.iterrows():
            row = int(r["_row"])
            if r.node not in children:
                raise DataError(
                    f"Contribution row for '{r.node}' → '{parent}', but '{r.node}' is not a published "
                    f"child of '{parent}' ({children}).",
                    f"贡献率行 “{r.node}” → “{parent}”，但 “{r.node}” 不是 “{parent}” 已发布的子指数（{children}）。",
                    file=file, row=row, column="node")
            y = int(r.year)
            prev = [q for q in years if q < y]
            if y not in years or not prev:
                raise DataError(
                    f"Contribution of '{r.node}' in {y} needs published '{parent}' values for {y} and "
                    "an earlier year.",
                    f"{y} 年 “{r.node}” 的贡献率需要 “{parent}” 在 {y} 年及更早年份的已发布数值。",
                    file=file, row=row, column="year")
            t, p = years.index(y), years.index(prev[-1])
            b = children.index(r.node)
            dx = X[t] - X[p]
            if abs(dx) <= 2 * h:
                raise DataError(
                    f"The composite '{parent}' changes by {dx:g} from {years[p]} to {y}, within the "
                    f"rounding of its published values (±{2 * h:g}); a contribution to that change "
                    "cannot constrain the weights. Use use_contribution=False.",
                    f"复合指数 “{parent}” 从 {years[p]} 到 {y} 年变化 {dx:g}，在已发布数值的取整误差（±{2 * h:g}）之内；"
                    "其贡献率无法约束权重。请使用 use_contribution=False。", file=file, row=row, column="value")
            ds = S[t, b] - S[p, b]
            eq_rows.append(np.where(np.arange(n) == b, 100.0 * ds / dx / hc, 0.0))
            eq_rhs.append(float(r.value) / hc)
            eq_names.append(f"contribution {r.node} {y}")
            eq_kind.append(("contribution", (b, t, p, float(r.value), ds, dx)))
            contribs.append((b, t, p, (float(r.value) - hc) / 100.0, (float(r.value) + hc) / 100.0,
                             1.0 if dx > 0 else -1.0))
            used.append(f"{r.node}→{parent} {years[p]}→{y} = {r.value:g} % (±{hc:g})")
    else:
        ignored = [f"{r.node}→{r.parent or '(root)'} {r.year} ({r.value:g} %)" for r in contrib_rows.itertuples()]

    A = np.array(eq_rows)
    B = np.array(eq_rhs)
    w = _ls_simplex_minnorm(A, B)

    # identifiability: rank of the equations together with sum(w) = 1
    full = np.vstack([A / np.linalg.norm(A, axis=1, keepdims=True), np.ones((1, n)) / math.sqrt(n)])
    sv = np.linalg.svd(full, compute_uv=False)
    rank = int(np.sum(sv > 1e-9 * sv[0]))
    determined = rank >= n
    free = null_space(full, rcond=1e-9) if not determined else np.zeros((n, 0))
    free_df = pd.DataFrame(free.T, columns=pd.Index(children),
                           index=pd.Index([f"direction {i + 1}" for i in range(free.shape[1])]))

    # residuals in published units
    res_vals = []
    for kind, info in eq_kind:
        if kind == "index":
            res_vals.append(float(S[info] @ w - X[info]))
        else:
            b, t, p, c, ds, dx = info
            res_vals.append(float(100.0 * w[b] * ds / dx - c))
    residuals = pd.Series(res_vals, index=pd.Index(eq_names), name="fitted_minus_published")

    lp = _bounds_lp(S, X, contribs, h, n)
    if lp is None:
        lower = upper = np.full(n, np.nan)
        extremes = pd.DataFrame(columns=pd.Index(children), dtype=float)
        warn("No non-negative weights reproduce the published figures within their rounding; the "
             "bounds are NaN and the point is only the closest fit. Check the published values and "
             "the half-widths.",
             "没有任何非负权重能在取整误差内重现已发布数据；权重区间为 NaN，点估计仅为最接近的拟合。请检查已发布数值与取整半宽。")
        bounds_text = "Bounds: none — the feasible set is empty (no weights reproduce the figures within rounding)."
    else:
        lower, upper, ext = lp
        extremes = pd.DataFrame([e[2] for e in ext], columns=pd.Index(children),
                                index=pd.Index([f"{children[e[0]]} {e[1]}" for e in ext]))
        bounds_text = (
            "Bounds: exact min and max of each weight (scipy.optimize.linprog, HiGHS) over all "
            f"weights w >= 0, sum(w) = 1, for which some true (unrounded) child series S*_kt within "
            f"±{h:g} of every published value of the children of '{parent}' gives a composite sum_k w_k S*_kt within ±{h:g} of the "
            f"published '{parent}' value every year"
            + (f" and a contribution w_b ΔS*_b / ΔX* within ±{hc:g} percentage points of the published one"
               if contribs else "")
            + "; linear after substituting y_kt = w_k S*_kt (w_k (S_kt - h) <= y_kt <= w_k (S_kt + h), "
            "|sum_k y_kt - X_t| <= h"
            + (", (c - hc) sum_k Δy_k <= Δy_b <= (c + hc) sum_k Δy_k" if contribs else "")
            + "), so no relaxation: every bound is attained (see `extremes`)."
        )

    eq_text = ", ".join(eq_names)
    point_text = (
        f"Point: least squares over the {len(eq_names)} published equations ({eq_text}) with "
        "w >= 0 and sum(w) = 1; composite equations sum_k S_kt w_k = X_t divided by their tolerance "
        f"±{2 * h:g} (±{h:g} composite rounding plus at most ±{h:g} from the child values, as sum(w) = 1)"
        + (f", contribution equations 100 ΔS_b/ΔX w_b = c divided by ±{hc:g}" if contribs else "")
        + "; among equally good fits the minimum-norm w."
    )
    if determined:
        det_text = (f"Identification: exactly determined — the equations fix all {n} weights (rank {rank}); "
                    f"max |residual| = {np.max(np.abs(res_vals)):.2g}.")
    else:
        dirs = "; ".join(", ".join(f"{c} {v:+.3f}" for c, v in zip(children, free[:, i]))
                         for i in range(free.shape[1]))
        det_text = (
            f"Identification: UNDERDETERMINED — rank {rank} < {n} weights: the published figures do "
            f"not pin the weights down. The point is only the minimum-norm weights among the "
            f"infinitely many that fit equally well (w + t·v for the free direction(s) v: {dirs}); "
            "report the bounds, not the point.")
    used_text = ("Contributions used: " + "; ".join(used) + ".") if used else "Contributions used: none."
    ign_text = ("Ignored: " + "; ".join(ignored) + (
        " (constrain weights inside another parent, whose children's series are not published)"
        if use_contribution else " (use_contribution=False)") + ".") if ignored else ""
    note = " ".join(x for x in (point_text, det_text, used_text, ign_text, bounds_text) if x)

    idx_children = pd.Index(children, name="id")
    return InferredWeights(
        weights=pd.Series(w, index=idx_children, name="weight"),
        lower=pd.Series(lower, index=idx_children.copy(), name="lower"),
        upper=pd.Series(upper, index=idx_children.copy(), name="upper"),
        residuals=residuals,
        used_contribution=bool(contribs),
        determined=determined,
        method_note=note,
        parent=parent,
        free_directions=free_df,
        extremes=extremes,
        index_halfwidth=h,
        contribution_halfwidth=hc,
    )
