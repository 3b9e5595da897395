"""The strings of the data workflow (zh, en): the filled template, the upload and its comparison with
the default data, the exports' sheets."""

# key: (zh, en)
STRINGS: dict[str, tuple[str, str]] = {
    # -- the Data page: browsing an upload against the default data ------------------------------------
    "d.ref.builtin": ("内置数据", "built-in data"),
    "d.ref.served": ("本服务器的数据“{name}”", "server's data '{name}'"),
    "d.only_changed": ("只看与{ref}不同的数值", "Only values that differ from the {ref}"),
    "d.changed.caption": ("黄色标出的 {n} 个数值与{ref}不同（原值见“{ref}数值”列）。",
                          "The {n} values highlighted in yellow differ from the {ref} (its value is in the column "
                          "'Value in the {ref}')."),
    "d.col.ref_value": ("{ref}数值", "Value in the {ref}"),
    "d.col.up_value": ("上传数值", "Uploaded value"),
    "d.col.rank_ref": ("{ref}排名", "Rank, {ref}"),
    "d.col.rank_up": ("上传数据排名", "Rank, upload"),
    "d.col.score_ref": ("{ref}得分", "Score, {ref}"),
    "d.col.score_up": ("上传数据得分", "Score, upload"),
    "d.col.tier_ref": ("{ref}梯队", "Tier, {ref}"),
    "d.col.tier_up": ("上传数据梯队", "Tier, upload"),
    "d.col.n_changed": ("不同的数值（个）", "Values that differ"),
    "d.broken.upload": ("上传的数据在当前设置下无法计算。可以在下方改回默认数据，或上传更正后的文件；也可以调整左侧的设置。",
                        "The uploaded data cannot be computed with these settings. Go back to the default data or "
                        "upload a corrected file below, or adjust the settings on the left."),
    # -- the filled template ----------------------------------------------------------------------------
    "d.tpl": ("数据模板（已填入当前数据）", "Data template (filled with the data in use)"),
    "d.tpl.caption": ("模板已填入当前数据（{name}）：{n} 个地区 × {y0}-{y1} 年 × {l} 项指标；表头下方以 # 开头的行是英文名称、"
                      "单位和编号，上传时自动忽略。只改需要改的数值，然后在下方原样上传。Excel 版用橙色标出估算值，并附每个数值的来源类型。",
                      "Filled with the data in use ({name}): {n} regions × {y0}-{y1} × {l} indicators; the rows under "
                      "the header that start with # give the names in the other language, the units and the ids, and "
                      "are skipped on upload. Change only the values you need, then upload the file as it is below. "
                      "The Excel version shades estimates orange and lists every value's provenance."),
    "d.tpl.edits": ("模板中包含当前情景的 {n} 项修改", "Include the scenario's {n} edits in the template"),
    "d.template.xlsx": ("下载数据模板（Excel，已填好）", "Download the data template (Excel, filled in)"),
    # -- the upload -------------------------------------------------------------------------------------
    "d.upload.decimal": ("小数点", "Decimal mark"),
    "d.upload.decimal.point": ("点（1.5）", "point (1.5)"),
    "d.upload.decimal.comma": ("逗号（1,5）", "comma (1,5)"),
    "d.upload.decimal.help": ("文件中的数字用什么作小数点。不会自动猜测：选“逗号”时 1,5 读作 1.5，千位分隔符须为点或空格（1.234,5）。"
                              "命令行的对应选项是 `--decimal ,`。",
                              "What the file's numbers use as the decimal mark. Never guessed: with 'comma', 1,5 reads as "
                              "1.5 and thousands are separated by a point or a space (1.234,5). The command line's "
                              "option is `--decimal ,`."),
    "d.upload.need_data": ("框架文件需要与数据文件一起使用：请同时选择数据文件。", "A framework file is used with a data file: choose the data file too."),
    "d.pending": ("已读取“{name}”，但它缺少一些内容（见下）。确认后才会使用；也可以补全后重新上传。",
                  "'{name}' was read, but it lacks something (below). It is used only when you confirm; or complete "
                  "it and upload it again."),
    "d.pending.use": ("仍然使用这份数据", "Use this data anyway"),
    "d.pending.cancel": ("放弃", "Discard"),
    "d.up.counts": ("{regions} 个地区、{years} 个年份（{y0}-{y1}）、{inds} 项指标。",
                    "{regions} regions, {years} years ({y0}-{y1}), {inds} indicators."),
    "d.up.mapped": ("{n} 个地区名已对应到内置地区名单：{pairs}。", "{n} region names mapped onto the built-in list: {pairs}."),
    "d.up.missing_regions": ("缺少{ref}中的 {n} 个地区：{names}。这些地区不会出现在任何页面上；如需保留，请补上它们的行（模板中有）。",
                             "{n} regions of the {ref} are missing: {names}. They will not appear on any page; to keep "
                             "them, add their rows (the template has them)."),
    "d.up.empty": ("{n} 项指标在某些年份没有任何数值：{list}。计算时剔除这些指标，其权重由同级指标分担。",
                   "{n} indicators have no value at all in some years: {list}. They are left out and their weight is "
                   "shared by their siblings."),
    "d.up.missing_cells": ("共有 {n} 个缺失值（按左侧“缺失值”设置处理）。",
                           "{n} missing values (handled by the 'Missing values' setting on the left)."),
    "d.settings": ("**上传数据当前使用的计算设置**：偏态处理 = {treat}；标准化 = {normalisation}；目标值 = {goalposts}；"
                   "缺失值 = {missing}；聚合 = {aggregation}。",
                   "**Settings in force for the uploaded data**: outlier treatment = {treat}; normalisation = "
                   "{normalisation}; goalposts = {goalposts}; missing values = {missing}; aggregation = {aggregation}."),
    "d.settings.cli": ("上传的数据默认使用引擎的默认设置（不处理偏态、极差标准化、剔除缺失并重新分配权重、算术平均），与命令行 "
                       "python -m iiscore score --data {name} 对同一文件的计算相同；小数点：{decimal}。内置数据的文档设置先对偏态指标取对数"
                       "（见 `data/README.md`），可一键改用，也可以在左侧“计算方法”中逐项修改。",
                       "Uploaded data get the engine's defaults (no treatment, min-max, leave out and re-weight, "
                       "arithmetic mean), exactly as the command line python -m iiscore score --data {name} scores the "
                       "same file; decimal mark: {decimal}. The built-in data's documented settings log-transform "
                       "skewed indicators first (see `data/README.md`): one click below, or change each setting under "
                       "Method settings on the left."),
    "d.settings.documented": ("改用内置数据的文档设置（对数变换）", "Use the built-in data's documented settings (log)"),
    "d.settings.engine": ("改回引擎默认设置（与命令行相同）", "Back to the engine's defaults (as the command line)"),
    # -- the comparison with the official baseline -------------------------------------------------------
    "d.cmp": ("与{ref}比较（官方基线）", "Compared with the {ref} (the official baseline)"),
    "d.cmp.summary": ("共比较 {compared} 个数值，其中 {n} 个与{ref}不同（{year} 年 {n_year} 个）。",
                      "{compared} values compared: {n} differ from the {ref} ({n_year} in {year})."),
    "d.cmp.caption": ("{year} 年；两边使用相同的设置（{settings}；不含情景修改），排名差异只来自数据。排名变化 = {ref}排名 − "
                      "上传数据排名（正数 = 上传数据中排名更靠前）。",
                      "{year}; both with the same settings ({settings}; without scenario edits), so rank differences "
                      "come from the data alone. Rank change = rank in the {ref} − rank in the upload (positive = "
                      "ranked higher with the upload)."),
    "d.cmp.missing": ("上传数据缺少 {n} 个地区，表中的上传数据排名是在其余地区中的排名。",
                      "The upload lacks {n} regions: its ranks in the table are among the remaining regions."),
    "d.cmp.changed": ("与{ref}不同的数值", "Values that differ from the {ref}"),
    "d.cmp.none.broken": ("默认数据不可用，无法比较。", "The default data are not available: no comparison."),
    "d.cmp.none.framework": ("上传的数据使用另一套指标框架（指标或权重与{ref}不同），没有可比较的官方基线。",
                             "The upload uses another framework (its indicators or weights differ from the {ref}): "
                             "there is no official baseline to compare it with."),
    "d.cmp.none.regions": ("上传的数据包含{ref}中没有的地区（或不到其一半的地区），没有可比较的官方基线。",
                           "The upload has regions the {ref} does not have (or fewer than half of its regions): there "
                           "is no official baseline to compare it with."),
    "d.cmp.none.years": ("上传数据的年份与{ref}没有重合，没有可比较的官方基线。",
                         "The upload shares no year with the {ref}: there is no official baseline to compare it with."),
    "d.cmp.none.compute": ("当前设置无法计算，暂时不能比较排名。", "These settings cannot be computed: ranks cannot be compared."),
    "d.cmp.none.year": ("{ref}没有 {year} 年的数据，该年无法比较；请在左侧选择其他年份。",
                        "The {ref} has no data for {year}: choose another year on the left to compare."),
    # -- the provenance banner of uploaded or served data ------------------------------------------------
    "prov.part.uploaded": ("上传数值 {n} 个", "{n} uploaded values"),
    "prov.part.file": ("文件未标注来源类型的数值 {n} 个", "{n} values the file does not label"),
    "prov.part.labelled": ("标注了来源类型的 {n} 个（公开统计 {public} 个、报告数字 {report} 个、估算 {estimate} 个）",
                           "{n} with a provenance ({public} public statistics, {report} report figures, {estimate} estimates)"),
    "prov.part.unknown": ("来源类型未知 {n} 个", "{n} of unknown provenance"),
    "prov.part.scenario": ("情景修改 {n} 个", "{n} scenario edits"),
    "prov.part.changed": ("；与{ref}相比，本年有 {n} 个数值不同", "; {n} values of the year differ from the {ref}"),
    # -- exports: the scenario sheet ----------------------------------------------------------------------
    "xp.yes": ("是", "yes"),
    "xp.no": ("否", "no"),
    "xp.name": ("情景名称", "Scenario name"),
    "xp.unnamed": ("（未命名）", "(unnamed)"),
    "xp.dataset": ("数据集", "Data set"),
    "xp.dataset.builtin": ("内置数据：中国信通院 2024 年报告的指标框架，公开统计代理指标与估算",
                           "Built-in data: the CAICT 2024 report's framework, public statistics as proxies, and estimates"),
    "xp.dataset.upload": ("上传的数据：{name}", "Uploaded data: {name}"),
    "xp.dataset.served": ("本服务器提供的数据：{name}", "Data provided by this server: {name}"),
    "xp.sizes": ("各梯队地区数", "Regions per tier"),
    "xp.weight_of": ("权重：{node}", "Weight: {node}"),
    "xp.n_edits": ("情景修改（项，见“修改”工作表）", "Scenario edits (see the 'Edits' sheet)"),
    "xp.values": ("{year} 年指标值个数", "Values in {year}"),
    "xp.values_of": ("其中：{kind}", "of which: {kind}"),
    "xp.upload.settings": ("上传数据的计算设置", "Settings for uploaded data"),
    "xp.upload.settings.text": ("默认为引擎默认设置（与命令行对同一文件的计算相同），可在应用中修改；当前值见上。",
                                "By default the engine's defaults (as the command line scores the same file), "
                                "changeable in the app; the values in force are above."),
    "xp.upload.changed": ("与{ref}不同的数值（个）", "Values that differ from the {ref}"),
    "xp.upload.missing": ("缺少的地区", "Regions missing"),
    "xp.ari": ("与报告梯队比较：调整兰德指数 ARI", "Comparison with the report's tiers: adjusted Rand index (ARI)"),
    "xp.agreement": ("与报告梯队相同的地区 %", "Regions in the report's tier, %"),
    "xp.goal": ("目标求解", "Goal-seek"),
    "xp.goal.sheet": ("见“{sheet}”工作表", "see the '{sheet}' sheet"),
    "xp.link.unknown": ("未能获知本应用的地址，无法写出完整链接：请从应用侧栏的“分享链接”复制。",
                        "The app's address was unknown, so no full link could be written: copy it from the app's "
                        "sidebar (Share link)."),
    "xp.col.default": ("默认值", "Default"),
    "xp.col.item": ("项目", "Item"),
    # -- exports: the tables -----------------------------------------------------------------------------
    "xp.col.level": ("层级", "Level"),
    "xp.level.leaf": ("指标", "indicator"),
    "xp.level.aggregate": ("汇总项", "aggregate"),
    "xp.col.weight_default": ("默认权重", "Default weight"),
    "xp.col.local": ("上级内占比 %", "Share within parent %"),
    "xp.col.kind": ("修改方式", "Edited as"),
    "xp.col.tier_report_name": ("报告梯队名称", "Report tier name"),
    "xp.col.tier_name": ("梯队名称", "Tier name"),
    "xp.same": ("不变", "same"),
    "xp.col.published": ("报告公布值 %", "Published by the report, %"),
    "xp.col.published_period": ("报告公布期间", "Published period"),
    "xp.col.p05": ("排名 5% 分位", "Rank, 5th percentile"),
    "xp.col.p95": ("排名 95% 分位", "Rank, 95th percentile"),
    "xp.col.p_tier": ("第 {k} 梯队（{name}）概率 %", "Tier {k} ({name}) probability %"),
    "xp.goal.target.tier": ("第 {n} 梯队", "tier {n}"),
    "xp.goal.target.rank": ("第 {n} 名或更好", "rank {n} or better"),
    "xp.goal.reached": ("是否达到", "Reached"),
    "xp.goal.score_before": ("修改前综合得分", "Composite before"),
    "xp.goal.score_after": ("修改后综合得分", "Composite after"),
    "xp.goal.rank_before": ("修改前排名", "Rank before"),
    "xp.goal.rank_after": ("修改后排名", "Rank after"),
    "xp.goal.tier_before": ("修改前梯队", "Tier before"),
    "xp.goal.tier_after": ("修改后梯队", "Tier after"),
    "xp.goal.uniform": ("同比例提高 %", "Uniform rise %"),
    "xp.goal.cost": ("成本", "Cost"),
    "xp.goal.change": ("所需变化 %：{ind}", "Change needed %: {ind}"),
    "xp.goal.message": ("说明", "Message"),
    "xp.sheet.scenario": ("情景", "Scenario"),
    "xp.sheet.ranking": ("排名", "Ranking"),
    "xp.sheet.edits": ("修改", "Edits"),
    "xp.sheet.scores": ("得分", "Scores"),
    "xp.sheet.values": ("数值", "Values"),
    "xp.sheet.provenance": ("来源类型", "Provenance"),
    "xp.sheet.weights": ("权重", "Weights"),
    "xp.sheet.tiers": ("梯队", "Tiers"),
    "xp.sheet.report": ("与报告梯队比较", "vs report tiers"),
    "xp.sheet.national": ("全国指数", "National index"),
    "xp.sheet.contrib": ("贡献率", "Contributions"),
    "xp.sheet.mc": ("蒙特卡洛", "Monte Carlo"),
    "xp.sheet.goal": ("目标求解", "Goal-seek"),
    "xp.sheet.compare": ("与官方基线比较", "vs official baseline"),
    "xp.sheet.changed": ("不同的数值", "Values that differ"),
    # -- the template workbook ---------------------------------------------------------------------------
    "xp.tpl.sheet.data": ("数据", "data"),
    "xp.tpl.sheet.provenance": ("来源类型", "provenance"),
    "xp.tpl.sheet.readme": ("说明", "readme"),
    "xp.tpl.readme.col": ("填写说明", "How to use this template"),
    "xp.tpl.readme.1": ("“数据”工作表：每行一个地区、一个年份，每项指标一列，已填入应用当前使用的数据。",
                        "The 'data' sheet: one row per region and year, one column per indicator, filled with the data "
                        "the app uses now."),
    "xp.tpl.readme.2": ("表头下方以 # 开头的三行是另一种语言的指标名称、单位和指标编号，上传时会被忽略，可以保留。",
                        "The three rows under the header that start with # give the indicator names in the other "
                        "language, the units and the ids; they are skipped on upload and can stay."),
    "xp.tpl.readme.3": ("只改需要改的数值；留空或填“-”表示缺失值。不要改动表头和地区名。",
                        "Change only the values you need; an empty cell or '-' is a missing value. Keep the header and "
                        "the region names as they are."),
    "xp.tpl.readme.4": ("在应用的“数据与方法”页原样上传本文件（Excel 或另存的 CSV 均可）：与默认数据不同的数值会被标出，"
                        "并显示各地区相对官方基线的排名变化；未改动的数值保留原来的来源类型。",
                        "Upload this file as it is on the app's Data & method page (as Excel, or saved as CSV): the "
                        "values that differ from the default data are marked, with each region's rank change against the "
                        "official baseline; unchanged values keep their provenance."),
    "xp.tpl.readme.5": ("橙色单元格为估算值（没有公开的分省统计），不是官方统计；“来源类型”工作表列出每个数值的来源类型。",
                        "Orange cells are estimates (no public provincial statistics), not official statistics; the "
                        "'provenance' sheet gives every value's provenance."),
    "xp.tpl.readme.6": ("命令行对同一文件的计算：python -m iiscore score --data 本文件",
                        "The command line scores the same file with: python -m iiscore score --data THIS_FILE"),
    "xp.tpl.readme.7": ("内置数据的来源：国家统计局、科技部《中国科技统计年鉴》等；指标框架：中国信息通信研究院（CAICT）。",
                        "The built-in data: NBS, MOST China Statistical Yearbook on Science and Technology and others; "
                        "framework: CAICT."),
}
