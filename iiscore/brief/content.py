"""What the brief says: a :class:`Document` of blocks built from a :class:`iiscore.profile.Profile`.

The PDF (:mod:`iiscore.brief.pdf`) and Word (:mod:`iiscore.brief.docx`) renderers draw the same
document, so both carry exactly the same words and numbers. Numbers are written here once (scores
to 2 decimals as the app shows them, gaps to 1, changes to 2 with their sign).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import text as T
from .text import fmt_gap, fmt_num, fmt_pct, fmt_score, tr

__all__ = ["Document", "Heading", "Para", "Figures", "Table", "Bullets", "PillarChart", "TrajectoryChart",
           "PageBreak", "Keep", "Link", "document"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # body | small | lead


@dataclass(frozen=True)
class Figures:
    """Key figures: (label, value) pairs drawn as a box of cells."""

    items: tuple


@dataclass(frozen=True)
class Table:
    header: tuple
    rows: tuple
    widths: tuple          # relative column widths
    align: tuple           # "l" | "r" | "c" per column
    small: bool = False
    sections: tuple = ()   # ((row index, label), ...): a full-width label row before that row
    span: float = 1.0      # share of the text width the table takes


@dataclass(frozen=True)
class Bullets:
    items: tuple
    style: str = "small"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Keep:
    """Blocks kept on one page when the format can (the PDF)."""

    blocks: tuple


@dataclass(frozen=True)
class PillarChart:
    """Grouped horizontal bars: one group per pillar, one bar per series."""

    title: str
    categories: tuple
    series: tuple          # ((label, values tuple, hex colour), ...)
    vmin: float
    vmax: float


@dataclass(frozen=True)
class TrajectoryChart:
    """Score (left) and rank (right, best on top) over the years."""

    title: str
    years: tuple
    scores: tuple
    ranks: tuple
    n_regions: int
    score_label: str
    rank_label: str


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    issued: str
    footer: str
    blocks: tuple
    lang: str
    meta: dict = field(default_factory=dict)


# colours: the region (dark blue), its tier (mid grey-blue), the leader (orange)
REGION_COLOUR, TIER_COLOUR, LEADER_COLOUR = "#1f4e79", "#8fa9c4", "#e08a2c"


def _tier_text(p, lang):
    if p.tier is None:
        return tr("k.none", lang)
    return tr("k.tier.v", lang, tier=p.tier, name=p.tier_name[1 if lang == "en" else 0])


def _join(items, lang):
    return ("、" if lang == "zh" else ", ").join(items)


def _ind_name(p, j, lang):
    ind = p.indicators
    return str(ind.at[j, "name_en" if lang == "en" else "name_zh"]) if j in ind.index else str(j)


def _pillar_name(p, k, lang):
    pil = p.pillars
    return str(pil.at[k, "name_en" if lang == "en" else "name_zh"]) if k in pil.index else str(k)


def _headline(p, lang) -> list:
    items = [(tr("k.score", lang), fmt_score(p.composite)),
             (tr("k.rank", lang), tr("k.rank.v", lang, rank=p.rank, n=p.n_regions)),
             (tr("k.tier", lang), _tier_text(p, lang))]
    if p.report_tier is not None:
        items.append((tr("k.report_tier", lang, year=p.settings.get("report_year", 2023)),
                      tr("k.tier.v", lang, tier=p.report_tier, name=p.report_tier_name[1 if lang == "en" else 0])))
    if p.first_year is not None:
        r0 = int(p.trajectory.at[p.first_year, "rank"])
        r1 = int(p.trajectory.at[p.year, "rank"])
        items.append((tr("k.change", lang, y0=p.first_year), tr("k.change.v", lang, d=fmt_gap(p.change, 2), r0=r0, r1=r1)))
    items.append((tr("k.estimates", lang), f"{p.estimate_share:.1f}%"))
    return [Figures(tuple(items))]


def _summary(p, lang) -> Para:
    name = p.name(lang)
    if p.tier is not None:
        s = tr("summary", lang, region=name, n=p.n_regions, rank=p.rank, tier=p.tier,
               tname=p.tier_name[1 if lang == "en" else 0])
    else:
        s = tr("summary.notier", lang, region=name, n=p.n_regions, rank=p.rank)
    sp = " " if lang == "en" else ""
    st, wk = p.strengths, p.weaknesses
    if st:
        s += sp + tr("summary.strengths", lang, items=_join([_ind_name(p, j, lang) for j in st], lang))
    if wk:
        s += sp + tr("summary.weaknesses", lang, items=_join([_ind_name(p, j, lang) for j in wk], lang))
    if not st and not wk:
        s += sp + tr("summary.flat", lang, m=p.margin)
    return Para(s, "lead")


def _scale(p, lang) -> str:
    s = p.settings
    if s.get("normalisation") == "minmax":
        return tr("scale.minmax.pooled" if s.get("goalposts") == "pooled" else "scale.minmax", lang, n=p.n_regions)
    return tr("scale.other", lang, norm=T.option("normalisation", s.get("normalisation"), lang))


def _charts(p, lang) -> list:
    out = []
    pil = p.pillars
    cats = tuple(_pillar_name(p, k, lang) for k in pil.index)
    leader = p.region_label(p.leader, lang)
    series = [(p.name(lang), tuple(float(v) for v in pil["score"]), REGION_COLOUR)]
    if p.tier is not None and np.isfinite(pil["tier_mean"]).any():
        series.append((tr("c.tier_avg", lang, tier=p.tier), tuple(float(v) for v in pil["tier_mean"]), TIER_COLOUR))
    series.append((tr("c.leader", lang, leader=leader, rank=p.leader_rank),
                   tuple(float(v) for v in pil["best"]), LEADER_COLOUR))
    vals = np.array([v for _, vs, _ in series for v in vs], float)
    vals = vals[np.isfinite(vals)]
    lo = min(0.0, float(vals.min())) if len(vals) else 0.0
    hi = max(100.0, float(vals.max())) if p.settings.get("normalisation") != "zscore" else float(vals.max())
    title = tr("c.pillars" if p.tier is not None else "c.pillars.notier", lang, region=p.name(lang), leader=leader)
    out.append(PillarChart(title, cats, tuple(series), lo, hi))
    traj = p.trajectory.dropna()
    if len(traj) >= 2:
        out.append(TrajectoryChart(tr("c.trajectory", lang, y0=int(traj.index.min()), y1=int(traj.index.max())),
                                   tuple(int(y) for y in traj.index), tuple(float(v) for v in traj["score"]),
                                   tuple(int(v) for v in traj["rank"]), p.n_regions, tr("c.score", lang),
                                   tr("c.rank", lang)))
    return out


def _rank_text(r, n=None):
    if r is None or (isinstance(r, float) and not np.isfinite(r)):
        return "—"
    return f"{int(r)}" if n is None else f"{int(r)}/{int(n)}"


def _pillar_table(p, lang) -> Table:
    pil = p.pillars
    rows = []
    for k in pil.index:
        r = pil.loc[k]
        rows.append((_pillar_name(p, k, lang), f"{r['weight']:.1f}", fmt_score(r["score"]), _rank_text(r["rank"]),
                     fmt_gap(r["gap_tier"]), fmt_gap(r["gap_median"]), T.MARKS[r["mark"]]))
    head = (tr("col.pillar", lang), tr("col.weight", lang), tr("col.score", lang), tr("col.rank", lang),
            tr("col.tier_gap", lang), tr("col.median_gap", lang), "")
    return Table(head, tuple(rows), (3.2, 1.1, 1.1, 0.9, 1.3, 1.3, 0.5), ("l", "r", "r", "r", "r", "r", "c"))


def _source_label(src: str, method: str = "") -> str:
    """A source as one short line: an estimate by its method's name (the text before its ':'), a
    statistic up to ' via ' (the mirror it was read from), at most 120 characters."""
    s = " ".join(str(src).split())
    if method and ":" in s:
        s = s.split(":")[0]
    for cut in ("; via ", " via "):
        if cut in s:
            s = s.split(cut)[0]
    return s if len(s) <= 120 else s[:119] + "…"


def _indicator_table(p, lang) -> tuple:
    ind = p.indicators
    rows, sections, srcs = [], [], {}
    last = None
    for j in ind.index:
        r = ind.loc[j]
        if r["pillar"] != last:
            sections.append((len(rows), _pillar_name(p, r["pillar"], lang)))
            last = r["pillar"]
        u = T.unit(r["unit"], lang)
        val = fmt_num(r["raw"]) + (f" {u}" if u else "")
        label = _source_label(r["source"], str(r["method"] or "")) if str(r["source"] or "").strip() else ""
        ref = ""
        if label:
            ref = f" [{srcs.setdefault(label, len(srcs) + 1)}]"
        rows.append((_ind_name(p, j, lang) + ref, val, T.provenance(r["provenance"], lang),
                     fmt_score(r["normalised"], 1), _rank_text(r["rank"]), fmt_gap(r["gap_tier"]),
                     fmt_gap(r["gap_median"]), T.MARKS[r["mark"]]))
    head = (tr("col.indicator", lang), tr("col.value", lang), tr("col.prov", lang), tr("col.score", lang),
            tr("col.rank", lang), tr("col.tier_gap", lang), tr("col.median_gap", lang), "")
    table = Table(head, tuple(rows), (3.0, 2.6, 1.2, 0.9, 0.7, 1.1, 1.1, 0.4), ("l", "r", "l", "r", "r", "r", "r", "c"),
                  small=True, sections=tuple(sections))
    return table, list(srcs)


def _peers(p, lang) -> list:
    out = [Heading(tr("h.peers", lang), 2)]
    L = len(p.indicators)
    if len(p.nearest):
        out.append(Para(tr("peers.nearest", lang, l=L), "small"))
        rows = []
        for _, r in p.nearest.iterrows():
            apart = _join([f"{_ind_name(p, j, lang)} {fmt_gap(v)}" for j, v in r["apart"]], lang)
            rows.append((p.region_label(r["region"], lang), f"{r['distance']:.1f}", _rank_text(r["rank"]),
                         fmt_score(r["composite"]), apart))
        out.append(Table((tr("col.region", lang), tr("col.distance", lang), tr("col.rank", lang),
                          tr("col.score", lang), tr("col.apart", lang)), tuple(rows), (1.4, 0.9, 0.8, 0.9, 6.0),
                         ("l", "r", "r", "r", "l"), small=True))
    if len(p.neighbours):
        out.append(Para(tr("peers.neighbours", lang), "small"))
        rows = []
        for _, r in p.neighbours.iterrows():
            parts = _join([f"{_pillar_name(p, k, lang)} {fmt_gap(v, 2)}" for k, v in r["pillars"]]
                          + [f"{_ind_name(p, j, lang)} {fmt_gap(v, 2)}" for j, v in r["indicators"]], lang)
            pos = tr("peers." + r["position"], lang)
            rows.append((p.region_label(r["region"], lang) + (f"（{pos}）" if lang == "zh" else f" ({pos})"),
                         _rank_text(r["rank"]), fmt_score(r["composite"]), fmt_gap(r["gap"], 2), parts))
        out.append(Table((tr("col.region", lang), tr("col.rank", lang), tr("col.score", lang), tr("col.gap", lang),
                          tr("col.parts", lang)), tuple(rows), (1.6, 0.7, 0.9, 0.9, 5.9), ("l", "r", "r", "r", "l"),
                         small=True))
        out.append(Para(tr("peers.note", lang), "small"))
    return out


def _goal_block(p, gs, key, lang) -> list:
    out = [Para(tr(key, lang), "body")]
    if gs is None:
        return out + [Para(tr("robust.none", lang), "small")]
    if not gs.reached:
        return out + [Para(tr("take.none", lang, msg=gs.message(lang)), "small")]
    if gs.method == "none-needed":
        return out + [Para(gs.message(lang), "small")]
    rows = [(_ind_name(p, j, lang), fmt_pct(v)) for j, v in gs.changes.items() if v != 0]
    t0 = gs.tier_before if gs.tier_before is not None else "—"
    t1 = gs.tier_after if gs.tier_after is not None else "—"
    after = tr("take.after", lang, s0=fmt_score(gs.score_before), s1=fmt_score(gs.score_after), r0=gs.rank_before,
               r1=gs.rank_after, t0=t0, t1=t1)
    target = p.target_tier
    if target in p.bars.index:  # under re-normalisation the bar moves with the change: say where it ends
        after += (" " if lang == "en" else "") + tr("take.bar", lang, holder=p.region_label(p.bars.at[target, "holder"],
                                                                                          lang),
                                                    bar=fmt_score(gs.target_score))
    if gs.strategy == "uniform":
        pct = fmt_pct(gs.uniform_pct)
        if len(rows) == len(p.indicators):
            head = tr("take.uniform.all", lang, l=len(rows), pct=pct)
        elif len(rows) > 6:
            head = tr("take.uniform.many", lang, l=len(rows), pct=pct,
                      left=_join([_ind_name(p, j, lang) for j in gs.excluded], lang) or "—")
        else:
            head = tr("take.uniform.some", lang, items=_join([r[0] for r in rows], lang), pct=pct)
        out.append(Para(head + (" " if lang == "en" else "") + after, "small"))
    else:
        out.append(Table((tr("col.indicator", lang), tr("col.change", lang)), tuple(rows), (3.0, 1.2), ("l", "r"),
                         small=True, span=0.45))
        out.append(Para(after + (" " if lang == "en" else "")
                        + tr("take.cheapest.proven" if gs.proven else "take.cheapest.unproven", lang), "small"))
    return out


def _take(p, lang) -> list:
    out = [Heading(tr("h.take", lang), 2)]
    if len(p.bars):
        out.append(Para(tr("take.bars", lang) if p.tier != 1 else tr("take.bars.top", lang), "small"))
        rows = [(f"{t}", p.region_label(r["holder"], lang), fmt_score(r["bar"]), fmt_gap(r["gap"], 2))
                for t, r in p.bars.iterrows()]
        out.append(Table((tr("col.tier", lang), tr("col.holder", lang), tr("col.bar", lang), tr("col.need", lang)),
                         tuple(rows), (0.8, 1.8, 1.2, 1.2), ("c", "l", "r", "r"), small=True, span=0.6))
    if len(p.levers):
        out.append(Para(tr("take.levers", lang), "small"))
        rows = []
        for j, r in p.levers.iterrows():
            rows.append((_ind_name(p, j, lang), f"{r['gain_per_pct']:.3f}",
                         f"{r['gain_per_sd']:.2f}" if np.isfinite(r.get("gain_per_sd", np.nan)) else "—"))
        out.append(Table((tr("col.indicator", lang), tr("col.gain_pct", lang), tr("col.gain_sd", lang)), tuple(rows),
                         (2.6, 1.6, 1.8), ("l", "r", "r"), small=True, span=0.6))
    if p.tier is None:
        out.append(Para(tr("take.notier", lang), "small"))
    elif p.target_tier is None:
        out.append(Para(tr("take.top", lang), "small"))
    else:
        out.append(Para(tr("take.goal", lang, t=p.target_tier, l=len(p.indicators)), "lead"))
        out.append(Keep(tuple(_goal_block(p, p.goal_uniform, "take.uniform", lang))))
        out.append(Keep(tuple(_goal_block(p, p.goal_cheapest, "take.cheapest", lang))))
    return out


def _robust(p, lang) -> list:
    out = [Heading(tr("h.robust", lang), 2)]
    mc = p.mc
    if mc:
        tier = tr("robust.mc.tier", lang, t=p.tier, p=mc["p_tier"]) if mc.get("p_tier") is not None else ""
        out.append(Para(tr("robust.mc", lang, spread=mc["spread"], n=mc["samples"], seed=mc["seed"], p05=mc["p05"],
                           p95=mc["p95"], med=mc["median"], tier=tier), "body"))
    m = p.methods
    if m:
        out.append(Para(tr("robust.methods", lang, n=m["n"], best=m["best"], worst=m["worst"]), "body"))
        items = [f"{T.option('method', k, lang)} {v}" for k, v in m["ranks"].items()]
        out.append(Para(_join(items, lang), "small"))
    if not mc and not m:
        out.append(Para(tr("robust.none", lang), "small"))
    return out


def _settings(p, lang, link) -> list:
    s = p.settings
    out = [Heading(tr("h.settings", lang), 2)]
    w = _join([f"{_pillar_name(p, k, lang)} {v:.1f}" for k, v in s.get("weights", {}).items()], lang)
    edits = s.get("edits", ())
    if edits:
        e_txt = _join([f"{p.region_label(e.region, lang)}/{_ind_name(p, e.indicator, lang)} "
                       + (fmt_pct(e.amount) if e.kind == "pct" else f"= {fmt_num(e.amount)}") for e in edits[:12]], lang)
        if len(edits) > 12:
            e_txt += f" … (+{len(edits) - 12})"
    else:
        e_txt = tr("s.edits.none", lang)
    tiering = T.option("tiering", s.get("tiering"), lang)
    if s.get("tiering") == "sizes" and s.get("sizes"):
        tiering += " (" + "/".join(str(x) for x in s["sizes"]) + ")"
    rows = [(tr("s.year", lang), str(s.get("year"))),
            (tr("s.treat", lang), T.option("treat", s.get("treat"), lang)),
            (tr("s.normalisation", lang), T.option("normalisation", s.get("normalisation"), lang)),
            (tr("s.goalposts", lang), T.option("goalposts", s.get("goalposts"), lang)),
            (tr("s.missing", lang), T.option("missing", s.get("missing"), lang)),
            (tr("s.aggregation", lang), T.option("aggregation", s.get("aggregation"), lang)),
            (tr("s.mode", lang), T.option("mode", s.get("mode"), lang)),
            (tr("s.weights", lang), w),
            (tr("s.tiering", lang), tiering),
            (tr("s.edits", lang), e_txt)]
    out.append(Table((tr("col.setting", lang), tr("col.setting_value", lang)), tuple(rows), (1.6, 7.4), ("l", "l"),
                     small=True))
    if link:
        out.append(Para(tr("s.link", lang), "small"))
        out.append(Link(link, link))
    else:
        out.append(Para(tr("s.link.none", lang), "small"))
    return out


def document(p, lang: str = "zh", *, source: str | None = None, link: str | None = None,
             date: str | None = None) -> Document:
    """The brief of profile ``p`` in ``lang``.

    Parameters
    ----------
    p : Profile
    lang : {"zh", "en"}
    source : str, optional
        The data source statement (default: the built-in data's when ``p`` has the report's tier,
        else a statement naming no file).
    link : str, optional
        The scenario's share link (``...?s=...``); None when the data cannot travel in a link.
    date : str, optional
        Issue date (ISO ``YYYY-MM-DD``; default today).
    """
    import datetime

    from ..errors import check_choice

    check_choice("lang", lang, ("zh", "en"))
    date = date or datetime.date.today().isoformat()
    name = p.name(lang)
    index = p.index_name[1 if lang == "en" else 0]
    if source is None:
        source = tr("source.builtin", lang) if p.report_tier is not None else \
            tr("source.other", lang, name="—", n=p.n_regions, l=len(p.indicators))
    blocks: list = [Para(source, "small")]
    blocks += _headline(p, lang)
    blocks.append(_summary(p, lang))
    blocks += _charts(p, lang)
    blocks.append(Para(_scale(p, lang) + (" " if lang == "en" else "") + tr("c.trajectory.note", lang), "small"))
    blocks.append(Heading(tr("h.pillars", lang) if len(p.pillars) == 5 else tr("h.pillars.n", lang, n=len(p.pillars)), 2))
    blocks.append(_pillar_table(p, lang))
    blocks.append(Heading(tr("h.indicators", lang), 2))
    table, srcs = _indicator_table(p, lang)
    blocks.append(table)
    blocks.append(Para(tr("rule.title", lang) + ("：" if lang == "zh" else ": ") + p.rule(lang), "small"))
    blocks.append(Para(tr("gap.note", lang), "small"))
    if srcs:
        blocks.append(Para(tr("sources.title", lang) + ("：" if lang == "zh" else ": ")
                           + " ".join(f"[{i}] {s}" for i, s in enumerate(srcs, 1)), "tiny"))
    blocks += _peers(p, lang)
    blocks += _take(p, lang)
    blocks += _robust(p, lang)
    blocks += _settings(p, lang, link)
    blocks.append(Heading(tr("h.caveats", lang), 2))
    blocks.append(Bullets(tuple(c[1] if lang == "zh" else c[0] for c in p.caveats)))
    if p.notes:
        blocks.append(Heading(tr("h.notes", lang), 2))
        blocks.append(Bullets(tuple(p.with_names(n[1] if lang == "zh" else n[0], lang) for n in p.notes)))
    return Document(title=tr("title", lang, region=name), subtitle=tr("subtitle", lang, index=index, year=p.year),
                    issued=tr("issued", lang, date=date), footer=tr("footer", lang, region=name, year=p.year),
                    blocks=tuple(blocks), lang=lang,
                    meta={"region": p.region, "composite": p.composite, "rank": p.rank, "tier": p.tier})
