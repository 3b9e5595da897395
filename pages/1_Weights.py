"""权重与敏感性 / Weights & sensitivity: sliders, live ranking, AHP builder, OAT sweep, Monte Carlo."""
import pandas as pd
import streamlit as st

from iiscore import sensitivity
from iiscore.errors import IIScoreError
from iiscore.i18n import t
from iiscore.weights import ahp
from iiscore_app import state, ui, views

scn, lang = ui.page_start("weights")
st.title(t("w.title", lang))
b = state.bundle()
fw0 = b.fw

left, right = st.columns([2, 3])
with left:
    st.subheader(t("w.pillars", lang))
    st.caption(t("w.pillars.caption", lang))
    for p in fw0.pillars:
        state.weight_slider(p, fw0.name(p, lang), 0.0, 60.0, 0.5)
    for p in fw0.pillars:
        kids = fw0.children(p)
        if not kids or fw0.is_leaf(p):
            continue
        with st.expander(t("w.indicators", lang, pillar=fw0.name(p, lang))):
            for leaf in kids:
                state.weight_slider(leaf, fw0.name(leaf, lang), 0.0, 100.0, 1.0)
    st.button(t("w.reset", lang), key=state.wkey("w_reset"), on_click=lambda: state.update(weights={}))

ev = ui.compute_or_stop(lang)
with right:
    st.subheader(t("w.live", lang))
    st.markdown(state.view("top_line", ev, lang), unsafe_allow_html=True)
    st.dataframe(state.view("ranking_table", ev, lang), hide_index=True, height=360, key=state.wkey("w_rank"))
    st.vega_lite_chart(state.view("slope_chart", ev, lang), width="stretch", key=state.wkey("w_slope"))

# -- AHP builder ---------------------------------------------------------------------------------
st.divider()
st.subheader(t("w.ahp", lang))
st.caption(t("w.ahp.caption", lang))
groups = [g for g in fw0.aggregates if len(fw0.children(g)) >= 2]
parent = st.selectbox(t("w.ahp.parent", lang), groups, key=state.wkey("ahp_parent"),
                      format_func=lambda g: fw0.name(g, lang))
kids = list(fw0.children(parent))
labels = [fw0.name(k, lang) for k in kids]
ekey = state.wkey(f"ahp_editor.{parent}.{lang}.{state.generation()}")
store = state.ahp_matrices()


def _initial():
    m = store.get(parent)
    if m is None:
        m = pd.DataFrame("1", index=kids, columns=kids)
    out = m.copy()
    out.index, out.columns = labels, labels
    return out


base = state.editor_base(ekey, _initial)
edited = st.data_editor(base, key=ekey, width="stretch")
raw = edited.copy()
raw.index, raw.columns = kids, kids
store[parent] = raw
# the upper triangle is the user's; the lower one is its reciprocal
n = len(kids)
mat = pd.DataFrame(1.0, index=kids, columns=kids, dtype=object)
problem = None
for i in range(n):
    for j in range(i + 1, n):
        cell = str(raw.iat[i, j]).strip() or "1"
        mat.iat[i, j] = cell
        try:
            mat.iat[j, i] = 1.0 / ahp.parse_judgement(cell)
        except (IIScoreError, ValueError, ZeroDivisionError) as exc:
            problem = exc
try:
    if problem is not None:
        raise problem
    res = ahp.ahp_priorities(mat, name=parent, warn_inconsistent=False)
except (IIScoreError, ValueError, ZeroDivisionError) as exc:
    msg = exc.message(lang) if isinstance(exc, IIScoreError) else str(exc)
    st.error(t("w.ahp.error", lang, msg=msg))
else:
    c1, c2 = st.columns([2, 3])
    with c1:
        st.markdown(t("w.ahp.cr", lang, cr=res.cr, lam=res.lambda_max, ci=res.ci))
        if res.consistent:
            st.success(t("w.ahp.ok", lang))
        else:
            st.warning(t("w.ahp.bad", lang))
            sg = res.suggestion
            if sg is not None:
                st.info(t("w.ahp.suggest", lang, row=fw0.name(sg.row, lang), col=fw0.name(sg.column, lang),
                          cur=f"{sg.current:.3g}", new=f"{sg.scale_value:.3g}", cr=sg.cr_after_scale))
    with c2:
        wtab = pd.DataFrame({t("col.node", lang): labels, t("w.ahp.weights", lang): (res.weights.reindex(kids) * 100).round(2)})
        st.dataframe(wtab, hide_index=True, key=state.wkey("ahp_weights"))
        total = sum(fw0.node(k).weight for k in kids)

        def _apply_ahp(w=res.weights.reindex(kids), total=total):
            cur = state.scenario().weight_map
            for k, v in w.items():
                cur[k] = round(float(v) * total, 4)
            state.update(weights=cur)

        st.button(t("w.ahp.apply", lang), key=state.wkey("ahp_apply"), on_click=_apply_ahp)

# -- one-at-a-time sweep ---------------------------------------------------------------------------
st.divider()
st.subheader(t("w.oat", lang))
st.caption(t("w.oat.caption", lang))
nodes = [nid for nid in fw0.ids if nid != fw0.root]
state.control(st.selectbox, "oat_node", t("w.oat.node", lang), options=nodes,
              format_func=lambda nid: fw0.name(nid, lang))
st.vega_lite_chart(state.view("oat_chart", ev, lang, state.scenario().oat_node), width="stretch",
                   key=state.wkey("oat_chart"))

# -- Monte Carlo -------------------------------------------------------------------------------------
st.divider()
st.subheader(t("w.mc", lang))
st.caption(t("w.mc.caption", lang))
m1, m2, m3 = st.columns(3)
with m1:
    state.control(st.number_input, "mc_n", t("w.mc.n", lang), min_value=50, max_value=5000, step=50)
with m2:
    state.control(st.slider, "mc_spread", t("w.mc.spread", lang), min_value=0.05, max_value=0.95, step=0.05)
with m3:
    state.control(st.number_input, "mc_seed", t("w.mc.seed", lang), min_value=0, max_value=2**31 - 1, step=1)
scn = state.scenario()
mc_key = (b.key, scn.compute_key(), scn.tier_key(), scn.mc_n, scn.mc_spread, scn.mc_seed)
store = state.mc_results()
if st.button(t("w.mc.run", lang), key=state.wkey("mc_run"), type="primary"):
    bar = st.progress(0.0, text=t("w.mc.progress", lang, done=0, n=scn.mc_n))

    def _progress(frac):
        bar.progress(min(float(frac), 1.0), text=t("w.mc.progress", lang, done=int(frac * scn.mc_n), n=scn.mc_n))

    try:
        mc = sensitivity.monte_carlo(ev.edited_ds, ev.current.spec, samples=int(scn.mc_n), seed=int(scn.mc_seed),
                                     weight_noise=float(scn.mc_spread), tiers=ev.tiers,
                                     chunk_size=max(50, int(scn.mc_n) // 10), progress=_progress)
        store.clear()
        store[mc_key] = mc
    except IIScoreError as exc:
        st.error(t("error.compute", lang, msg=exc.message(lang)))
    bar.empty()
mc = store.get(mc_key)
if mc is None and store:
    st.caption(t("w.mc.stale", lang))
if mc is not None:
    st.altair_chart(views.mc_chart(mc, ev, lang), width="stretch", key=state.wkey("mc_chart"))
    st.dataframe(views.mc_table(mc, ev, lang), hide_index=True, key=state.wkey("mc_table"))
