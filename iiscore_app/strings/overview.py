"""Strings of the Overview page added in this round."""

STRINGS = {
    "home.compare.caption": ("各已保存情景与当前情景的对比；Δ 为与当前情景之差（Δ 排名为正表示比当前更靠前）。",
                             "Each saved scenario against the current one; Δ is the difference from the current "
                             "scenario (a positive Δ rank is better than now)."),
    "home.compare.failed": ("已保存的情景“{name}”无法计算：{msg}", "The saved scenario '{name}' cannot be computed: {msg}"),
    "home.trajectory.one": ("排名轨迹", "Rank trajectory"),
    "home.trajectory.one.caption": ("数据只有 {year} 一年，没有可画的轨迹；至少需要两年的数据。",
                                    "The data have one year ({year}) only: there is no trajectory to draw; it needs two "
                                    "or more years."),
}
