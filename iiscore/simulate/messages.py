"""The words of goal-seeking, in English and Chinese, apart from the search.

Every message names regions and indicators as the user sees them (never internal ids), states the
mode in force, and, when the target is out of reach, says what would work.
"""
from __future__ import annotations

__all__ = ["words", "goal_messages", "MODE_WORDS", "STRATEGY_WORDS"]

MODE_WORDS = {"renormalise": ("scores re-normalised", "重新标准化"),
              "fixed": ("fixed baseline goalposts", "固定基线上下限")}
TIERING_WORDS = {"sizes": ("the report's tier sizes", "按报告的各梯队数量划分"),
                 "kmeans": ("k-means tiers", "k 均值聚类梯队"),
                 "jenks": ("natural-breaks tiers", "自然断点梯队"),
                 "average": ("tiers relative to the average", "相对均值阈值梯队"),
                 "given": ("the tiering in force", "当前梯队划分")}
STRATEGY_WORDS = {"uniform": ("the same rise on every chosen indicator", "各所选指标同比例提高"),
                  "cheapest": ("the cheapest combination", "成本最低组合")}


def words(data, fw, region: str, mode: str) -> dict:
    """Names and labels of a goal-seek message in each language."""
    def ind(lang):
        return lambda k: fw.name(k, lang) if k in fw.ids else str(k)

    return {"reg_en": data.region_name(region, "en"), "reg_zh": data.region_name(region, "zh"),
            "ind_en": ind("en"), "ind_zh": ind("zh"),
            "mode_en": MODE_WORDS[mode][0], "mode_zh": MODE_WORDS[mode][1]}


def _pct(v: float) -> str:
    """A change as displayed and applied: two decimals, sign always shown."""
    return f"{v:+.2f}%"


def goal_messages(*, reached, method, w, target, strategy, s0, s1, rank0, rank1, bar_score, chg, excluded,
                  max_pct, best_score, best_rank, uniform, cost, tier0, holder=None, lower=None,
                  suggestions=None, tiering="sizes") -> tuple[str, str]:
    """(English, Chinese) message of one goal-seek answer (see :class:`iiscore.simulate.GoalSeek`); a tier
    target names the tiering it is measured against."""
    reg_en, reg_zh, mode_en, mode_zh = w["reg_en"], w["reg_zh"], w["mode_en"], w["mode_zh"]
    is_rank = target.startswith("rank")
    num = target.split()[1]
    tw = TIERING_WORDS.get(tiering, TIERING_WORDS["given"])
    tgt_en = f"rank {num}" if is_rank else f"tier {num} ({tw[0]})"
    tgt_zh = f"第 {num} 名" if is_rank else f"第 {num} 梯队（{tw[1]}）"
    if is_rank:
        need_en, need_zh = f"a score above {bar_score:.2f}", f"得分需高于 {bar_score:.2f}"
    elif holder:  # the bar is a region's score after the change (it moves under re-normalisation)
        need_en = f"at least {bar_score:.2f}, the score of {holder[0]} after the change"
        need_zh = f"得分需达到 {holder[1]} 变动后的得分 {bar_score:.2f}"
    else:
        need_en, need_zh = f"at least {bar_score:.2f}", f"得分需达到 {bar_score:.2f}"
    chg_en = ", ".join(f"{w['ind_en'](k)} {_pct(v)}" for k, v in chg.items()) or "no change"
    chg_zh = "，".join(f"{w['ind_zh'](k)} {_pct(v)}" for k, v in chg.items()) or "无需变动"
    how = STRATEGY_WORDS[strategy]
    if method == "none-needed":
        at_en = tgt_en if is_rank else f"in tier {tier0}"
        at_zh = tgt_zh if is_rank else f"第 {tier0} 梯队"
        en = f"{reg_en} is already {at_en} (rank {rank0}, score {s0:.2f}); no change is needed ({mode_en})."
        zh = f"{reg_zh} 已处于{at_zh}（第 {rank0} 名，得分 {s0:.2f}），无需改变（{mode_zh}）。"
    elif method == "not-by-score":
        en = (f"{reg_en} is in tier {tier0} although its score ({s0:.2f}) is at or above the lowest score in {tgt_en} "
              f"({bar_score:.2f}): the tiering in force groups regions by their pillar profile, not by the score "
              f"alone, so a higher score does not change the tier. Tier by the composite (the report's sizes, "
              f"natural breaks, or k-means on the composite) to goal-seek a tier by score.")
        zh = (f"{reg_zh} 处于第 {tier0} 梯队，尽管其得分（{s0:.2f}）已不低于{tgt_zh}的最低得分（{bar_score:.2f}）："
              f"当前梯队划分按各分项结构归组，而非仅按综合得分，因此提高得分不会改变梯队。"
              f"如需按得分求解梯队目标，请按综合得分划分梯队（报告的各梯队数量、自然断点法或仅用综合得分的 k 均值）。")
    elif reached:
        if uniform is not None:
            extra_en, extra_zh = f" ({uniform:.2f}% on each)", f"（各 {uniform:.2f}%）"
        else:
            extra_en = f"; cost {cost:.4g}" if cost is not None else ""
            extra_zh = f"；成本 {cost:.4g}" if cost is not None else ""
            if cost is not None and lower is not None:
                extra_en += f" (no combination within the bounds costs less than {lower:.4g})"
                extra_zh += f"（上限内没有成本低于 {lower:.4g} 的组合）"
        en = (f"{reg_en} reaches {tgt_en} with {chg_en}{extra_en}: score {s0:.2f} → {s1:.2f} ({need_en}), "
              f"rank {rank0} → {rank1} ({how[0]}, {mode_en}).")
        zh = (f"{reg_zh} 可达到{tgt_zh}：{chg_zh}{extra_zh}；得分 {s0:.2f} → {s1:.2f}（{need_zh}），"
              f"排名 {rank0} → {rank1}（{how[1]}，{mode_zh}）。")
    else:
        en = (f"{reg_en} cannot reach {tgt_en} with these indicators within {max_pct:g}% each: at the limit it scores "
              f"{best_score:.2f}, rank {best_rank} ({need_en} is needed; {mode_en}).")
        zh = (f"{reg_zh} 在每项至多 {max_pct:g}% 的范围内无法用这些指标达到{tgt_zh}：达到上限时得分 {best_score:.2f}、"
              f"第 {best_rank} 名（{need_zh}；{mode_zh}）。")
        sug = suggestions or {}
        tips_en, tips_zh = [], []
        if sug.get("nearer"):
            t_en, t_zh = sug["nearer"]
            tips_en.append(f"aim for {t_en}, which these indicators reach")
            tips_zh.append(f"以{t_zh}为目标（所选指标可以达到）")
        if sug.get("cap") is not None:
            tips_en.append(f"allow up to {sug['cap']:g}% per indicator")
            tips_zh.append(f"把每项上限放宽到 {sug['cap']:g}%")
        if sug.get("levers"):
            names_en = ", ".join(w["ind_en"](k) for k in sug["levers"])
            names_zh = "、".join(w["ind_zh"](k) for k in sug["levers"])
            tips_en.append(f"add the region's strongest levers ({names_en})")
            tips_zh.append(f"加入该地区增益最大的指标（{names_zh}）")
        if tips_en:
            en += " What would work: " + "; or ".join(tips_en) + "."
            zh += " 可行的做法：" + "；或".join(tips_zh) + "。"
    if excluded:
        en += " Left out (a percentage change cannot improve them): " + "; ".join(
            f"{w['ind_en'](k)} ({v})" for k, v in excluded.items()) + "."
        zh += " 未纳入（百分比变动无法改善）：" + "；".join(w["ind_zh"](k) for k in excluded) + "。"
    return en, zh
