"""The strings of the 审计与稳健性 / Audit & robustness page (zh, en)."""

# key: (zh, en)
STRINGS: dict[str, tuple[str, str]] = {
    "page.audit": ("审计与稳健性", "Audit & robustness"),
    "au.title": ("审计与稳健性", "Audit and robustness"),
    "au.intro": ("在相信一个排名之前先问两个问题：各项指标是否真的在衡量其所属分项所说的内容（一致性）？"
                 "换一种同样说得通的方法，排名还站得住吗（稳健性）？",
                 "Two questions come before trusting a ranking: do the indicators measure what their pillar claims "
                 "(coherence)? Would the ranking hold under other defensible methods (robustness)?"),
    # what the audit is computed on
    "au.basis": ("计算依据：当前情景——{data}，{year} 年，{n} 个地区、{l} 项末级指标；{treat}，{norm}，{missing}，{agg}；{weights}；{edits}。",
                 "Computed on the scenario in force: {data}, {year}, {n} regions, {l} indicators; {treat}, {norm}, {missing}, "
                 "{agg}; {weights}; {edits}."),
    "au.basis.builtin": ("内置数据（中国信通院 2024 年框架，代理指标与估算）", "the built-in data (CAICT 2024 framework, proxies and estimates)"),
    "au.basis.file": ("数据“{name}”", "the data '{name}'"),
    "au.basis.weights.default": ("框架的默认权重", "the framework's default weights"),
    "au.basis.weights.changed": ("调整后的权重（{k} 处改动）", "changed weights ({k} changes)"),
    "au.basis.edits.none": ("未修改数据", "no data edits"),
    "au.basis.edits": ("含 {k} 处数据修改", "with {k} data edits"),
    "au.basis.fixed": ("当前为“固定基线上下限”模式：审计按报告公式对修改后的数据重新标准化（相关系数与上下限无关；移除某一要素时指数按报告公式重算）。",
                       "The what-if mode is 'fixed baseline goalposts': the audit re-normalises the edited data with the report's "
                       "formula (correlations do not depend on the goalposts; removing an element regenerates the index by the formula)."),
    "au.caveat": ("注意：内置数据中有六项指标（平台、安全、数据、标识、标杆、政策）是根据报告梯队和公开序列估算的，"
                  "它们之间以及与规模类代理指标之间的相关性部分是估算方法本身造成的。下面的审计描述的是这些数据，而不是信通院的原始数据。",
                  "Caution: six indicators of the built-in data (platforms, security, data, identifiers, flagships, policy) are "
                  "estimates built from the report's tiers and public series, so their correlations with each other and with "
                  "the size-driven proxies are partly made by the estimation. The audit describes these data, not CAICT's."),
    "au.workbook": ("下载审计工作簿（Excel，全部表格）", "Download the audit workbook (Excel, all tables)"),
    "au.csv": ("下载 CSV", "Download CSV"),
    "au.png": ("图表可通过图表右上角的菜单（⋯）保存为 PNG 或 SVG。", "Save any chart as PNG or SVG from its menu (⋯, top right)."),
    "au.unavailable": ("审计无法计算：{msg}", "The audit cannot be computed: {msg}"),
    "au.methods.unavailable": ("方法比较无法计算：{msg}", "The comparison of methods cannot be computed: {msg}"),
    "au.notes": ("计算说明（{n} 条）", "Notes on the computation ({n})"),
    # summary metrics
    "au.m.flags": ("审计提示", "Audit flags"),
    "au.m.alpha": ("最低一致性 α", "Lowest alpha"),
    "au.m.alpha.help": ("各组下级指标的克朗巴哈 α 中最低的一个（{name}）；低于 {th} 视为一致性不足。",
                        "The lowest Cronbach's alpha over the aggregates ({name}); below {th} the set is not consistent."),
    "au.m.robust": ("排名稳健的地区", "Regions with a robust rank"),
    "au.m.robust.help": ("十种方法下最好与最差名次相差不超过 {k} 位的地区数。",
                         "Regions whose best and worst rank over the methods are at most {k} places apart."),
    "au.m.shift": ("移除单一要素的最大名次变动", "Largest rank change from removing one element"),
    # correlation method
    "au.corr": ("相关系数", "Correlation"),
    "au.corr.pearson": ("皮尔逊（线性）", "Pearson (linear)"),
    "au.corr.spearman": ("斯皮尔曼（名次）", "Spearman (ranks)"),
    "au.corr.help": ("皮尔逊相关衡量线性关系；斯皮尔曼相关只看名次，不受极端值影响。两者均按两两完整的地区计算，不剔除“不显著”的值。",
                     "Pearson measures linear association; Spearman only looks at ranks and is not swayed by extreme values. "
                     "Both use the regions where each pair has values, with no masking of 'insignificant' values."),
    # coherence
    "au.coherence": ("一致性：指标之间的相关", "Coherence: how the indicators correlate"),
    "au.heatmap.caption": ("每格为两项指标（经偏态处理与标准化、方向已统一为“越大越好”）在各地区间的相关系数 r；粗线分隔分项，顶部为分项名称。"
                           "蓝色 = 同向，红色 = 反向，白色 = 无关；灰色 = 无法计算（取值恒定或少于 3 个地区）。",
                           "Each cell is the correlation r of two indicators across regions (as treated and normalised, turned so "
                           "that higher is better); thick lines separate the pillars, named along the top. Blue = move together, "
                           "red = opposite, white = unrelated; grey = undefined (constant or fewer than 3 regions)."),
    "au.heatmap.title": ("指标相关矩阵（{method}）", "Indicator correlations ({method})"),
    "au.heatmap.r": ("相关系数 r", "Correlation r"),
    "au.heatmap.a": ("指标（行）", "Indicator (row)"),
    "au.heatmap.b": ("指标（列）", "Indicator (column)"),
    "au.heatmap.pa": ("所属分项（行）", "Pillar (row)"),
    "au.heatmap.pb": ("所属分项（列）", "Pillar (column)"),
    "au.heatmap.n": ("共同有数据的地区数", "Regions with both values"),
    "au.reliability": ("各组的一致性", "Consistency of each group"),
    "au.reliability.caption": ("克朗巴哈 α 衡量一组下级是否“指向同一件事”：0.7 以上通常视为一致（Nunnally）；"
                               "第一主成分占比是一个共同因素能解释的方差比例。只有一个下级时两者都无定义。",
                               "Cronbach's alpha says whether a group's parts point the same way: 0.7 or more is usually taken as "
                               "consistent (Nunnally); the first principal component's share is the variance one common factor "
                               "explains. Neither is defined for a group with one part."),
    "au.col.node": ("组", "Group"),
    "au.col.children": ("下级个数", "Parts"),
    "au.col.alpha": ("克朗巴哈 α", "Cronbach's alpha"),
    "au.col.pc1": ("第一主成分占比", "First component's share"),
    "au.col.note": ("说明", "Note"),
    "au.parents": ("各要素与上级及指数的相关", "Each element against its parent and the index"),
    "au.col.element": ("要素", "Element"),
    "au.col.level": ("层级", "Level"),
    "au.col.parent": ("上级", "Parent"),
    "au.col.r_parent": ("与上级的相关 r", "r with its parent"),
    "au.col.r_index": ("与指数的相关 r", "r with the index"),
    "au.level.pillar": ("分项", "Pillar"),
    "au.level.indicator": ("末级指标", "Indicator"),
    "au.level.depth": ("第 {d} 级", "Level {d}"),
    # importance
    "au.importance": ("名义权重与实际重要性", "Nominal weights against effective importance"),
    "au.importance.nominal": ("**名义权重**：框架设定的权重占比（沿层级逐级相乘），同一层级内合计 100%。",
                              "**Nominal weight**: the share the framework gives an element (its weights multiplied down the levels); "
                              "the shares of one level add up to 100 %."),
    "au.importance.effective": ("**实际重要性**：这一要素单独能解释指数在地区间变动的多少。r² 是它与指数相关系数的平方（只计线性部分）；"
                                "一阶敏感度 S = V[E(指数 | 要素)] / V(指数) 用平滑曲线代替直线，也计入非线性关系"
                                "（Paruolo, Saisana & Saltelli 2013, JRSS A 176: 609–634）。",
                                "**Effective importance**: how much of the index's variation across regions the element explains "
                                "on its own. r² is its squared correlation with the index (the linear part only); the first-order "
                                "sensitivity S = V[E(index | element)] / V(index) follows a smooth curve instead of a line, so it "
                                "also counts non-linear ties (Paruolo, Saisana & Saltelli 2013, JRSS A 176: 609-634)."),
    "au.importance.shares": ("图中三者都换算为同一层级内的占比，可以直接比较；加粗的名称是 S 占比超出名义占比 1/{f}–{f} 倍范围而被提示的要素。"
                             "要素之间高度相关时，权重小并不意味着影响小。",
                             "All three are shown as shares within the element's level, so they compare directly; names in "
                             "bold are flagged, their S share being outside 1/{f}-{f} times the nominal share. With correlated "
                             "indicators a small weight does not make an element unimportant."),
    "au.importance.title": ("{level}：名义权重与实际重要性（同层级内占比）", "{level}: nominal weight and effective importance (share of the level)"),
    "au.importance.share": ("同层级内占比", "Share of the level"),
    "au.importance.measure": ("度量", "Measure"),
    "au.m.nominal": ("名义权重", "Nominal weight"),
    "au.m.r2": ("r²（线性）", "r² (linear)"),
    "au.m.s": ("一阶敏感度 S", "First-order S"),
    "au.col.nominal_pct": ("名义权重 %", "Nominal weight %"),
    "au.col.r2": ("r²", "r²"),
    "au.col.s": ("一阶敏感度 S", "First-order S"),
    "au.col.nominal_share": ("名义占比 %", "Nominal share %"),
    "au.col.r2_share": ("r² 占比 %", "r² share %"),
    "au.col.s_share": ("S 占比 %", "S share %"),
    "au.col.ratio": ("S 占比 ÷ 名义占比", "S share ÷ nominal share"),
    # removal
    "au.removal": ("逐一移除：排名会变多少？", "Removing each element: how much do ranks move?"),
    "au.removal.caption": ("把一个要素的权重设为 0（同级其他要素按原比例分享其权重），重算指数，统计 {n} 个地区的指数名次变动（绝对值）。",
                           "One element's weight set to 0 (its siblings share its weight in proportion), the index regenerated, "
                           "and the change of the index rank counted over the {n} regions (absolute places)."),
    "au.col.removed": ("一并移除", "Removed with it"),
    "au.col.mean_shift": ("平均名次变动", "Mean rank change"),
    "au.col.max_shift": ("最大名次变动", "Largest rank change"),
    "au.removal.who": ("移除某一要素后谁的排名变了", "Who moves when one element is removed"),
    "au.removal.pick": ("移除的要素", "Element removed"),
    "au.col.rank_now": ("指数名次", "Index rank"),
    "au.col.rank_without": ("移除后名次", "Rank without it"),
    "au.col.rank_move": ("名次变化", "Change"),
    "au.removal.who.caption": ("名次变化为正表示移除后名次上升（数字变小）。", "A positive change means the region moves up (a smaller rank number) without the element."),
    "au.removal.nomove": ("移除这一要素后没有地区的名次发生变化。", "No region changes rank when this element is removed."),
    "au.removal.none": ("这一要素无法单独移除（其上各级只有这一支），没有名次变动可显示。",
                        "This element cannot be removed (every level above it has only this branch): there is no rank change to show."),
    # flags
    "au.flags": ("审计提示（通俗说明）", "Audit flags in plain words"),
    "au.flags.caption": ("阈值：弱相关 r < {weak}，近乎共线 |r| > {collinear}，一致性 α < {alpha}，实际重要性超出名义权重的 1/{f}–{f} 倍。",
                         "Thresholds: weak r < {weak}, near-collinear |r| > {collinear}, consistency alpha < {alpha}, effective "
                         "importance outside 1/{f}-{f} times the nominal weight."),
    "au.flags.none": ("按上述阈值，没有需要提示的问题。", "Nothing is flagged at these thresholds."),
    "au.flag.count": ("{kind}：{n} 项", "{kind}: {n}"),
    "au.flag.low_alpha": ("一致性不足（克朗巴哈 α < {alpha}）", "Not a consistent set (Cronbach's alpha < {alpha})"),
    "au.flag.negative_within": ("同组内反向（r < 0）", "Opposite directions within a group (r < 0)"),
    "au.flag.weak_within": ("同组内相关性弱（0 ≤ r < {weak}）", "Weakly related within a group (0 ≤ r < {weak})"),
    "au.flag.weak_parent": ("与所属上级关联弱（r < {weak}）", "Weakly tied to their parent (r < {weak})"),
    "au.flag.importance": ("实际影响与权重不符（超出 1/{f}–{f} 倍）", "Influence out of line with the weight (outside 1/{f}-{f}×)"),
    "au.flag.collinear": ("几乎重复的度量（|r| > {collinear}）", "Near-duplicate measures (|r| > {collinear})"),
    "au.col.kind": ("提示类型", "Flag"),
    "au.col.message": ("说明", "What it means"),
    "au.col.value": ("数值", "Value"),
    "au.col.threshold": ("阈值", "Threshold"),
    # methods
    "au.methods": ("稳健性：换一种方法，名次还一样吗？", "Robustness: would the rank hold under another method?"),
    "au.methods.caption": ("同一份数据（同样的偏态处理与缺失值处理）用十种说得通的方法排名。每一行是一个地区：色带从最好名次延伸到最差名次，"
                           "圆点是各方法给出的名次，黑色竖线是指数本身的名次；按指数名次排序。",
                           "The same data (same outlier treatment and missing-value policy) ranked by ten defensible methods. "
                           "Each row is a region: the band runs from its best to its worst rank, the dots are the methods' "
                           "ranks and the black tick is the index's own rank; sorted by the index's rank."),
    "au.methods.robust": ("**稳健**：十种方法下最好与最差名次相差不超过 {k} 位（色带为灰色）；相差更大的地区名次取决于方法"
                          "（橙色色带、名称加粗，右侧标出名次范围）。点击图例中的方法可突出显示该方法。",
                          "**Robust**: the best and worst rank over the ten methods are at most {k} places apart (grey band); "
                          "a region with a wider range has a rank that depends on the method (orange band, bold name, the range "
                          "written on the right). Click a method in the legend to highlight it."),
    "au.methods.summary": ("{robust} 个地区排名稳健，{dep} 个地区的名次取决于方法{widest}。",
                           "{robust} regions have a robust rank; for {dep} the rank depends on the method{widest}."),
    "au.methods.widest": ("；差距最大：{list}", "; widest: {list}"),
    "au.methods.all_robust": ("全部 {n} 个地区排名稳健：无论用哪种方法，名次相差都不超过 {k} 位。",
                              "All {n} regions have a robust rank: no method moves any of them by more than {k} places."),
    "au.band.title": ("各地区在十种方法下的名次范围", "Each region's rank under the ten methods"),
    "au.band.x": ("名次（1 = 最好）", "Rank (1 = best)"),
    "au.band.legend": ("稳健性", "Robustness"),
    "au.band.robust": ("稳健（相差 ≤ {k} 位）", "robust (range ≤ {k})"),
    "au.band.dependent": ("取决于方法（相差 > {k} 位）", "depends on the method (range > {k})"),
    "au.band.method": ("方法", "Method"),
    "au.col.best": ("最好名次", "Best rank"),
    "au.col.worst": ("最差名次", "Worst rank"),
    "au.col.range": ("名次范围", "Range"),
    "au.col.robust": ("稳健", "Robust"),
    "au.col.median": ("名次中位数", "Median rank"),
    "au.yes": ("是", "yes"),
    "au.no": ("否", "no"),
    "au.agreement": ("与指数本身的一致程度", "Agreement with the index itself"),
    "au.agreement.caption": ("斯皮尔曼与肯德尔 τ-b 是两种名次相关：1 = 名次完全相同。名次变化为与指数本身名次之差的绝对值。",
                             "Spearman and Kendall's tau-b are rank correlations: 1 = the same order. Rank changes are absolute "
                             "differences from the index's own rank."),
    "au.col.method": ("方法", "Method"),
    "au.col.spearman": ("斯皮尔曼相关", "Spearman"),
    "au.col.kendall": ("肯德尔 τ-b", "Kendall's tau-b"),
    "au.col.max_change": ("最大名次变化", "Largest rank change"),
    "au.col.mean_change": ("平均名次变化", "Mean rank change"),
    "au.col.what": ("做法", "What it does"),
    "au.ranks": ("各方法下的名次（表格）", "Ranks under each method (table)"),
    "au.weights": ("数据驱动的权重（熵权法、CRITIC、主成分）", "Data-driven weights (entropy, CRITIC, PCA)"),
    "au.weights.caption": ("各方法给每项末级指标的全局权重 %（合计 100%）。", "Each method's global weight of every indicator, % (adds up to 100 %)."),
    "au.glossary": ("方法说明", "The methods explained"),
    # the methods: short label and one sentence
    "au.method.report": ("指数本身", "The index itself"),
    "au.method.equal": ("等权", "Equal weights"),
    "au.method.entropy": ("熵权法", "Entropy weights"),
    "au.method.critic": ("CRITIC", "CRITIC"),
    "au.method.pca": ("主成分权重", "PCA weights"),
    "au.method.geometric": ("几何平均", "Geometric mean"),
    "au.method.topsis": ("TOPSIS", "TOPSIS"),
    "au.method.mpi": ("Mazziotta-Pareto 指数", "Mazziotta-Pareto index"),
    "au.method.bod": ("BoD 有利权重法", "Benefit of the Doubt"),
    "au.method.bod_restricted": ("BoD（权重受限）", "Benefit of the Doubt, restricted"),
    "au.what.report": ("当前情景的指数：框架权重、所选标准化方法与加权平均（默认即报告的方法）。",
                       "the scenario's index: the framework's weights, the chosen normalisation and the weighted mean (by default the report's method)."),
    "au.what.equal": ("每个节点的各下级权重相同，逐级如此（OECD/JRC 手册的等权做法）。",
                      "every part of a node weighs the same, at every level (the OECD/JRC Handbook's equal weighting)."),
    "au.what.entropy": ("一项指标在地区间差异越大（信息熵越小），权重越大；取值恒定的指标权重为 0。",
                        "the more an indicator differs across regions (the lower its entropy), the more it weighs; a constant indicator weighs 0."),
    "au.what.critic": ("权重随指标的离散程度及其与其他指标的“冲突”（相关性低）而增大（Diakoulaki 等 1995）。",
                       "the weight grows with an indicator's spread and with how little it correlates with the others (Diakoulaki et al. 1995)."),
    "au.what.pca": ("权重为第一主成分载荷的平方，偏重彼此共同变动的指标。",
                    "the weights are the squared loadings of the first principal component; they favour the indicators that move together."),
    "au.what.geometric": ("框架权重下的几何加权平均：某方面的短板不能被其他方面的长处完全弥补。",
                          "the framework's weights with a weighted geometric mean: a weakness is not fully offset by a strength elsewhere."),
    "au.what.topsis": ("按框架权重，看各地区离“各项最好”的理想点有多近、离“各项最差”的点有多远（Hwang & Yoon 1981）。",
                       "with the framework's weights, how close a region is to the best-on-everything point and how far from the worst (Hwang & Yoon 1981)."),
    "au.what.mpi": ("标准化值的平均减去对“偏科”（各项高低不均）的惩罚，不加权（De Muro, Mazziotta & Pareto 2011）。",
                    "the mean of standardised values minus a penalty for an unbalanced profile; unweighted (De Muro, Mazziotta & Pareto 2011)."),
    "au.what.bod": ("Benefit of the Doubt：每个地区采用对自己最有利的权重；得分 1 表示在这组权重下没有地区超过它（Cherchye 等 2007）。",
                    "each region is scored with the weights most favourable to it; 1 means no region beats it under those weights (Cherchye et al. 2007)."),
    "au.what.bod_restricted": ("同上，但每个分项的权重份额限制在其名义权重的 {lo:g}–{hi:g} 倍之间。",
                               "the same, with each pillar's share of the weights kept within {lo:g}-{hi:g} times its nominal weight."),
    # workbook sheets
    "au.sheet.about": ("情景", "Scenario"),
    "au.sheet.basis": ("计算依据", "Computed on"),
    "au.sheet.matrix": ("相关矩阵", "Correlations"),
    "au.sheet.reliability": ("一致性", "Consistency"),
    "au.sheet.parents": ("与上级及指数的相关", "Parents and index"),
    "au.sheet.importance": ("实际重要性", "Importance"),
    "au.sheet.removal": ("逐一移除", "Removal"),
    "au.sheet.flags": ("审计提示", "Flags"),
    "au.sheet.ranks": ("各方法名次", "Method ranks"),
    "au.sheet.agreement": ("方法一致性", "Method agreement"),
    "au.sheet.weights": ("方法权重", "Method weights"),
    "au.sheet.notes": ("计算说明", "Notes"),
}
