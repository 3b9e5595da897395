"""地区模拟 / Province simulator: edit a region's indicators, see before/after, levers, goal-seek."""
import streamlit as st

from iiscore_app import scenario as S
from iiscore import simulate
from iiscore.errors import IIScoreError
from iiscore_app.i18n import t
from iiscore_app import brief_ui, safe, state, ui, views

scn, lang = ui.page_start("simulator")
st.title(t("sim.title", lang))
b = state.bundle()
ds, fw = b.ds, b.fw
if scn.region is None or scn.region not in ds.regions:
    scn = state.update(region=ds.regions[0])

c1, c2 = st.columns([2, 3])
with c1:
    state.control(st.selectbox, "region", t("sim.region", lang), options=list(ds.regions),
                  format_func=lambda r: views.region_name(ds, r, lang))
with c2:
    mode = st.radio(t("sim.mode", lang), ["pct", "abs"], horizontal=True, key=state.wkey("sim_mode"),
                    format_func=lambda m: t("sim.mode." + m, lang))
scn = state.scenario()
region = scn.region
rname = views.region_name(ds, region, lang)
# One editor per region, mode, year and language lives across the user's own edits: a new editor
# after each edit would take the focus away mid-typing. A keyed fixed-size editor keeps its identity
# when only values change (Streamlit 1.67; older versions start a new editor), so its data follows
# the scenario and an edited row shows 情景修改 at once. Edits made elsewhere (clear, goal-seek, a
# preset) replace the scenario wholesale and start a fresh editor through the generation.
ekey = state.wkey(f"sim_editor.{region}.{mode}.{scn.year}.{lang}.{state.generation()}")


def _take_edits(region=region, mode=mode, lang=lang, ekey=ekey):
    """Fold the typed cell into the scenario before the page runs: the table is then drawn once,
    from the new scenario, and nothing reruns under the user's next keystrokes."""
    cur = state.scenario()
    base = views.edit_table(ds, fw, cur, region, mode, lang)
    new = views.edits_from_table(cur, region, views.apply_editor_state(base, st.session_state.get(ekey)),
                                 mode, lang, base)
    if new != cur.edits:
        state.update(edits=new)


scn = state.scenario()
table = views.edit_table(ds, fw, scn, region, mode, lang)
edit_col = t("col.change_pct", lang) if mode == "pct" else t("col.new_value", lang)
other_col = t("col.new_value", lang) if mode == "pct" else t("col.change_pct", lang)
st.subheader(safe.t("sim.table", lang, region=rname, year=scn.year))
st.caption(t("sim.table.caption", lang, col=edit_col, other=other_col))
st.data_editor(table, key=ekey, hide_index=True, width="stretch", disabled=[c for c in table.columns if c != edit_col],
               column_config={"_id": None, t("col.indicator", lang): st.column_config.TextColumn(pinned=True)},
               on_change=_take_edits)
_take_edits()  # editor state set without the callback (scripted, e.g. AppTest): fold it in and redraw
if state.scenario().edits != scn.edits:
    st.rerun()

b1, b2 = st.columns(2)
b1.button(t("sim.clear", lang), key=state.wkey("sim_clear"),
          on_click=lambda: state.set_scenario(state.scenario().replace(
              edits=[e for e in state.scenario().edits if e.region != state.scenario().region])))
b2.button(t("sim.clear_all", lang), key=state.wkey("sim_clear_all"),
          on_click=lambda: state.set_scenario(state.scenario().replace(edits=())))

ev = ui.compute_or_stop(lang)
try:
    wi = state.whatif(ev)
except IIScoreError as exc:
    st.error(safe.t("error.compute", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
    st.stop()

st.divider()
st.subheader(t("sim.before_after", lang))
row = wi.table.set_index("region").loc[region]
m1, m2, m3 = st.columns(3)
helptext = t("sim.delta.help", lang)
m1.metric(t("col.score", lang), f"{row['score_after']:.2f}",
          **views.metric_delta(row["score_after"] - row["score_before"]), help=helptext)
m2.metric(t("col.rank", lang), int(row["rank_after"]),
          **views.metric_delta(int(row["rank_before"] - row["rank_after"]), "{:+d}"), help=helptext)
m3.metric(t("col.tier", lang), int(row["tier_after"]),
          **views.metric_delta(int(row["tier_before"] - row["tier_after"]), "{:+d}"), help=helptext)
for en, zh in wi.notes:
    st.caption(safe.md(zh if lang == "zh" else en, safe.MAX_TEXT))
st.markdown(f"**{t('sim.passes', lang)}**")
passes = views.passes_table(wi, ds, region, lang)
if passes.empty:
    st.caption(t("sim.passes.none", lang))
else:
    st.dataframe(passes, hide_index=True, key=state.wkey("sim_passes"))
if scn.edits:
    with st.expander(t("sim.edits", lang)):
        st.dataframe(views.edits_list(scn, ds, fw, lang), hide_index=True, key=state.wkey("sim_edits"))
# the region's brief under this scenario (its edits included), made only when a button is pressed
st.caption(safe.t("sim.brief", lang, region=rname))
brief_ui.brief_button(ev, region, lang, "sim_brief")

st.divider()
st.subheader(t("sim.levers", lang))
lv = None
try:
    lv = state.levers(ev, region)
except IIScoreError as exc:
    st.error(safe.t("error.compute", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
else:
    st.dataframe(views.levers_table(lv, fw, lang, ev.current.normalised), hide_index=True, key=state.wkey("sim_levers"),
                 column_config={t("col.indicator", lang): st.column_config.TextColumn(pinned=True)})
    why = views.lever_explanations(lv, fw, lang, ev.current.normalised)
    if why:  # a negative gain, or none at the top, surprises: say why next to the table
        st.markdown("\n".join(f"- {x}" for x in why))

# -- goal-seek ------------------------------------------------------------------------------------
st.divider()
st.subheader(t("sim.goal", lang))
st.caption(t("sim.goal.caption", lang))
k = int(ev.tiers_unedited.tier.max())
n_regions = len(ds.regions)
inds_key = f"goal_inds.{region}"  # each region starts from its own strongest levers
state.goal_answer(defaults={"goal_kind": "tier", "goal_tier": min(2, k), "goal_rank": min(10, n_regions),
                            "goal_strategy": "uniform", "goal_max": 100.0,
                            inds_key: views.best_levers(lv) if lv is not None else list(fw.leaves)[:2]})
g1, g2 = st.columns(2)
kind = g1.radio(t("sim.goal.kind", lang), ["tier", "rank"], horizontal=True, key=state.wkey("goal_kind"),
                format_func=lambda x: t("sim.goal.kind." + x, lang))
if kind == "tier":
    target = g2.selectbox(t("sim.goal.tier", lang), list(range(1, k + 1)), key=state.wkey("goal_tier"))
else:
    target = g2.number_input(t("sim.goal.rank", lang), min_value=1, max_value=n_regions, step=1,
                             key=state.wkey("goal_rank"))
inds = st.multiselect(t("sim.goal.inds", lang), list(fw.leaves), format_func=lambda i: fw.name(i, lang),
                      key=state.wkey(inds_key), help=t("sim.goal.inds.help", lang))
s1, s2 = st.columns(2)
strategy = s1.radio(t("sim.goal.strategy", lang), ["uniform", "cheapest"], horizontal=True,
                    key=state.wkey("goal_strategy"), format_func=lambda x: t("sim.goal.strategy." + x, lang))
max_pct = s2.number_input(t("sim.goal.max", lang), min_value=1.0, max_value=1000.0, step=10.0,
                          key=state.wkey("goal_max"))
costs = None
if strategy == "cheapest" and inds:  # costs only where they are used: the cheapest combination
    st.caption(t("sim.goal.costs.caption", lang))
    costs_table = st.data_editor(views.goal_costs_table(fw, lang, inds), hide_index=True,
                                 key=state.wkey(f"goal_costs.{region}.{'.'.join(inds)}"),
                                 disabled=[t("col.indicator", lang)], column_config={"_id": None})
    costs = views.goal_costs(costs_table, inds)
settings = (region, scn.compute_key(), scn.tier_key(), kind, int(target), tuple(inds), strategy, float(max_pct),
            tuple(sorted(costs.items())) if costs else None)
ans = state.goal_answer()
go = st.button(t("sim.goal.run", lang), key=state.wkey("goal_run"), type="primary")
if go or (ans and ans.get("rerun")):  # the button, or a suggestion's "use this"
    if not inds:
        st.warning(t("sim.goal.need", lang))
        state.goal_answer(clear=True)
    else:
        target_kw = {"target_tier": int(target)} if kind == "tier" else {"target_rank": int(target)}
        try:
            gs = simulate.goal_seek(b.ds, ev.unedited.spec, region, indicators=inds, mode=scn.whatif,
                                    strategy=strategy, costs=costs, max_pct=float(max_pct), max_evals=simulate.INTERACTIVE_BUDGET,
                                    tiers=ev.tiers_unedited, edits=S.sim_edits(scn), **target_kw)
            state.goal_answer({"settings": settings, "gs": gs})
        except IIScoreError as exc:
            state.goal_answer(clear=True)
            st.error(safe.t("error.compute", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
ans = state.goal_answer()


def _apply(gs):
    # exactly the edits the answer was checked with (rounded in their good direction)
    state.set_scenario(state.scenario().replace(edits=list(gs.applied_edits)))
    now = state.scenario()
    state.goal_answer({"applied": gs, "key": (gs.region, now.compute_key(), now.tier_key())})


def _try(form):
    state.goal_answer({"rerun": True}, form=form)


if ans and ans.get("applied") is not None and ans["key"] == (region, scn.compute_key(), scn.tier_key()):
    st.success(t("sim.goal.applied", lang, score=row["score_after"], rank=int(row["rank_after"]),
                 tier=int(row["tier_after"])))
elif ans and ans.get("gs") is not None and ans["settings"][:3] == settings[:3]:
    gs = ans["gs"]
    if ans["settings"] != settings:
        st.caption(t("sim.goal.stale", lang))
    elif gs.method == "none-needed":
        st.info(safe.md(gs.message(lang), 2 * safe.MAX_TEXT))
    elif gs.reached:
        st.success(safe.md(gs.message(lang), 2 * safe.MAX_TEXT))
        if gs.strategy == "cheapest" and not gs.proven:  # within the page's search budget
            st.caption(t("sim.goal.unproven", lang, n=simulate.INTERACTIVE_BUDGET))
        values = ev.edited_ds.matrix(scn.year).loc[region]
        st.dataframe(views.goal_table(gs, fw, lang, values), hide_index=True, key=state.wkey("goal_table"))
        st.markdown(views.goal_promise(gs, lang))
        st.button(t("sim.goal.apply", lang), key=state.wkey("goal_apply"), on_click=_apply, args=(gs,), type="primary")
    elif gs.method == "not-by-score":
        st.warning(safe.md(gs.message(lang), 2 * safe.MAX_TEXT))
    else:  # out of reach: say what happened and what would work
        text, tips = views.goal_failure(gs, ds, fw, lang, float(max_pct), inds)
        st.warning(text + "\n\n" + (t("sim.goal.works", lang) if tips else t("sim.goal.try.nothing", lang)))
        for j, (tip, form) in enumerate(tips):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"- {tip}")
            c2.button(t("sim.goal.try", lang), key=state.wkey(f"goal_try.{j}"), on_click=_try, args=(form,))
