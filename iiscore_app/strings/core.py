"""The strings of the app frame and the first five pages (zh, en)."""

# key: (zh, en)
STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("工业互联网发展成效指数 · 情景推演", "Industrial Internet Development Index · What-if explorer"),
    "app.subtitle": ("基于中国信通院《中国工业互联网发展成效评估报告（2024）》框架：{n} 个地区、{p} 大分项、{l} 项末级指标。",
                     "After the CAICT 2024 report's framework: {n} regions, {p} pillars, {l} indicators."),
    "lang.switch": ("English", "中文"),
    "lang.label": ("语言 / Language", "Language / 语言"),
    "nav.title": ("页面", "Pages"),
    "page.home": ("总览", "Overview"),
    "page.weights": ("权重与敏感性", "Weights & sensitivity"),
    "page.simulator": ("地区模拟", "Province simulator"),
    "page.tiers": ("梯队划分", "Tiers"),
    "page.data": ("数据与方法", "Data & method"),
    # sidebar: methods
    "side.methods": ("计算方法", "Method settings"),
    "side.year": ("年份", "Year"),
    "side.treat": ("偏态指标处理", "Treatment of skewed indicators"),
    "side.treat.help": ("只处理偏度 > 2 且峰度 > 3.5 的指标（JRC/COINr 规则）；对数变换保留全部信息，缩尾处理把最极端的几个值截到次高值。"
                        "内置数据默认用对数变换（见“数据与方法”）；报告本身用不处理的极差标准化。",
                        "Applied only to indicators with skewness > 2 and kurtosis > 3.5 (the JRC/COINr rule); the log keeps every "
                        "region's information, winsorising clips the few most extreme values. The built-in data default to the log "
                        "(see Data & method); the report itself uses plain min-max."),
    "side.normalisation": ("标准化方法", "Normalisation"),
    "side.goalposts": ("标准化上下限", "Goalposts (min and max)"),
    "side.missing": ("缺失值", "Missing values"),
    "side.aggregation": ("聚合方法", "Aggregation"),
    "side.whatif": ("模拟时的标准化", "What-if normalisation"),
    "opt.treat.none": ("不处理（报告方法）", "none (the report's)"),
    "opt.treat.log": ("对数变换", "log transform"),
    "opt.treat.winsor": ("缩尾处理", "winsorise"),
    "opt.normalisation.minmax": ("极差标准化（报告方法）", "min-max (the report's)"),
    "opt.normalisation.zscore": ("z 分数", "z-score"),
    "opt.normalisation.rank": ("排名", "rank"),
    "opt.normalisation.frontier": ("前沿距离", "distance to frontier"),
    "opt.goalposts.year": ("当年（报告方法）", "single year (the report's)"),
    "opt.goalposts.pooled": ("跨年统一（可比）", "pooled over years (comparable)"),
    "opt.missing.reweight": ("剔除并重新分配权重", "leave out, re-weight"),
    "opt.missing.mean": ("均值插补", "impute the mean"),
    "opt.aggregation.arithmetic": ("算术加权平均（报告方法）", "weighted arithmetic mean (the report's)"),
    "opt.aggregation.geometric": ("几何加权平均（短板不可完全补偿）", "weighted geometric mean (less compensation)"),
    "opt.whatif.renormalise": ("重新标准化（报告公式）", "re-normalise (the report's formula)"),
    "opt.whatif.fixed": ("固定基线上下限", "fixed baseline goalposts"),
    "help.whatif": ("极差标准化是相对的：若被修改的地区成为新的最高或最低值，所有地区得分都会变。“固定基线上下限”保持未修改数据的上下限。",
                    "Min-max is relative: if an edited region becomes the new max or min, every score moves. "
                    "'Fixed' keeps the unedited data's min and max."),
    # sidebar: scenario tools
    "side.scenario": ("情景", "Scenario"),
    "side.presets": ("预设情景（研讨会）", "Ready-made scenarios (workshops)"),
    "side.reset": ("恢复默认", "Reset to defaults"),
    "side.link": ("分享链接", "Share link"),
    "side.link.help": ("复制下面的链接：在新浏览器中打开将得到完全相同的情景和数值。",
                       "Copy the link below: opened in a fresh browser it shows exactly the same scenario and numbers."),
    "side.link.upload": ("注意：上传的数据无法放进链接。打开链接的人会看到提示，并看到默认数据及其默认设置（本情景的设置和修改均不采用）；请把数据文件一并发给对方。",
                         "Note: uploaded data cannot travel in a link. Whoever opens it is told so and sees the default data with "
                         "its default settings (nothing of this scenario is applied); send them the data file as well."),
    "side.link.nobase": ("（未能获知本应用的地址，请在前面加上应用地址。）",
                         "(The app's address is unknown here; prepend it to the query.)"),
    "side.save": ("保存当前情景", "Save current scenario"),
    "side.save.name": ("情景名称", "Scenario name"),
    "side.save.button": ("保存", "Save"),
    "side.saved": ("已保存情景“{name}”。", "Saved scenario '{name}'."),
    "side.named": ("已保存的情景", "Saved scenarios"),
    "side.load": ("载入", "Load"),
    "side.delete": ("删除", "Delete"),
    "side.export": ("导出", "Export"),
    "side.export.xlsx": ("下载 Excel（全部表格）", "Download Excel (all tables)"),
    "side.export.csv": ("下载排名 CSV", "Download ranking CSV"),
    "side.export.json": ("下载情景 JSON", "Download scenario JSON"),
    "side.import": ("导入情景 JSON", "Import scenario JSON"),
    "side.imported": ("已导入情景。", "Scenario imported."),
    "side.changes": ("与默认相比的改动：{n} 项", "Changes from the defaults: {n}"),
    "preset.west_infra": ("西部地区基础能力提升至三倍（5 项指标 +200%）",
                          "Western provinces triple their foundational capacity (5 indicators +200%)"),
    "preset.region_push": ("一个地区的 5 项优势指标各提高 50%（默认：贵州）",
                           "One region raises its 5 strongest levers by 50% (default: Guizhou)"),
    "preset.application_focus": ("权重向应用推广倾斜（×2）", "Weights shifted towards application (×2)"),
    "preset.no_compensation": ("几何平均：短板不可完全补偿", "Geometric mean: weak pillars not fully compensated"),
    "preset.report_plain": ("报告原始算法：不做偏态处理", "The report's plain method: no outlier treatment"),
    "preset.regenerate": ("重新生成梯队：k 均值（综合 + 分项）", "Regenerated tiers: k-means (composite + pillars)"),
    "preset.link": ("链接", "link"),
    "notice.link": ("链接中的部分内容未被采用：", "Parts of the link were not used:"),
    "notice.file": ("文件中的部分内容未被采用：", "Parts of the file were not used:"),
    "error.compute": ("当前设置无法计算：{msg}", "These settings cannot be computed: {msg}"),
    "error.fix": ("请在左侧调整设置，或点击“恢复默认”。", "Adjust the settings on the left, or click 'Reset to defaults'."),
    # provenance
    "prov.banner": ("数据来源：{year} 年共 {total} 个指标值，其中公开统计 {public} 个、报告数字 {report} 个、估算 {estimate} 个{scenario}。"
                    "估算值用于没有公开分省序列的指标（平台、安全、数据、标识、标杆、政策），标为“估算”，不是官方统计。",
                    "Data provenance: {total} values in {year}: {public} public statistics, {report} report figures, {estimate} estimates{scenario}. "
                    "Estimates fill indicators without a public provincial series (platforms, security, data, identifiers, flagships, policy); "
                    "they are marked 'estimate' and are not official statistics."),
    "prov.scenario": ("、情景修改 {n} 个", ", {n} scenario edits"),
    "warn.no_composite": ("{year} 年有 {n} 个地区没有综合得分，不参与排名和梯队划分：{names}。它们有数据的组成部分不足最低数据覆盖率（{pct}）。请补全或删除该地区的数据，或在左侧调低“最低数据覆盖率”。",
                          "{n} region(s) have no composite score in {year} and are not ranked or tiered: {names}. They have data for less than the minimum coverage ({pct}) of the index's parts. Fill in or drop that region's data, or lower 'Minimum data coverage' in the sidebar."),
    "prov.banner.upload": ("数据来源：上传的数据“{name}”，{year} 年共 {total} 个指标值：{parts}{diff}。来源与可靠性由上传者负责。",
                           "Data provenance: the uploaded data '{name}', {total} values in {year}: {parts}{diff}. "
                           "Their sources are the uploader's to state."),
    "prov.banner.served": ("数据来源：本服务器提供的数据“{name}”，{year} 年共 {total} 个指标值：{parts}{diff}。来源与可靠性由部署方负责。",
                           "Data provenance: '{name}', the data this server provides, {total} values in {year}: {parts}{diff}. "
                           "Their sources are the deployer's to state."),
    "prov.labelled": ("（其中公开统计 {public} 个、报告数字 {report} 个、估算 {estimate} 个）",
                      " ({public} public statistics, {report} report figures, {estimate} estimates)"),
    "prov.unlabelled": ("（文件未标注来源类型）", " (the file does not label their provenance)"),
    "prov.public": ("公开统计", "public statistic"),
    "prov.report": ("报告数字", "report figure"),
    "prov.estimate": ("估算", "estimate"),
    "prov.scenario_value": ("情景修改", "scenario"),
    "prov.missing": ("缺失", "missing"),
    "prov.unknown": ("未知", "unknown"),
    "prov.uploaded": ("上传数据", "uploaded"),
    # common columns
    "col.region": ("地区", "Region"),
    "col.rank": ("排名", "Rank"),
    "col.rank_base": ("基线排名", "Baseline rank"),
    "col.rank_change": ("排名变化", "Rank change"),
    "prov.aggregate": ("由下级指标合成", "made from its indicators"),
    "col.rank_builtin": ("默认数据排名", "Rank on the built-in data"),
    "col.rank_vs_builtin": ("较默认数据", "Change from the built-in data"),
    "col.score": ("得分", "Score"),
    "col.score_base": ("基线得分", "Baseline score"),
    "col.tier": ("梯队", "Tier"),
    "col.tier_base": ("基线梯队", "Baseline tier"),
    "col.tier_report": ("报告梯队", "Report tier"),
    "col.est_share": ("估算占比 %", "Estimate share %"),
    "col.indicator": ("指标", "Indicator"),
    "col.pillar": ("分项", "Pillar"),
    "col.year": ("年份", "Year"),
    "col.value": ("数值", "Value"),
    "col.unit": ("单位", "Unit"),
    "col.provenance": ("来源类型", "Provenance"),
    "col.source": ("出处", "Source"),
    "col.weight": ("权重", "Weight"),
    "col.weight_global": ("全局权重 %", "Global weight %"),
    "col.before": ("修改前", "Before"),
    "col.after": ("修改后", "After"),
    "col.change_pct": ("变化 %", "Change %"),
    "col.new_value": ("新数值", "New value"),
    "col.base_value": ("原数值", "Original value"),
    "col.normalised": ("标准化得分", "Normalised score"),
    "col.from": ("原梯队", "From tier"),
    "col.to": ("新梯队", "To tier"),
    "col.direction": ("方向", "Direction"),
    "col.composite": ("综合指数", "Composite"),
    "col.node": ("节点", "Node"),
    "col.setting": ("设置", "Setting"),
    "col.scenario": ("情景", "Scenario"),
    "col.probability": ("概率", "Probability"),
    "col.gain": ("综合得分增益", "Composite gain"),
    "col.gain_pct": ("提高 1% 的增益", "Gain per +1 %"),
    "col.rank_pct": ("提高 1% 后排名", "Rank after +1 %"),
    "col.gain_sd": ("提高 1 个标准差的增益", "Gain per +1 sd"),
    "col.rank_sd": ("提高 1 个标准差后排名", "Rank after +1 sd"),
    "col.effort": ("所需变化 %", "Change needed %"),
    "col.headroom": ("提升空间", "Headroom"),
    "up": ("上升", "up"),
    "down": ("下降", "down"),
    "baseline": ("基线（默认设置）", "Baseline (defaults)"),
    "current": ("当前情景", "Current scenario"),
    # home
    "home.ranking": ("综合排名", "Composite ranking"),
    "home.ranking.caption": ("{year} 年；基线 = 数据集默认设置（无修改）。{scale}",
                             "{year}; baseline = the data set's defaults (no edits). {scale}"),
    "scale.minmax.year": ("得分 0-100，相对于该年 {n} 个地区中的最低与最高值（最小-最大标准化）。",
                          "Scores 0-100, relative to the lowest and highest of the {n} regions that year (min-max)."),
    "scale.minmax.pooled": ("得分 0-100，相对于 {n} 个地区历年全部数值中的最低与最高值（跨年统一上下限，可比较趋势）。",
                            "Scores 0-100, relative to the lowest and highest of the {n} regions over all years (pooled goalposts: trends are comparable)."),
    "scale.zscore": ("得分为标准分：与 {n} 个地区平均值相差几个标准差（0 = 平均），不是 0-100。",
                     "Scores are z-scores: standard deviations from the mean of the {n} regions (0 = average), not 0-100."),
    "scale.rank": ("得分为百分位名次 0-100（最低 = 0，最高 = 100）。", "Scores are percentile ranks 0-100 (lowest = 0, highest = 100)."),
    "scale.frontier": ("得分 = 100 × 数值 ÷ 最高值（距前沿距离，最高 = 100）。",
                       "Scores = 100 × value ÷ the highest value (distance to the frontier; the highest = 100)."),
    "home.map": ("地图", "Map"),
    "home.map.colour": ("地图着色", "Colour the map by"),
    "home.map.tier": ("梯队", "Tier"),
    "home.map.tooltip": ("得分 {score}<br/>排名 {rank}<br/>梯队 {tier}<br/>估算占比 {est}%",
                         "Score {score}<br/>Rank {rank}<br/>Tier {tier}<br/>Estimate share {est}%"),
    "home.national": ("全国工业互联网发展成效指数（2020 = 100）", "National index (2020 = 100)"),
    "home.national.caption": ("出处：报告图 1-11 公布的全国指数。贡献率 = 分项权重 × 分项增幅 ÷ 综合指数增幅，按当前情景的分项权重计算"
                              "（综合指数增幅也按这些权重由分项重算，各分项合计 100%）；报告公布基础能力 2023 年贡献率为 17.3%。",
                              "Source: the report's published national series (Fig. 1-11). Contribution = pillar weight × pillar change ÷ composite change, "
                              "with the current scenario's pillar weights (the composite's change is recomputed from the pillars with those weights, "
                              "so the shares add up to 100 %); the report gives 17.3 % for foundational capacity in 2023."),
    "home.contrib": ("各分项对综合指数增长的贡献率 %", "Contribution of each pillar to the composite's growth, %"),
    "home.contrib.year": ("贡献率年份", "Contribution year"),
    "home.published": ("报告公布值", "published"),
    "home.national.none": ("全国指数与贡献率是报告为内置数据公布的全国序列，不适用于当前数据“{name}”，因此不显示。",
                           "The national index and the pillar contributions are the report's published national series for the "
                           "built-in data; they do not apply to '{name}' and are not shown."),
    "home.trajectory": ("各地区排名轨迹 {y0}-{y1}", "Rank trajectory {y0}-{y1}"),
    "home.trajectory.caption": ("采用跨年统一的上下限（各年汇总），使各年得分可比。", "On goalposts pooled over the years, so that years compare."),
    "home.trajectory.regions": ("显示的地区", "Regions shown"),
    "home.compare": ("情景对比", "Scenarios side by side"),
    "home.compare.none": ("尚未保存情景：在左侧“保存当前情景”后，可在此并排比较。", "No saved scenarios yet: save one on the left to compare them here."),
    "home.tiers_summary": ("梯队（{method}）", "Tiers ({method})"),
    "col.cost": ("每百分点成本", "cost per point"),
    # tiers
    "t.title": ("梯队划分", "Tiers"),
    "t.method": ("方法", "Method"),
    "opt.tier.kmeans": ("k 均值聚类（重新生成）", "k-means (regenerated)"),
    "opt.tier.jenks": ("自然断点（Jenks）", "natural breaks (Jenks)"),
    "opt.tier.sizes": ("报告的各梯队数量（默认）", "the report's tier sizes (default)"),
    "opt.tier.average": ("相对均值阈值（EIS）", "relative to the average (EIS)"),
    "t.k": ("梯队数 k", "Number of tiers k"),
    "t.features": ("聚类特征", "Features"),
    "opt.features.composite+pillars": ("综合指数 + 五大分项", "composite + pillars"),
    "opt.features.composite": ("仅综合指数", "composite only"),
    "t.standardise": ("特征标准化（z 分数）", "Standardise features (z-scores)"),
    "t.seed": ("随机种子", "Seed"),
    "t.sizes": ("各梯队地区数（逗号分隔，合计 {n}）", "Regions per tier (comma-separated, total {n})"),
    "t.sizes.bad": ("“{text}”不可用：各梯队数量须为至少两个正整数，以逗号分隔，合计 {n}（如 6,11,10,4）。已保留原设置。",
                    "'{text}' cannot be used: give at least two positive whole numbers, separated by commas, adding up to {n} "
                    "(e.g. 6,11,10,4). The previous sizes are kept."),
    "t.map": ("梯队地图", "Tier map"),
    "t.members": ("各梯队地区", "Regions by tier"),
    "t.vs_report": ("与报告梯队比较", "Comparison with the report's tiers"),
    "t.vs_report.year": ("注意：报告的梯队是 2023 年的；这里比较的是 {year} 年的梯队。",
                         "Note: the report's tiers are for 2023; the tiers compared here are for {year}."),
    "t.vs_report.none": ("报告的梯队划分的是内置数据中的地区，当前数据“{name}”不与之比较。",
                         "The report's tiers classify the built-in data's regions; '{name}' is not compared with them."),
    "t.ari": ("调整兰德指数 ARI = {ari:.2f}；一致比例 {agree:.0%}", "Adjusted Rand index ARI = {ari:.2f}; agreement {agree:.0%}"),
    "t.confusion": ("交叉表（行：报告梯队，列：当前梯队）", "Confusion table (rows: report, columns: current)"),
    "t.movers": ("梯队变化的地区", "Regions that change tier"),
    "t.nomovers": ("没有地区改变梯队。", "No region changes tier."),
    "t.shift": ("研讨会视图：基线 → 当前情景的梯队变化", "Workshop view: tier shifts, baseline → current scenario"),
    "t.shift.big": ("大字号（投影）", "Large type (projector)"),
    "t.silhouette": ("不同 k 的轮廓系数", "Silhouette by k"),
    "t.silhouette.few": ("地区太少（至少需要 3 个），无法计算轮廓系数。", "Too few regions (at least 3 are needed) for a silhouette."),
    # data page
    "d.title": ("数据与方法", "Data and method"),
    "d.browse": ("浏览数据", "Browse the data"),
    "d.browse.cut": ("表中显示前 {n} 行（共 {total} 行）。选择一个指标可查看它的全部行；完整数据可用下方的“下载数据模板”导出。",
                     "Showing the first {n} of {total} rows. Choose an indicator to see all of its rows; the whole "
                     "data set is in the filled data template (Download the data template, below)."),
    "d.indicator": ("指标", "Indicator"),
    "d.only_est": ("只看估算值", "Estimates only"),
    "d.upload": ("上传自己的数据", "Upload your own data"),
    "d.upload.caption": ("CSV（UTF-8 或 GBK）或 XLSX；长表（地区、年份、指标、数值四列）或宽表（地区、年份，每个指标一列），例如上面已填好的模板。"
                         "地区名须与名单完全一致（简称、全称或英文名均可），对应关系会列出。可选：上传自己的指标框架。",
                         "CSV (UTF-8 or GBK) or XLSX; long (region, year, indicator, value) or wide (region, year, one column per indicator), "
                         "such as the filled template above. Region names must match the list exactly (short, full or English names); "
                         "every name mapped is listed. Optionally your own framework."),
    "d.upload.data": ("数据文件", "Data file"),
    "d.upload.fw": ("框架文件（可选）", "Framework file (optional)"),
    "d.upload.ok": ("已载入“{name}”：{regions} 个地区、{years} 个年份、{inds} 个指标。所有页面现在使用上传的数据。",
                    "Loaded '{name}': {regions} regions, {years} years, {inds} indicators. Every page now uses the uploaded data."),
    "d.upload.error": ("文件无法使用：{msg}", "The file cannot be used: {msg}"),
    "d.upload.active": ("当前使用上传的数据“{name}”。", "Using the uploaded data '{name}'."),
    "d.upload.back": ("改回默认数据", "Back to the default data"),
    "d.template": ("下载数据模板（CSV，已填好）", "Download the data template (CSV, filled in)"),
    "d.template_fw": ("下载框架模板（CSV）", "Download a framework template (CSV)"),
    "d.framework": ("指标体系与权重", "Framework and weights"),
    "d.method": ("方法说明", "Methodology"),
    "d.notes": ("本次计算的说明", "Notes on this run"),
    "d.coverage": ("缺失值：{n} 个", "Missing values: {n}"),
    # the map (iiscore_app/geo.py)
    "map.kind": ("地图样式", "Map style"),
    "map.kind.geo": ("地理地图", "Geographic"),
    "map.kind.tiles": ("方格地图", "Tile grid"),
    "map.tooltip": ("得分 {score}<br/>排名 {rank}<br/>梯队 {tier}<br/>{est}",
                    "Score {score}<br/>Rank {rank}<br/>Tier {tier}<br/>{est}"),
    "map.note": ("示意图，非标准地图（无审图号），仅示意各地区数据；边界据 Natural Earth（公有领域）。",
                 "Schematic map, not a standard map (it has no official map approval number); it only shows the "
                 "regions' data. Boundaries: Natural Earth (public domain)."),
    "map.note.tiles": ("方格地图：每个地区一个等大方格，位置大致对应地理方位，不表示面积和边界。",
                       "Tile grid: one equal square per region in rough geographic position; no areas, no boundaries."),
    "map.download": ("下载地图（PNG）", "Download the map (PNG)"),
    "map.png.title": ("{index} · {year} 年 · {what}", "{index} · {year} · {what}"),
    "map.source.default": ("数据来源：国家统计局、科技部《中国科技统计年鉴》等；指标框架：中国信息通信研究院；部分数值为估算。",
                           "Data: NBS, MOST China Statistical Yearbook on Science and Technology and others; framework: "
                           "CAICT; some values are estimates."),
    "map.source.upload": ("数据来源：上传的数据（{name}）。", "Data: uploaded ({name})."),
    "map.legend.tier": ("梯队（1 = 最高，颜色越深越好）", "Tier (1 = best; darker is better)"),
    "map.legend.score": ("{what}（颜色越深越好）", "{what} (darker is better)"),
    "map.png.error": ("无法生成地图图片：{err}", "The map image cannot be made: {err}"),
    "map.tile.name": ("地区", "Region"),
    "map.what.composite": ("综合得分", "Composite score"),
}

# long texts
STRINGS["d.method.text"] = (
    """
**指数怎样算出来（报告的方法）**

1. **指标**：5 大分项（基础能力、技术创新、产业发展、应用推广、发展环境）下共 19 项二级指标。报告没有公布分省数据，本应用用公开统计作为代理指标；没有公开分省序列的 6 项指标使用估算值，在所有表格中标为“估算”。
2. **标准化**：每项指标在 31 个地区之间做极差标准化，`z = (Y − 最小值) / (最大值 − 最小值) × 100`。所以得分是**相对的**：最好的地区得 100，最差的得 0。
   **本应用的默认设置与报告有一处不同**：偏度绝对值 > 2 且峰度 > 3.5 的右偏指标（如专利、研发经费等总量）先取对数再标准化（仅在取对数确能减轻偏态时），以免一两个地区把其余地区都压到 0 附近（理由与对比见 `data/README.md`）。在“计算方法”中把偏态处理改为“不处理”即为报告的原始算法。
3. **加权**：指标按权重加权平均得到分项得分，分项再加权平均得到综合指数。报告的权重来自层次分析法（AHP）与专家打分，但没有公布；本应用的默认分项权重由报告公布的全国指数反推（见 `data/README.md`），可在“权重与敏感性”页修改。
4. **梯队**：报告把 31 个地区分为 4 个梯队（6/11/10/4），没有说明划分方法。本应用提供 k-means 聚类、自然断点、固定规模和相对均值阈值四种方法，并与报告的梯队比较。
5. **全国指数**：以 2020 年为 100，各指标与 2020 年之比再加权平均。

**需要注意**

- 单年的极差标准化得分不能跨年比较；看趋势时采用“跨年统一的上下限”。
- 在模拟中，如果被修改的地区成为新的最高或最低值，所有地区的得分都会变化（“重新标准化”）；也可以选择“固定基线上下限”。
- 估算值不是官方统计；修改后的值标为“情景修改”。
""",
    """
**How the index is computed (the report's method)**

1. **Indicators**: 19 indicators under 5 pillars (foundational capacity, innovation, industry, application, environment). The report publishes no provincial data; this app uses public statistics as proxies, and estimates for the 6 indicators with no public provincial series, marked 'estimate' in every table.
2. **Normalisation**: each indicator is min-max normalised across the 31 regions, `z = (Y − min) / (max − min) × 100`. Scores are therefore **relative**: the best region scores 100, the worst 0.
   **The app's default differs from the report in one respect**: right-skewed indicators (|skewness| > 2 and kurtosis > 3.5, such as totals of patents or R&D spending) are log-transformed before normalising (only where the logarithm does reduce the skew), so that one or two regions do not press the others toward 0 (reasons and comparison in `data/README.md`). Set the outlier treatment to 'none' under Method settings for the report's plain method.
3. **Weighting**: weighted means of indicators give pillar scores; a weighted mean of pillars gives the composite. The report's weights (AHP and expert scoring) are unpublished; the default pillar weights here are inferred from the report's published national index (see `data/README.md`) and can be changed on the Weights page.
4. **Tiers**: the report places the regions in 4 tiers (6/11/10/4) without saying how. This app offers k-means, natural breaks, fixed sizes and thresholds relative to the average, and compares them with the report's tiers.
5. **National index**: 2020 = 100; each indicator as a ratio to its 2020 value, then weighted means.

**Mind**

- Single-year min-max scores do not compare across years; trends use goalposts pooled over the years.
- In a what-if, if the edited region becomes the new max or min every score moves ('re-normalise'); 'fixed baseline goalposts' is the alternative.
- Estimates are not official statistics; edited values are marked 'scenario'.
""",
)
