"""权重与敏感性 / Weights & sensitivity: sliders, live ranking, AHP builder, OAT sweep, Monte Carlo."""
import pandas as pd
import streamlit as st

from iiscore import sensitivity
from iiscore.errors import IIScoreError
from iiscore_app.i18n import t
from iiscore.weights import ahp
from iiscore_app import safe, state, ui, views

scn, lang = ui.page_start("weights")
st.title(t("w.title", lang))
b = state.bundle()
fw0 = b.fw

left, right = st.columns([2, 3])
with left:
    st.subheader(t("w.pillars", lang))
    st.caption(t("w.pillars.caption", lang))
    for p in fw0.pillars:
        state.weight_slider(p, safe.md(fw0.name(p, lang), safe.MAX_NAME), 0.0, 60.0, 0.5)
    for p in fw0.pillars:
        kids = fw0.children(p)
        if not kids or fw0.is_leaf(p):
            continue
        with st.expander(safe.t("w.indicators", lang, pillar=fw0.name(p, lang))):
            for leaf in kids:
                state.weight_slider(leaf, safe.md(fw0.name(leaf, lang), safe.MAX_NAME), 0.0, 100.0, 1.0)
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
if not groups:  # a flat framework of one leaf (or only-children) has no judgement to make
    st.caption(t("w.ahp.none", lang))
else:
    parent = st.selectbox(t("w.ahp.parent", lang), groups, key=state.wkey("ahp_parent"),
                          format_func=lambda g: fw0.name(g, lang))
    kids = list(fw0.children(parent))
    labels = [fw0.name(k, lang) for k in kids]
    n = len(kids)
    ekey = state.wkey(f"ahp_editor.{parent}.{lang}.{state.generation()}")
    store = state.ahp_matrices()  # parent -> the user's judgements (upper triangle, as typed)
    judged = store.get(parent)
    if judged is None:
        judged = pd.DataFrame("1", index=kids, columns=kids)

    def _judgement(text):
        """A Saaty judgement from a cell, or the reason it cannot be one (in both languages)."""
        text = str(text).strip() or "1"
        try:
            v = ahp.parse_judgement(text)
        except (ValueError, ZeroDivisionError):
            return None, t("w.ahp.notnum", lang, text=text)
        if not (1 / 9 - 1e-9 <= v <= 9 + 1e-9):
            return None, t("w.ahp.scale", lang, text=text)
        return v, None

    def _display(judged):
        """The full matrix as shown: the judgements above the diagonal, their reciprocals below."""
        out = pd.DataFrame("1", index=labels, columns=labels)
        for i in range(n):
            for j in range(i + 1, n):
                cell = str(judged.iat[i, j]).strip() or "1"
                out.iat[i, j] = cell
                v, _ = _judgement(cell)
                out.iat[j, i] = ahp._fmt(1 / v) if v is not None else "?"
        return out

    # a keyed fixed-size editor keeps its identity while its values change (Streamlit 1.67), so the
    # lower triangle can show the reciprocals of what is typed above the diagonal; a cell typed below
    # the diagonal is read as the judgement of its row over its column (its reciprocal goes above)
    shown = _display(judged)
    edited = st.data_editor(shown, key=ekey, width="stretch")
    changed = False
    for i in range(n):
        for j in range(n):
            new_cell, old_cell = str(edited.iat[i, j]).strip(), str(shown.iat[i, j]).strip()
            if i == j or new_cell == old_cell:
                continue
            if i < j:
                judged.iat[i, j] = new_cell
            else:
                v, _ = _judgement(new_cell)
                judged.iat[j, i] = ahp._fmt(1 / v) if v is not None else new_cell
            changed = True
    store[parent] = judged
    if changed:
        st.rerun()  # redraw with the reciprocals

    problems, mat = [], pd.DataFrame(1.0, index=kids, columns=kids)
    for i in range(n):
        for j in range(i + 1, n):
            v, why = _judgement(judged.iat[i, j])
            if why:
                problems.append(t("w.ahp.cell", lang, row=labels[i], col=labels[j], why=why))
            else:
                mat.iat[i, j], mat.iat[j, i] = v, 1 / v
    try:
        if problems:
            raise ValueError(" ".join(problems))
        res = ahp.ahp_priorities(mat, name=parent, warn_inconsistent=False)
    except (IIScoreError, ValueError) as exc:
        msg = ui.error_text(exc, lang) if isinstance(exc, IIScoreError) else str(exc)
        st.error(safe.t("w.ahp.error", lang, msg=msg, limit=safe.MAX_TEXT))
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
                    st.info(safe.t("w.ahp.suggest", lang, row=fw0.name(sg.row, lang), col=fw0.name(sg.column, lang),
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
# a node's weight can be swept only against siblings (an only child always weighs 1)
nodes = [nid for nid in fw0.ids if nid != fw0.root and len(fw0.children(fw0.parent(nid))) >= 2]
if not nodes:
    st.caption(t("w.oat.none", lang))
else:
    if state.scenario().oat_node not in nodes:
        state.update(oat_node=nodes[0])
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
        st.error(safe.t("error.compute", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
    bar.empty()
mc = store.get(mc_key)
if mc is None and store:
    st.caption(t("w.mc.stale", lang))
if mc is not None:
    st.altair_chart(views.mc_chart(mc, ev, lang), width="stretch", key=state.wkey("mc_chart"))
    st.dataframe(views.mc_table(mc, ev, lang), hide_index=True, key=state.wkey("mc_table"))
