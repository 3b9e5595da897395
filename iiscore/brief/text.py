"""The brief's words in Chinese and English, and how its numbers are written.

The brief is a document of the engine (``python -m iiscore brief`` needs no app), so its labels live
here, beside the renderers, as ``key -> (zh, en)`` pairs; :func:`tr` picks one.
"""
from __future__ import annotations

import math

__all__ = ["TEXT", "tr", "unit", "provenance", "option", "fmt_num", "fmt_score", "fmt_gap", "fmt_pct", "MARKS"]

TEXT: dict[str, tuple[str, str]] = {
    "title": ("{region} · 地区画像", "{region} · Region profile"),
    "subtitle": ("{index} · {year} 年", "{index} · {year}"),
    "issued": ("生成日期：{date}", "Issued {date}"),
    "source.builtin": ("数据来源：国家统计局、科技部《中国科技统计年鉴》等公开统计（作为代理指标）；报告数字：中国信息通信研究院"
                       "《中国工业互联网发展成效评估报告（2024）》；无公开分省序列的指标为本项目的估算值（见“说明与局限”）。"
                       "计算：iiscore（开源）。",
                       "Data: public statistics of the National Bureau of Statistics, the China Statistical Yearbook on "
                       "Science and Technology and others, used as proxies; report figures: CAICT, 《中国工业互联网发展成效"
                       "评估报告（2024）》; indicators without a public provincial series are this project's estimates "
                       "(see Caveats). Computed with iiscore (open source)."),
    "source.other": ("数据来源：{name}（用户提供的数据，{n} 个地区、{l} 项指标）。计算：iiscore（开源）。",
                     "Data: {name} (data supplied by the user, {n} regions, {l} indicators). Computed with iiscore "
                     "(open source)."),
    # headline
    "h.headline": ("核心数字", "Headline"),
    "k.score": ("综合得分", "Composite score"),
    "k.rank": ("排名", "Rank"),
    "k.rank.v": ("第 {rank} / {n} 名", "{rank} of {n}"),
    "k.tier": ("梯队", "Tier"),
    "k.tier.v": ("第 {tier} 梯队 {name}", "{tier} {name}"),
    "k.report_tier": ("报告梯队（{year} 年）", "Report's tier ({year})"),
    "k.change": ("{y0} 年以来", "Since {y0}"),
    "k.change.v": ("{d} 分，排名 {r0} → {r1}", "{d} points, rank {r0} → {r1}"),
    "k.estimates": ("来自估算值的权重", "Weight on estimates"),
    "k.none": ("—", "—"),
    "summary": ("{region} 在 {n} 个地区中排第 {rank} 名，属第 {tier} 梯队（{tname}）。", "{region} ranks {rank} of {n}, "
                "tier {tier} ({tname})."),
    "summary.notier": ("{region} 在 {n} 个地区中排第 {rank} 名。", "{region} ranks {rank} of {n}."),
    "summary.strengths": ("相对优势：{items}。", "Relative strengths: {items}."),
    "summary.weaknesses": ("相对短板：{items}。", "Relative weaknesses: {items}."),
    "summary.flat": ("各指标得分与其自身平均水平相差均不足 {m:g} 分，无明显优势或短板。",
                     "No indicator is {m:g} points above or below the region's own average: no marked strength or "
                     "weakness."),
    "scale.minmax": ("得分为 0-100：各指标按当年 {n} 个地区的最小值和最大值折算（报告方法），再加权平均。",
                     "Scores are 0-100: each indicator scaled between the year's minimum and maximum over {n} regions "
                     "(the report's method), then weighted means."),
    "scale.minmax.pooled": ("得分为 0-100：各指标按所有年份的最小值和最大值折算（跨年可比），再加权平均。",
                            "Scores are 0-100: each indicator scaled between its minimum and maximum over all years "
                            "(comparable across years), then weighted means."),
    "scale.other": ("标准化方法：{norm}。", "Normalisation: {norm}."),
    # charts
    "c.pillars": ("分项得分：{region}、所在梯队平均与{leader}", "Pillar scores: {region}, its tier's average and {leader}"),
    "c.pillars.notier": ("分项得分：{region}与{leader}", "Pillar scores: {region} and {leader}"),
    "c.tier_avg": ("第 {tier} 梯队平均", "Tier {tier} average"),
    "c.leader": ("{leader}（第 {rank} 名）", "{leader} (rank {rank})"),
    "c.trajectory": ("{y0}-{y1} 年得分与排名（跨年统一上下限）", "Score and rank {y0}-{y1} (goalposts pooled over the years)"),
    "c.trajectory.note": ("走势图按所有年份统一的上下限计分（各年可比），因此与当年得分不同。",
                          "The trajectory scores every year on goalposts pooled over the years (comparable years), so "
                          "they differ from the year's own score."),
    "c.score": ("得分", "Score"),
    "c.rank": ("排名", "Rank"),
    # pillars and indicators
    "h.pillars": ("五大分项", "Pillars"),
    "h.pillars.n": ("{n} 个分项", "{n} pillars"),
    "h.indicators": ("指标明细（含数据来源类型）", "Indicators, with provenance"),
    "col.pillar": ("分项", "Pillar"),
    "col.indicator": ("指标", "Indicator"),
    "col.weight": ("权重 %", "Weight %"),
    "col.score": ("得分", "Score"),
    "col.rank": ("排名", "Rank"),
    "col.tier_gap": ("较梯队平均", "vs tier avg"),
    "col.median_gap": ("较中位数", "vs median"),
    "col.value": ("取值（单位）", "Value (unit)"),
    "col.prov": ("来源类型", "Provenance"),
    "col.mark": ("", ""),
    "col.region": ("地区", "Region"),
    "col.distance": ("距离", "Distance"),
    "col.apart": ("差异最大的指标（对方 − 本地区，分）", "Largest differences (peer − region, points)"),
    "col.gap": ("分差", "Gap"),
    "col.parts": ("差距来源（对综合得分的贡献，分）", "Where the gap comes from (points of the composite)"),
    "col.tier": ("梯队", "Tier"),
    "col.holder": ("门槛地区", "Bar held by"),
    "col.bar": ("门槛得分", "Bar"),
    "col.need": ("距门槛", "To the bar"),
    "col.gain_pct": ("每提高 1% 的得分增益", "Gain per +1 %"),
    "col.gain_sd": ("每提高 1 个标准差的增益", "Gain per +1 sd"),
    "col.change": ("变动", "Change"),
    "col.method": ("方法", "Method"),
    "col.setting": ("设置", "Setting"),
    "col.setting_value": ("取值", "Value"),
    "rule.title": ("优势与短板的判定", "How strengths and weaknesses are marked"),
    "gap.note": ("“较梯队平均”“较中位数”为本地区得分减去所在梯队全部成员（含本地区）的平均得分、减去全部地区得分的中位数。",
                 "'vs tier avg' and 'vs median' are the region's score minus the mean over all members of its tier "
                 "(itself included) and minus the median over all regions."),
    "sources.title": ("数据来源", "Sources"),
    # peers
    "h.peers": ("可比地区", "Peers"),
    "peers.nearest": ("指标结构最接近的地区（{l} 项指标标准化得分的欧氏距离，不加权）",
                      "Nearest regions in indicator space (Euclidean distance on the {l} normalised indicator scores, "
                      "unweighted)"),
    "peers.neighbours": ("排名紧邻的地区", "Just above and below in the ranking"),
    "peers.above": ("前一名", "above"),
    "peers.below": ("后一名", "below"),
    "peers.note": ("差距来源：各指标“有效权重 × 标准化得分”之差；算术平均时各项之和等于综合得分之差。",
                   "Where the gap comes from: differences of effective weight × normalised score; under arithmetic "
                   "means they add up to the gap in the composite."),
    # what it would take
    "h.take": ("如何提升", "What it would take"),
    "take.bars": ("各梯队门槛（门槛 = 该梯队中未被修改、得分最低的成员的当前得分）",
                  "Tier bars (each held by the tier's lowest-scoring member the scenario does not edit, at its "
                  "current score)"),
    "take.bars.top": ("已处于第 1 梯队；下表为保持所在梯队的余量。", "In the top tier; the table shows the cushion above "
                      "its bar."),
    "take.levers": ("提升效果最大的指标（单项变动，其余不变）", "Top levers (each change alone)"),
    "take.goal": ("进入第 {t} 梯队需要什么（全部 {l} 项指标可变，每项至多 +100%）",
                  "What it takes to reach tier {t} (all {l} indicators may change, at most +100 % each)"),
    "take.uniform": ("各指标同比例提高", "The same rise on every indicator"),
    "take.uniform.all": ("全部 {l} 项指标各 {pct}。", "All {l} indicators {pct} each."),
    "take.uniform.many": ("{l} 项指标各 {pct}（未纳入，百分比变动无法改善：{left}）。",
                          "{l} indicators {pct} each (left out, a percentage cannot improve them: {left})."),
    "take.uniform.some": ("{items}：各 {pct}。", "{items}: {pct} each."),
    "take.cheapest": ("成本最低组合（每个百分点成本相同）", "The cheapest combination (every percentage point costs the same)"),
    "take.cheapest.proven": ("已证明为最低成本（误差 0.1% 以内）。", "Proven cheapest (within 0.1 %)."),
    "take.cheapest.unproven": ("在计算预算内找到的最优组合，未证明为最低成本（可在“地区模拟”页或命令行 goalseek 中完整求解）。",
                               "The best combination found within the search budget, not proven cheapest (run the "
                               "Province simulator or the goalseek command for the full search)."),
    "take.none": ("无解：{msg}", "No answer: {msg}"),
    "take.top": ("已处于第 1 梯队，无需目标反推。", "Already in the top tier: no goal to seek."),
    "take.notier": ("该地区没有梯队，无法目标反推。", "The region has no tier: no goal to seek."),
    "take.after": ("得分 {s0} → {s1}，排名 {r0} → {r1}，梯队 {t0} → {t1}。", "Score {s0} → {s1}, rank {r0} → {r1}, "
                   "tier {t0} → {t1}."),
    "take.bar": ("门槛为{holder}变动后的得分 {bar}。", "The bar is {holder}'s score after the change, {bar}."),
    # robustness
    "h.robust": ("结论有多稳健", "How robust"),
    "robust.mc": ("权重不确定性：五大分项权重随机扰动 ±{spread:.0%}（{n} 次蒙特卡洛，种子 {seed}），排名 90% 区间为第 "
                  "{p05:.0f}-{p95:.0f} 名（中位数第 {med:.0f} 名）{tier}。",
                  "Weight uncertainty: pillar weights varied at random by ±{spread:.0%} ({n} Monte Carlo samples, seed "
                  "{seed}): 90 % rank interval {p05:.0f}-{p95:.0f} (median {med:.0f}){tier}."),
    "robust.mc.tier": ("；留在第 {t} 梯队的概率 {p:.0%}", "; probability of staying in tier {t}: {p:.0%}"),
    "robust.methods": ("方法不确定性：在 {n} 种替代方法下（等权、熵权、CRITIC、主成分、几何平均、TOPSIS、MPI、效益分析法等），"
                       "排名在第 {best}-{worst} 名之间。", "Method uncertainty: under {n} alternative methods (equal, "
                       "entropy, CRITIC and PCA weights, geometric mean, TOPSIS, MPI, benefit of the doubt, ...) the "
                       "rank lies between {best} and {worst}."),
    "robust.none": ("（未计算）", "(not computed)"),
    # settings
    "h.settings": ("情景设置与分享链接", "Scenario settings and share link"),
    "s.year": ("年份", "Year"),
    "s.treat": ("偏态处理", "Outlier treatment"),
    "s.normalisation": ("标准化", "Normalisation"),
    "s.goalposts": ("上下限", "Goalposts"),
    "s.missing": ("缺失值", "Missing values"),
    "s.aggregation": ("聚合", "Aggregation"),
    "s.mode": ("模拟方式", "What-if mode"),
    "s.weights": ("分项权重（%）", "Pillar weights (%)"),
    "s.tiering": ("梯队划分", "Tiering"),
    "s.edits": ("数据修改", "Edits"),
    "s.edits.none": ("无", "none"),
    "s.link": ("分享链接（在应用中打开可得到相同的情景与数值）：", "Share link (opens the same scenario and numbers in the "
               "app):"),
    "s.link.none": ("（用户数据无法放进链接。）", "(User data cannot travel in a link.)"),
    "h.caveats": ("说明与局限", "Caveats"),
    "h.notes": ("计算说明", "Notes on the run"),
    "page": ("第 {n} 页", "Page {n}"),
    "footer": ("{region} · 地区画像 · {year} 年 · iiscore", "{region} · Region profile · {year} · iiscore"),
}

OPTIONS = {
    "treat": {"none": ("不处理", "none"), "log": ("对数变换（偏态指标）", "log of skewed indicators"),
              "winsor": ("缩尾处理（偏态指标）", "winsorised skewed indicators")},
    "normalisation": {"minmax": ("极差标准化（报告方法）", "min-max (the report's)"), "zscore": ("z 分数", "z-scores"),
                      "rank": ("排名", "ranks"), "frontier": ("前沿距离", "distance to the frontier")},
    "goalposts": {"year": ("当年", "the year's"), "pooled": ("跨年统一", "pooled over the years"),
                  "given": ("给定", "given")},
    "missing": {"reweight": ("剔除并重新分配权重", "left out, re-weighted"), "mean": ("均值插补", "mean imputed")},
    "aggregation": {"arithmetic": ("算术加权平均（报告方法）", "weighted arithmetic mean (the report's)"),
                    "geometric": ("几何加权平均", "weighted geometric mean")},
    "mode": {"renormalise": ("重新标准化（报告公式）", "re-normalise (the report's formula)"),
             "fixed": ("固定基线上下限", "fixed baseline goalposts")},
    "tiering": {"sizes": ("按报告各梯队数量的比例沿排名划分", "the report's tier sizes (their shares) down the ranking"),
                "kmeans": ("k 均值聚类", "k-means"), "jenks": ("自然断点法", "natural breaks"),
                "average": ("相对平均值阈值（EIS）", "thresholds relative to the average (EIS)"),
                "given": ("给定", "given")},
    "provenance": {"public": ("公开统计", "public"), "report": ("报告数字", "report figure"),
                   "estimate": ("估算", "estimate"), "scenario": ("情景修改", "scenario edit"),
                   "missing": ("缺失", "missing"), "unknown": ("未标注", "not labelled"),
                   "uploaded": ("上传数据", "uploaded")},
    "method": {"report": ("本指数（当前权重）", "this index (current weights)"), "equal": ("等权", "equal weights"),
               "entropy": ("熵权", "entropy weights"), "critic": ("CRITIC 权重", "CRITIC weights"),
               "pca": ("主成分权重", "PCA weights"), "geometric": ("几何平均", "geometric mean"),
               "topsis": ("TOPSIS", "TOPSIS"), "mpi": ("MPI", "MPI"), "bod": ("效益分析法", "benefit of the doubt"),
               "bod_restricted": ("受限效益分析法", "restricted benefit of the doubt")},
}

# Units as the built-in data write them (Chinese, as the statistical sources do); another data set's units
# are shown as written. The app's iiscore_app.i18n.UNITS holds the same pairs for its pages.
UNITS = {
    "万户": ("万户", "10k subscribers"), "亿元": ("亿元", "100 million yuan"), "件": ("件", "items"),
    "个": ("个", "count"), "家": ("家", "enterprises"), "人年": ("人年", "person-years"),
    "台/百人": ("台/百人", "computers per 100 employees"), "%": ("%", "%"), "index": ("指数", "index"),
    "指数": ("指数", "index"), "个（估算）": ("个（估算）", "count (estimate)"),
    "指数（估算）": ("指数（估算）", "index (estimate)"), "二级节点数（估算）": ("二级节点数（估算）", "secondary nodes (estimate)"),
}

#: Marks of strengths and weaknesses.
MARKS = {"strength": "▲", "weakness": "▼", "": ""}


def tr(key: str, lang: str, **fmt) -> str:
    """The brief's text ``key`` in ``lang`` (``"zh"`` or ``"en"``), formatted."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def option(group: str, value, lang: str) -> str:
    pair = OPTIONS.get(group, {}).get(str(value))
    return str(value) if pair is None else pair[1 if lang == "en" else 0]


def provenance(kind, lang: str) -> str:
    return option("provenance", kind if kind else "unknown", lang)


def unit(u, lang: str) -> str:
    if u is None or (isinstance(u, float) and math.isnan(u)) or str(u).strip() == "":
        return ""
    pair = UNITS.get(str(u).strip())
    return str(u) if pair is None else pair[1 if lang == "en" else 0]


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def fmt_num(x) -> str:
    """A raw value as a statistics table writes it: thousands separated, at most 2 decimals (4 below 1)."""
    if not _finite(x):
        return "—"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) < 1:
        return f"{x:.4g}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def fmt_score(x, d: int = 2) -> str:
    return f"{float(x):.{d}f}" if _finite(x) else "—"


def fmt_gap(x, d: int = 1) -> str:
    return f"{float(x):+.{d}f}" if _finite(x) else "—"


def fmt_pct(x, d: int = 2) -> str:
    return f"{float(x):+.{d}f}%" if _finite(x) else "—"
