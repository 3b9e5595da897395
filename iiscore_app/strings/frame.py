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
