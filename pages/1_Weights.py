"""权重与敏感性 / Weights & sensitivity: sliders with their shares, live ranking, AHP builder, OAT sweep,
Monte Carlo."""
import hashlib

import pandas as pd
import streamlit as st

from iiscore import sensitivity
from iiscore.errors import IIScoreError
from iiscore.weights import ahp
from iiscore_app import safe, state, ui, views
from iiscore_app.i18n import t

scn, lang = ui.page_start("weights")
st.title(t("w.title", lang))
b = state.bundle()
fw0 = b.fw
PILLAR_RANGE, LEAF_RANGE = (0.0, 60.0), (0.0, 100.0)


def _label(node: str, shares, local) -> str:
    """The slider's label: the node's name, then (grey) its share of the composite."""
    name = safe.md(fw0.name(node, lang), safe.MAX_NAME)
    if shares is None:
        return name
    if fw0.is_leaf(node):
        share = t("w.share.leaf", lang, share=shares[node] * 100, local=local[node] * 100)
    else:
        share = t("w.share.pillar", lang, share=shares[node] * 100)
    return f"{name} :gray[{share}]"


def _wide_note(node: str, lo: float, hi: float):
    v = float(state.scenario().weight_map.get(node, fw0.node(node).weight))
    if views.weight_slider_range(v, lo, hi)[2]:
        st.caption(safe.t("w.wide", lang, name=fw0.name(node, lang), value=v, lo=lo, hi=hi))


def _total(nodes) -> float:
    w = state.scenario().weight_map
    return float(sum(w.get(n, fw0.node(n).weight) for n in nodes))


left, right = st.columns([2, 3])
with left:
    st.subheader(t("w.pillars", lang))
    st.caption(t("w.pillars.caption", lang))
    keep = st.toggle(t("w.keep100", lang), key=state.wkey("w_keep100"), help=t("w.keep100.help", lang))
    weights = state.scenario().weight_map
    shares, local = views.weight_shares(fw0, weights), views.local_shares(fw0, weights)
    for p in fw0.pillars:
        state.weight_slider(p, _label(p, shares, local), *PILLAR_RANGE, 0.5, keep_total=keep,
                            help=t("w.slider.help", lang))
        _wide_note(p, *PILLAR_RANGE)
    st.caption(t("w.total", lang, total=_total(fw0.pillars)))
    for p in fw0.pillars:
        kids = fw0.children(p)
        if not kids or fw0.is_leaf(p):
            continue
        with st.expander(safe.t("w.indicators", lang, pillar=fw0.name(p, lang))):
            for leaf in kids:
                state.weight_slider(leaf, _label(leaf, shares, local), *LEAF_RANGE, 1.0, keep_total=keep,
                                    help=t("w.slider.help", lang))
                _wide_note(leaf, *LEAF_RANGE)
            st.caption(t("w.total", lang, total=_total(kids)))
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
with st.expander(t("w.ahp.glossary", lang)):
    st.markdown(t("w.ahp.glossary.body", lang))
groups = [g for g in fw0.aggregates if len(fw0.children(g)) >= 2]
if not groups:  # a flat framework of one leaf (or only-children) has no judgement to make
    st.caption(t("w.ahp.none", lang))
else:
    parent = st.selectbox(t("w.ahp.parent", lang), groups, key=state.wkey("ahp_parent"),
                          format_func=lambda g: fw0.name(g, lang))
    kids = list(fw0.children(parent))
    labels = [fw0.name(k, lang) for k in kids]
    if len(set(labels)) < len(labels):  # names must tell the items apart in the table and in messages
        labels = [f"{name} ({k})" for name, k in zip(labels, kids)]
    store = state.ahp_matrices()  # parent -> {"judged": the user's judgements (upper triangle, as typed), "version"}
    entry = store.get(parent)
    if not isinstance(entry, dict) or list(entry["judged"].index) != kids:  # new, or another framework's
        entry = store[parent] = {"judged": pd.DataFrame("1", index=kids, columns=kids), "version": 0}
    # a keyed fixed-size editor keeps its identity while its values change (Streamlit 1.67), so the
    # lower triangle can show the reciprocals of what is typed above the diagonal; the version starts a
    # fresh editor when the judgements are replaced (the suggested revisions), which would otherwise
    # be overwritten by the cells typed earlier
    ekey = state.wkey(f"ahp_editor.{parent}.{lang}.{state.generation()}.{entry['version']}")
    shown = views.ahp_shown(entry["judged"], labels)
    edited = st.data_editor(shown, key=ekey, width="stretch")
    entry["judged"], changed = views.ahp_fold(entry["judged"], shown, edited)
    if changed:
        st.rerun()  # redraw with the reciprocals


    def _revise(parent, plan):
        e = state.ahp_matrices()[parent]
        e["judged"] = views.ahp_revised(e["judged"], plan)
        e["version"] += 1


    def _apply_ahp(w, total, cr, consistent, group):
        cur = state.scenario().weight_map
        for k, v in w.items():
            cur[k] = round(float(v) * total, 4)
        state.update(weights=cur)
        if consistent:
            state.flash(t("w.ahp.applied", state.lang(), group=group, cr=cr))
        else:
            state.flash(("warning", t("w.ahp.applied.bad", state.lang(), group=group, cr=cr)))


    digest = hashlib.sha1(entry["judged"].to_json().encode()).hexdigest()[:10]  # these judgements
    try:  # the engine builds the reciprocal matrix and refuses judgements off Saaty's scale, naming the pair
        full = ahp.reciprocal_matrix(entry["judged"], labels=labels, name=fw0.name(parent, lang))
        mat = pd.DataFrame(full.to_numpy(), index=kids, columns=kids)
        res = ahp.ahp_priorities(mat, name=parent, warn_inconsistent=False)
    except IIScoreError as exc:
        st.error(safe.md(exc.zh if lang == "zh" else exc.en, safe.MAX_TEXT))
    else:
        c1, c2 = st.columns([3, 2])
        with c1:
            st.markdown(t("w.ahp.cr", lang, cr=res.cr, lam=res.lambda_max, ci=res.ci, ri=res.ri),
                        help=t("w.ahp.cr.help", lang))
            if res.consistent:
                st.success(t("w.ahp.ok", lang, cr=res.cr))
            else:
                plan = entry.get("plan")
                if plan is None or plan[0] != digest:  # once per matrix (15 items take seconds)
                    entry["plan"] = plan = (digest, ahp.revision_plan(mat, threshold=res.threshold, name=parent))
                plan = plan[1]
                lines = views.ahp_plan_lines(plan, fw0, lang)
                end = (t("w.ahp.plan.done", lang, cr=plan.cr_after) if plan.reached
                       else t("w.ahp.plan.stuck", lang, cr=plan.cr_after))
                body = [t("w.ahp.bad", lang, cr=res.cr)]
                if lines:
                    body += [t("w.ahp.plan", lang), "\n".join(lines)]  # a numbered list
                body.append(end)
                st.warning("\n\n".join(body))
                if plan.steps:
                    st.button(t("w.ahp.plan.apply", lang), key=state.wkey("ahp_revise"), on_click=_revise,
                              args=(parent, plan))
        with c2:
            wtab = pd.DataFrame({t("col.node", lang): labels,
                                 t("w.ahp.weights", lang): (res.weights.reindex(kids) * 100).round(2).to_numpy()})
            st.dataframe(wtab, hide_index=True, key=state.wkey("ahp_weights"))
            confirmed = res.consistent
            if not res.consistent:  # an inconsistent matrix is applied only once the user says so
                confirmed = st.checkbox(t("w.ahp.confirm", lang, cr=res.cr), key=state.wkey(f"ahp_confirm.{parent}.{digest}"),
                                        help=t("w.ahp.confirm.help", lang))
            total = sum(fw0.node(k).weight for k in kids)
            st.button(t("w.ahp.apply", lang), key=state.wkey("ahp_apply"), disabled=not confirmed, type="primary",
                      on_click=_apply_ahp if confirmed else None,
                      args=(res.weights.reindex(kids), total, res.cr, res.consistent, fw0.name(parent, lang)))
            if not confirmed:
                st.caption(t("w.ahp.confirm.need", lang))


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
mc_store = state.mc_results()
if st.button(t("w.mc.run", lang), key=state.wkey("mc_run"), type="primary"):
    bar = st.progress(0.0, text=t("w.mc.progress", lang, done=0, n=scn.mc_n))

    def _progress(frac):
        bar.progress(min(float(frac), 1.0), text=t("w.mc.progress", lang, done=int(frac * scn.mc_n), n=scn.mc_n))

    try:
        mc = sensitivity.monte_carlo(ev.edited_ds, ev.current.spec, samples=int(scn.mc_n), seed=int(scn.mc_seed),
                                     weight_noise=float(scn.mc_spread), tiers=ev.tiers,
                                     chunk_size=max(50, int(scn.mc_n) // 10), progress=_progress)
        mc_store.clear()
        mc_store[mc_key] = mc
    except IIScoreError as exc:
        st.error(safe.t("error.compute", lang, msg=ui.error_text(exc, lang), limit=safe.MAX_TEXT))
    bar.empty()
mc = mc_store.get(mc_key)
if mc is None and mc_store:
    st.caption(t("w.mc.stale", lang))
if mc is not None:
    st.altair_chart(views.mc_chart(mc, ev, lang), width="stretch", key=state.wkey("mc_chart"))
    st.dataframe(views.mc_table(mc, ev, lang), hide_index=True, key=state.wkey("mc_table"))
