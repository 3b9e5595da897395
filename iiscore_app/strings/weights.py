"""Strings of the Weights & sensitivity page (``w.*``): sliders and shares, AHP, sweeps, Monte Carlo."""

STRINGS = {
    "w.title": ("权重与敏感性", "Weights and sensitivity"),
    # sliders and their shares of the composite
    "w.pillars": ("五大分项权重", "Pillar weights"),
    "w.pillars.caption": ("滑块是原始权重，只有同级之间的比例起作用；灰字是它在综合指数中的实际占比"
                          "（本项权重 ÷ 同级权重合计 × 上级的占比）。默认值来自框架文件。",
                          "A slider is a raw weight: only its ratio to its siblings counts. The grey figure is its actual "
                          "share of the composite (its weight ÷ the level's total × the parent's share). Defaults come "
                          "from the framework file."),
    "w.share.pillar": ("占综合指数 {share:.1f}%", "{share:.1f}% of the composite"),
    "w.share.leaf": ("占综合指数 {share:.2f}% · 占本分项 {local:.1f}%", "{share:.2f}% of the composite · {local:.1f}% of its pillar"),
    "w.slider.help": ("原始权重（相对值）：在综合指数中的占比 = 本项权重 ÷ 同级权重合计 × 上级的占比。",
                      "Raw weight (relative): its share of the composite = its weight ÷ the level's total × the "
                      "parent's share."),
    "w.total": ("本级合计 {total:.2f}", "This level totals {total:.2f}"),
    "w.keep100": ("保持每级合计为 100", "Keep each level summing to 100"),
    "w.keep100.help": ("打开后，移动一个滑块会按原有比例放大或缩小同级的其余权重，使这一级的权重合计为 100，"
                       "滑块读数即为本级内的百分比。",
                       "When on, moving one slider scales its siblings up or down in proportion so that the level "
                       "totals 100; a slider then reads as a percentage within its level."),
    "w.wide": ("“{name}”的权重 {value:.2f} 超出滑块的常规范围（{lo:g}–{hi:g}），已放宽该滑块的范围以如实显示。",
               "'{name}' has the weight {value:.2f}, outside the slider's usual range ({lo:g}-{hi:g}); that slider's "
               "range was widened to show it as it is."),
    "w.indicators": ("{pillar}：二级指标权重", "{pillar}: indicator weights"),
    "w.reset": ("恢复默认权重", "Reset weights"),
    "w.live": ("实时排名：相对基线的变化", "Live ranking: change from the baseline"),
    "w.slope": ("排名变化（左：基线，右：当前）", "Rank change (left: baseline, right: current)"),
    "w.allzero": ("同一组权重不能全为 0：请至少保留一个正权重。", "A group of weights cannot all be 0: keep at least one positive weight."),
    # AHP
    "w.ahp": ("层次分析法：两两比较判断矩阵", "AHP: pairwise judgement matrix"),
    "w.ahp.caption": ("单元格表示“行”比“列”重要多少倍（Saaty 1-9 标度，可写 1/3）。填写任一侧即可，对称位置自动显示倒数。",
                      "A cell says how many times the row is more important than the column (Saaty's 1-9 scale, "
                      "fractions such as 1/3 allowed). Fill either triangle; the mirrored cell shows the reciprocal."),
    "w.ahp.parent": ("比较哪一组", "Compare which group"),
    "w.ahp.cr": ("一致性比率 CR = {cr:.3f}（λmax = {lam:.3f}，CI = {ci:.3f}，RI = {ri:.2f}）",
                 "Consistency ratio CR = {cr:.3f} (λmax = {lam:.3f}, CI = {ci:.3f}, RI = {ri:.2f})"),
    "w.ahp.cr.help": ("CR 衡量两两判断之间的矛盾：若 A 比 B 重要 3 倍、B 比 C 重要 3 倍，A 就应比 C 重要约 9 倍；"
                      "判断越偏离这种传递关系，CR 越大。CR ≤ 0.1 即可接受（Saaty 的标准）。",
                      "CR measures how far the judgements contradict each other: if A is 3 times as important as B "
                      "and B 3 times as important as C, A should be about 9 times as important as C; the further the "
                      "judgements stray from this, the larger CR. CR ≤ 0.1 is acceptable (Saaty's rule)."),
    "w.ahp.glossary": ("术语说明：λmax、CI、RI、CR", "Terms: λmax, CI, RI, CR"),
    "w.ahp.glossary.body": ("- **λmax**（最大特征根）：判断矩阵的最大特征值；判断完全一致时等于比较项数 n。\n"
                            "- **CI**（一致性指标）= (λmax − n) ÷ (n − 1)。\n"
                            "- **RI**（随机一致性指标）：同阶随机判断矩阵 CI 的平均值（Saaty 1980 表）。\n"
                            "- **CR**（一致性比率）= CI ÷ RI；CR ≤ 0.1 时判断的一致性可以接受，否则应修改判断。",
                            "- **λmax** (principal eigenvalue): the matrix's largest eigenvalue; it equals the number of "
                            "items n when the judgements are fully consistent.\n"
                            "- **CI** (consistency index) = (λmax − n) ÷ (n − 1).\n"
                            "- **RI** (random index): the mean CI of random judgement matrices of the same size "
                            "(Saaty 1980).\n"
                            "- **CR** (consistency ratio) = CI ÷ RI; at CR ≤ 0.1 the judgements are acceptably "
                            "consistent, otherwise revise them."),
    "w.ahp.ok": ("CR = {cr:.3f} ≤ 0.1：判断的一致性可以接受。", "CR = {cr:.3f} ≤ 0.1: the judgements are acceptably consistent."),
    "w.ahp.bad": ("CR = {cr:.3f} > 0.1：两两判断之间有矛盾，由此得出的权重不可靠。",
                  "CR = {cr:.3f} > 0.1: the judgements contradict each other, so the weights they give are not reliable."),
    "w.ahp.plan": ("建议依次修改（每步改一个判断，取 1-9 标度上的值）：", "Suggested revisions, in order (one judgement per step, "
                                                         "to a value on the 1-9 scale):"),
    "w.ahp.plan.step": ("{k}. “{row}”对“{col}”：{cur} → {new}（CR {before:.3f} → {after:.3f}）",
                        "{k}. '{row}' vs '{col}': {cur} → {new} (CR {before:.3f} → {after:.3f})"),
    "w.ahp.plan.done": ("全部修改后 CR = {cr:.3f} ≤ 0.1。", "After these revisions CR = {cr:.3f} ≤ 0.1."),
    "w.ahp.plan.stuck": ("修改单个判断已无法再降低 CR（现为 {cr:.3f}）：请与专家整体复核这组判断。",
                         "No single revision lowers CR any further (now {cr:.3f}): revisit these judgements as a whole "
                         "with the experts."),
    "w.ahp.plan.apply": ("按建议修改判断矩阵", "Revise the matrix as suggested"),
    "w.ahp.confirm": ("确认采用不一致的判断（CR = {cr:.3f} > 0.1）", "Use them anyway (CR = {cr:.3f} > 0.1)"),
    "w.ahp.confirm.help": ("CR 超过 0.1 时，两两判断之间的矛盾较大，由此得出的权重不可靠；勾选表示你已了解这一点。",
                           "Above 0.1 the judgements contradict each other enough to make the weights unreliable; "
                           "ticking says you know."),
    "w.ahp.confirm.need": ("判断不一致：先修改判断，或勾选上面的确认，才能采用这组权重。",
                           "The judgements are inconsistent: revise them, or tick the confirmation above, to use these weights."),
    "w.ahp.apply": ("采用这组权重", "Use these weights"),
    "w.ahp.weights": ("层次分析法权重 %", "AHP weight %"),
    "w.ahp.applied": ("已采用层次分析法得出的“{group}”权重（CR = {cr:.3f}）。", "The AHP weights of '{group}' are in use (CR = {cr:.3f})."),
    "w.ahp.applied.bad": ("已按你的确认采用不一致的“{group}”权重（CR = {cr:.3f} > 0.1）。",
                          "The inconsistent weights of '{group}' are in use, as you confirmed (CR = {cr:.3f} > 0.1)."),
    # one-at-a-time sweep
    "w.oat": ("单因素敏感性分析", "One-at-a-time sweep"),
    "w.oat.node": ("改变哪一项权重", "Sweep which weight"),
    "w.oat.caption": ("把一项权重在其上级内的占比从 0 扫到 1（同级其余权重保持比例），观察当前前 10 名地区的排名；虚线为当前权重。",
                      "One weight's share within its parent swept from 0 to 1 (its siblings keep their proportions): the "
                      "ranks of the current top 10; the dashed line is the current weight."),
    "w.oat.x": ("该项在上级中的权重占比", "Its weight share within its parent"),
    "w.oat.title": ("{node}：当前前 10 名的排名", "{node}: ranks of the current top 10"),
    # Monte Carlo
    "w.mc": ("蒙特卡洛：排名区间与梯队概率", "Monte Carlo: rank intervals and tier probabilities"),
    "w.mc.n": ("抽样次数", "Draws"),
    "w.mc.spread": ("权重扰动幅度（±）", "Weight perturbation (±)"),
    "w.mc.seed": ("随机种子", "Seed"),
    "w.mc.run": ("运行蒙特卡洛", "Run Monte Carlo"),
    "w.mc.progress": ("正在计算… {done}/{n}", "Computing… {done}/{n}"),
    "w.mc.caption": ("每次抽样把每个分项的权重乘以 [1-s, 1+s] 内的均匀随机数（分项内各指标的权重保持不变）；"
                     "显示 5%-95% 排名区间与各梯队出现的概率。",
                     "Each draw multiplies each pillar's weight by a uniform random factor in [1-s, 1+s] (the indicator "
                     "weights within a pillar stay as set); shown: the 5-95 % rank interval and the probability of each tier."),
    "w.mc.stale": ("上次结果对应的设置已改变，请重新运行。", "The settings changed since the last run; run again."),
    "w.mc.interval": ("排名区间（5%-95%）", "Rank interval (5-95 %)"),
    "w.mc.chart": ("各地区排名区间（5%-95%，1 = 最好）", "Rank interval of every region (5-95 %, 1 = best)"),
    "w.mc.chart.sub": ("横条为区间，黑点为中位排名，红线为当前排名", "bar = interval, black dot = median rank, red mark = current rank"),
    "w.mc.median": ("中位排名", "Median rank"),
    "w.mc.current": ("当前排名", "Current rank"),
    "w.mc.p05": ("5% 分位排名", "5th percentile rank"),
    "w.mc.p95": ("95% 分位排名", "95th percentile rank"),
    "w.mc.marker": ("标记", "Marker"),
    "w.mc.tierprob": ("梯队概率", "Tier probabilities"),
}
