"""Strings of the app frame added in this round: undo/redo, saved scenarios in links, glossary."""

STRINGS = {
    "side.undo": ("↶ 撤销", "↶ Undo"),
    "side.undo.help": ("撤销上一次修改（权重、方法、数据修改、梯队设置等；浏览器的“后退”也可以）",
                       "Undo the last change (weights, methods, edits, tier settings...; the browser's Back does it too)"),
    "side.redo": ("↷ 重做", "↷ Redo"),
    "side.redo.help": ("重做刚才撤销的修改", "Redo the change just undone"),
    "side.saved.in_link": ("分享链接包含 {n} 个已保存的情景。", "The share link carries {n} saved scenario(s)."),
    "side.saved.not_all": ("链接过长：只包含最近的 {n} 个已保存情景（共 {total} 个）；导出 JSON 可保存全部。",
                           "The link would be too long: it carries the latest {n} of {total} saved scenarios; export "
                           "the JSON to keep them all."),
}
STRINGS.update({
    "col.tier_now": ("当前梯队", "Tier"),
})
STRINGS.update({
    "side.treat_fit": ("偏态处理的拟合范围", "Fit the treatment on"),
    "side.treat_fit.help": ("是否对数变换按当年数据判定（报告按单年计算），或按全部年份合并判定（各年采用同一变换，趋势可比）。",
                            "Decide each indicator's log on the scored year (the report scores one year), or on all "
                            "years pooled (one transformation for every year, so trajectories compare)."),
    "opt.treat_fit.year": ("当年（默认）", "the scored year (default)"),
    "opt.treat_fit.pooled": ("全部年份合并", "all years pooled"),
    "side.coverage": ("最低数据覆盖率", "Minimum data coverage"),
    "side.coverage.help": ("某地区在一个分项（或综合指数）下有数据的组成部分占比低于此值时，不计算该项得分并说明原因；0 表示不限制。",
                           "A region gets no score for a pillar (or the index) when fewer than this share of its parts "
                           "have data, and the reason is shown; 0 turns the rule off."),
    "side.public_only": ("仅用公开统计（不含估算指标）", "Public statistics only (no estimates)"),
    "side.public_only.help": ("不计入 6 项没有公开分省数据的估算指标，其权重由同一分项的其他指标分担；看估算值对排名和梯队的影响。",
                              "Leave out the 6 indicators with no public provincial series (estimates); their weight is "
                              "shared by the other indicators of their pillar. Shows how much the estimates matter for "
                              "each rank and tier."),
})
