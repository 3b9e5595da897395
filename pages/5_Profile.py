"""地区画像 / Region profile: where a region stands, why, against whom, what it would take; its brief."""
import streamlit as st

from iiscore.errors import IIScoreError
from iiscore_app.i18n import opt, t
from iiscore_app import brief_ui, safe, state, ui, views

scn, lang = ui.page_start("profile")
st.title(t("pf.title", lang))
b = state.bundle()
ds, fw = b.ds, b.fw
if scn.region is None or scn.region not in ds.regions:
    scn = state.update(region=ds.regions[0])

c1, c2 = st.columns(2)
with c1:
    state.control(st.selectbox, "region", t("pf.region", lang), options=list(ds.regions),
                  format_func=lambda r: views.region_name(ds, r, lang))
region = state.scenario().region
with c2:
    others = [None] + [r for r in ds.regions if r != region]
    other = st.selectbox(t("pf.compare", lang), others, key=state.wkey("pf_compare"),
                         format_func=lambda r: t("pf.compare.none", lang) if r is None else views.region_name(ds, r, lang))

ev = ui.compute_or_stop(lang)
scn = state.scenario()
try:  # the fast part first; the goal-seeks and the robustness runs are drawn last (below)
    p = state.profile(ev, region, goals=False, robust=False)
except IIScoreError as exc:
    st.error(safe.t("pf.error", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
    st.stop()
edits = t("pf.intro.edits", lang, n=len(scn.edits)) if scn.edits else ""
st.caption(t("pf.intro", lang, year=p.year, mode=opt("whatif", scn.whatif, lang), edits=edits))
brief_ui.brief_button(ev, region, lang, "pf_brief")

# -- headline ---------------------------------------------------------------------------------------
items = views.profile_metrics(p, lang)
for start in range(0, len(items), 3):  # rows of three: a tier's name needs the width
    cols = st.columns(3)
    for col, (label, value, delta, help_) in zip(cols, items[start:start + 3]):
        col.metric(label, value, delta, help=help_)
st.markdown(views.profile_summary(p, lang))

# -- pillars and the trajectory ---------------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    # the chart's own height ("content") came out about 60 px with the grouped bars, and the axis
    # dropped two of the five pillar names: the bars' height plus the title, axis and legend
    st.vega_lite_chart(views.pillar_profile_chart(p, lang).to_dict(), width="stretch", key=state.wkey("pf_pillars"),
                       height=views.pillar_chart_height(p))
    st.caption(safe.t("pf.pillars.caption", lang, leader=p.region_label(p.leader, lang), rank=p.leader_rank,
                 scale=ui.scale_caption(ev, lang)))
with right:
    charts = views.profile_trajectory_charts(p, lang)
    if charts is None:
        st.caption(t("pf.trajectory.one", lang))
    else:
        st.markdown(f"**{t('pf.trajectory', lang, y0=p.trajectory.index.min(), y1=p.trajectory.index.max())}**")
        r1, r2 = st.columns(2)
        r1.vega_lite_chart(charts[0].to_dict(), width="stretch", key=state.wkey("pf_traj_score"))
        r2.vega_lite_chart(charts[1].to_dict(), width="stretch", key=state.wkey("pf_traj_rank"))
        st.caption(t("pf.trajectory.caption", lang))
st.dataframe(views.pillar_profile_table(p, lang), hide_index=True, key=state.wkey("pf_pillar_table"))

st.subheader(t("pf.indicators", lang))
st.dataframe(views.indicator_profile_table(p, lang), hide_index=True, key=state.wkey("pf_ind_table"))
st.caption(t("pf.gap.caption", lang))
st.caption(f"**{t('pf.rule', lang)}**: {safe.md(p.rule(lang), safe.MAX_TEXT)}" if lang == "en" else f"**{t('pf.rule', lang)}**：{safe.md(p.rule(lang), safe.MAX_TEXT)}")

# -- compare two regions ----------------------------------------------------------------------------
if other is not None and other in ds.regions:
    try:
        q = state.profile(ev, other, goals=False, robust=False)
    except IIScoreError as exc:
        st.error(safe.t("pf.error", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
        q = None
    if q is not None:
        st.divider()
        st.subheader(safe.t("pf.cmp", lang, a=p.name(lang), b=q.name(lang)))
        ca, cb = st.columns(2)
        for col, x in ((ca, p), (cb, q)):
            with col:
                st.markdown(safe.md(x.name(lang), safe.MAX_NAME))
                mcols = st.columns(3)
                for mc, (label, value, delta, help_) in zip(mcols, views.profile_metrics(x, lang)[:3]):
                    mc.metric(label, value, delta, help=help_)
        st.vega_lite_chart(views.pillar_profile_chart(p, lang, other=q).to_dict(), width="stretch",
                           key=state.wkey("pf_cmp_chart"), height=views.pillar_chart_height(p))
        pil, ind = views.compare_tables(p, q, lang)
        st.dataframe(pil, hide_index=True, key=state.wkey("pf_cmp_pillars"))
        st.dataframe(ind, hide_index=True, key=state.wkey("pf_cmp_inds"))

# -- peers ------------------------------------------------------------------------------------------
st.divider()
st.subheader(t("pf.peers", lang))
n1, n2 = st.columns(2)
with n1:
    st.markdown(f"**{t('pf.nearest', lang)}**")
    st.dataframe(views.nearest_table(p, lang), hide_index=True, key=state.wkey("pf_nearest"))
    st.caption(t("pf.nearest.caption", lang, l=len(p.indicators)))
with n2:
    st.markdown(f"**{t('pf.neighbours', lang)}**")
    st.dataframe(views.neighbours_table(p, lang), hide_index=True, key=state.wkey("pf_neighbours"))
    st.caption(t("pf.neighbours.caption", lang))

# -- what it would take -----------------------------------------------------------------------------
st.divider()
st.subheader(t("pf.take", lang))
k1, k2 = st.columns(2)
with k1:
    st.markdown(f"**{t('pf.bars', lang)}**")
    st.dataframe(views.bars_table(p, lang), hide_index=True, key=state.wkey("pf_bars"))
    st.caption(t("pf.bars.caption", lang))
with k2:
    st.markdown(f"**{t('pf.levers', lang)}**")
    st.dataframe(views.profile_levers_table(p, lang), hide_index=True, key=state.wkey("pf_levers"))
    st.caption(t("pf.levers.caption", lang))
goal_box = st.container()  # filled at the end of the run: the goal-seeks take the longest

# -- how robust -------------------------------------------------------------------------------------
st.divider()
st.subheader(t("pf.robust", lang))
robust_box = st.container()

# -- caveats ----------------------------------------------------------------------------------------
st.divider()
st.subheader(t("pf.caveats", lang))
st.markdown("\n".join(f"- {safe.md(c[1] if lang == 'zh' else c[0], safe.MAX_TEXT)}" for c in p.caveats))
if p.notes:
    with st.expander(t("pf.notes", lang)):
        for en, zh in p.notes:
            st.caption(safe.md(p.with_names(zh if lang == "zh" else en, lang), safe.MAX_TEXT))


def _apply(edits):
    # exactly the edits the answer was checked with (rounded in their good direction), as the simulator does
    state.set_scenario(state.scenario().replace(edits=list(edits)))
    state.flash(t("pf.goal.applied", state.lang()))


def draw_goals(p):
    if p.tier == 1:
        st.caption(t("pf.goal.top", lang))
    elif p.target_tier is None or (p.goal_uniform is None and p.goal_cheapest is None):
        st.caption(t("pf.goal.none", lang))
    else:
        st.markdown(f"**{t('pf.goal', lang, t=p.target_tier)}**")
        st.caption(t("pf.goal.caption", lang, l=len(p.indicators)))
        g1, g2 = st.columns(2)
        for col, gs, key in ((g1, p.goal_uniform, "uniform"), (g2, p.goal_cheapest, "cheapest")):
            with col:
                st.markdown(t("pf.goal." + key, lang))
                if gs is None:
                    st.caption(t("pf.goal.none", lang))
                    continue
                st.info(views.goal_text(p, gs, lang))
                if gs.reached and gs.method != "none-needed":
                    if key == "cheapest":
                        st.dataframe(views.goal_changes_table(p, gs, lang), hide_index=True,
                                     key=state.wkey(f"pf_goal_{key}"))
                        st.caption(t("pf.goal.proven" if gs.proven else "pf.goal.unproven", lang))
                    st.button(t("pf.goal.apply", lang), key=state.wkey(f"pf_apply_{key}"), on_click=_apply,
                              args=(tuple(gs.applied_edits),))


def draw_robust(p):
    if p.mc:
        mc = p.mc
        tier_txt = t("pf.mc.tier", lang, t=p.tier, p=mc["p_tier"]) if mc.get("p_tier") is not None else ""
        st.markdown(t("pf.mc", lang, spread=mc["spread"], n=mc["samples"], seed=mc["seed"], p05=mc["p05"],
                      p95=mc["p95"], med=mc["median"], tier=tier_txt))
    if p.methods:
        st.markdown(t("pf.methods", lang, n=p.methods["n"], best=p.methods["best"], worst=p.methods["worst"]))
        st.dataframe(views.methods_band_table(p, lang).set_index(t("col.method", lang)).T, key=state.wkey("pf_methods"))
    if not p.mc and not p.methods:
        st.caption(t("pf.robust.none", lang))


# the slow parts, last: everything above is already on the screen while they run
for box, draw, kw in ((goal_box, draw_goals, {"robust": False}), (robust_box, draw_robust, {"goals": False})):
    with box:
        try:
            draw(state.profile(ev, region, **kw))
        except IIScoreError as exc:
            st.error(safe.t("pf.error", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
