"""Strings of the Tiers page added in this round (the tiering in force, the three tierings, the workshop view)."""

STRINGS = {
    "t.label.sizes": ("按报告的各梯队数量 {sizes} 划分", "the report's tier sizes {sizes}"),
    "t.label.kmeans": ("k 均值聚类：{features}，k = {k}", "k-means on {features}, k = {k}"),
    "t.label.jenks": ("自然断点：综合得分，k = {k}", "natural breaks on the composite, k = {k}"),
    "t.label.average": ("相对均值阈值 125%/100%/70%", "thresholds 125%/100%/70% of the average"),
    "t.in_force": ("当前梯队划分：{label}", "Tiering in force: {label}"),
    "t.three": ("三种梯队划分对照：报告、默认、重新生成", "Three tierings side by side: the report's, the default, regenerated"),
    "t.three.caption": ("**为什么不同**：默认划分按综合得分的高低切分（与报告的各梯队数量 6/11/10/4 相同），同一梯队的地区得分相邻；"
                        "“重新生成”用 k 均值按综合得分和五个分项得分的结构归组，分项结构相似的地区归在一起，因此得分相近的地区可能分属不同梯队。"
                        "报告公布的是 2023 年的梯队，未说明划分方法。先列出三者不一致的地区。",
                        "**Why they differ**: the default cuts the composite ranking by level (the report's sizes "
                        "6/11/10/4), so a tier holds neighbouring scores; 'regenerated' groups regions by the profile of "
                        "their composite and five pillar scores with k-means, so regions with similar scores can fall in "
                        "different tiers. The report's published tiers are 2023's and it does not say how they were cut. "
                        "Regions where the three disagree come first."),
    "t.three.report": ("报告梯队（2023）", "Report (2023)"),
    "t.three.sizes": ("默认（报告的各梯队数量）", "Default (report's sizes)"),
    "t.three.kmeans": ("重新生成（k 均值）", "Regenerated (k-means)"),
    "t.three.differ": ("不一致", "Differ"),
    "t.untiered.pillar": ("{n} 个地区缺少某一维度的得分，k-means 按综合得分和各维度得分分组，无法放置它们，因此未划入梯队：{names}。请补全或删除该地区的数据，或改用只读综合得分的划分方法（如按报告的梯队规模）。",
                          "{n} region(s) lack a pillar's score: k-means groups by the composite and the pillar scores and cannot place them, so they are in no tier: {names}. Fill in or drop that region's data, or use a method that reads the composite only (such as the report's tier sizes)."),
    "t.three.ari": ("{a} 与 {b}：ARI = {ari:.2f}", "{a} vs {b}: ARI = {ari:.2f}"),
    "t.three.use_kmeans": ("改用“重新生成”（k 均值）作为当前梯队划分", "Use the regenerated tiers (k-means) as the tiering in force"),
    "t.three.use_sizes": ("改回默认（报告的各梯队数量）", "Back to the default (the report's sizes)"),
    "t.shift.base": ("对比基线", "Compare with"),
    "t.shift.base.defaults": ("数据集默认设置", "the data set's defaults"),
    "t.shift.base.report": ("报告公布的 2023 年梯队", "the report's published 2023 tiers"),
    "t.shift.base.saved": ("已保存的情景“{name}”", "saved scenario '{name}'"),
    "t.shift.side": ("{what}（{tiering}）", "{what} ({tiering})"),
    "t.shift.count": ("{n} 个地区改变梯队：{up} 个上升，{down} 个下降", "{n} regions change tier: {up} up, {down} down"),
    "t.glossary": ("术语说明", "Glossary"),
    "t.glossary.text": ("- **调整兰德指数（ARI）**：两种划分的一致程度，1 表示完全相同，0 表示与随机划分相当。\n"
                        "- **k 均值（k-means）**：把地区分成 k 组，使组内各地区的得分尽量接近；组没有先后，按组内平均综合得分排出梯队。\n"
                        "- **梯队门槛**：模拟中某梯队排名最后、且未被修改的地区的得分；超过它即进入该梯队，低于它即离开。\n"
                        "- **标准化上下限**：极差标准化所用的最小值和最大值；“固定基线上下限”时模拟不改变它们。",
                        "- **Adjusted Rand index (ARI)**: how much two tierings agree; 1 = identical, 0 = no better than chance.\n"
                        "- **k-means**: splits the regions into k groups whose members' scores are as close as possible; groups "
                        "have no order, so they are ranked by their mean composite.\n"
                        "- **Tier bar**: in a what-if, the score of the tier's lowest member that is not edited; passing it "
                        "enters the tier, falling below it leaves it.\n"
                        "- **Goalposts**: the minimum and maximum used by min-max normalisation; with 'fixed baseline "
                        "goalposts' a what-if does not move them."),
    "yes": ("是", "yes"),
}
