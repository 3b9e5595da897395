"""梯队划分 / Tiers: methods, tier map, comparison with the report, workshop view of tier shifts."""
import streamlit as st

from iiscore_app import scenario as S
from iiscore import tiering
from iiscore.errors import IIScoreError
from iiscore_app.i18n import opt, t
from iiscore_app import geo, safe, state, ui, views

scn, lang = ui.page_start("tiers")
st.title(t("t.title", lang))
b = state.bundle()
n_regions = len(b.ds.regions)

c1, c2, c3, c4, c5 = st.columns([3, 2, 3, 2, 2])
with c1:
    state.control(st.selectbox, "tier_method", t("t.method", lang), options=list(S.TIER_METHODS),
                  format_func=lambda m: opt("tier", m, lang))
method = state.scenario().tier_method
with c2:
    state.control(st.number_input, "tier_k", t("t.k", lang), min_value=S.K_RANGE[0], max_value=S.K_RANGE[1], step=1,
                  disabled=method not in ("kmeans", "jenks"))
with c3:
    state.control(st.selectbox, "tier_features", t("t.features", lang), options=list(S.TIER_FEATURES),
                  format_func=lambda f: opt("features", f, lang), disabled=method != "kmeans")
with c4:
    state.control(st.checkbox, "tier_standardise", t("t.standardise", lang), disabled=method != "kmeans")
with c5:
    state.control(st.number_input, "tier_seed", t("t.seed", lang), min_value=0, max_value=S.SEED_MAX, step=1,
                  disabled=method != "kmeans")
if method == "sizes":
    def _sizes_to_field(text):
        try:
            sizes = tuple(int(x) for x in str(text).replace("，", ",").split(",") if x.strip())
        except ValueError:
            sizes = ()
        if len(sizes) < 2 or min(sizes) < 1 or sum(sizes) != n_regions:
            state.flash(("error", t("t.sizes.bad", state.lang(), n=n_regions, text=text)))
            return state.scenario().tier_sizes
        return sizes

    state.control(st.text_input, "tier_sizes", t("t.sizes", lang, n=n_regions), to_field=_sizes_to_field,
                  from_field=lambda s: ",".join(map(str, s)))

ev = ui.compute_or_stop(lang)
scn = state.scenario()
for warning in views.untiered_text(ev, lang):  # regions in no tier: named, with the fix
    st.warning(warning)

left, right = st.columns([3, 2])
with left:
    st.subheader(t("t.map", lang))
    kind = st.radio(t("map.kind", lang), options=list(geo.KINDS), horizontal=True,
                    format_func=lambda k: t("map.kind." + k, lang), key=state.wkey("tier_map_kind"))
    if kind == "geo":
        st.pydeck_chart(state.map_deck(ev, "tier", lang), height=460, key=state.wkey("tier_map"))
    else:
        st.vega_lite_chart(state.view("tile_chart", ev, lang, "tier"), width="stretch", key=state.wkey("tier_tiles"))
    st.markdown(views.legend(ev, "tier", lang), unsafe_allow_html=True)
    st.caption(t("map.note" if kind == "geo" else "map.note.tiles", lang))
    if geo.cjk_font_path().exists():  # the PNG is drawn only when asked for (a click), then cached
        st.download_button(t("map.download", lang), data=lambda: state.map_png(ev, "tier", lang, kind),
                           file_name=f"iidei_tiers_{kind}_{scn.year}.png", mime="image/png",
                           on_click="ignore", key=state.wkey("tier_map_png"))
with right:
    st.subheader(t("t.members", lang))
    st.dataframe(state.view("tier_members", ev, lang), hide_index=True, height=460, key=state.wkey("tier_members"))

st.caption(t("t.in_force", lang, label=views.tiering_label(scn, lang, n_regions)))

# -- the three tierings side by side: the report's, the default, regenerated ----------------------------
st.divider()
st.subheader(t("t.three", lang))
st.caption(t("t.three.caption", lang))
three, ari = views.three_tierings(ev, lang)
st.dataframe(three, hide_index=True, height=360, key=state.wkey("tier_three"))
st.caption(" · ".join(t("t.three.ari", lang, a=a, b=b_, ari=v) for (a, b_), v in ari.items()))
if scn.tier_method == "kmeans":
    st.button(t("t.three.use_sizes", lang), key=state.wkey("tier_use_sizes"),
              on_click=lambda: state.update(tier_method="sizes"))
else:
    st.button(t("t.three.use_kmeans", lang), key=state.wkey("tier_use_kmeans"),
              on_click=lambda: state.update(tier_method="kmeans", tier_k=4, tier_features="composite+pillars"))

st.divider()
st.subheader(t("t.vs_report", lang))
if not b.builtin:  # the report's tiers classify the built-in data only
    st.caption(safe.t("t.vs_report.none", lang, name=b.label))
elif scn.year != 2023:  # the report's Fig. 12 tiers describe 2023
    st.caption(t("t.vs_report.year", lang, year=scn.year))
try:
    cmp = tiering.compare(tiering.report_tiers().reindex(list(b.ds.regions)), ev.tiers.tier) \
        if b.builtin and set(tiering.report_tiers().index) == set(b.ds.regions) else None
except IIScoreError as exc:
    cmp = None
    st.caption(safe.md(ui.error_text(exc, lang)))
if cmp is not None:
    st.markdown(t("t.ari", lang, ari=cmp.ari, agree=cmp.agreement))
    a, bcol = st.columns([2, 3])
    with a:
        st.caption(t("t.confusion", lang))
        st.dataframe(views.confusion_table(cmp, lang), key=state.wkey("tier_confusion"))
    with bcol:
        st.caption(t("t.movers", lang))
        mv = views.movers_table(cmp.movers, b.ds, lang)
        if mv.empty:
            st.caption(t("t.nomovers", lang))
        else:
            st.dataframe(mv, hide_index=True, key=state.wkey("tier_movers"))

# -- the workshop view: tier shifts against a chosen baseline, in large type ------------------------------
st.divider()
st.subheader(t("t.shift", lang))
bases = ["defaults"] + (["report"] if b.builtin else []) + [f"saved:{n}" for n in state.named()]


def _base_name(v):
    if v == "defaults":
        return t("t.shift.base.defaults", lang)
    if v == "report":
        return t("t.shift.base.report", lang)
    return t("t.shift.base.saved", lang, name=v[6:])


s1, s2 = st.columns([3, 2])
with s1:
    state.control(st.selectbox, "shift_base", t("t.shift.base", lang), options=bases, format_func=_base_name)
with s2:
    big = st.toggle(t("t.shift.big", lang), value=True, key=state.wkey("tier_big"))
scn = state.scenario()
base_tiers, base_side = None, None
if scn.shift_base == "report":
    base_tiers = tiering.report_tiers()
    base_side = t("t.shift.base.report", lang)
elif scn.shift_base.startswith("saved:"):
    oev, err = state.evaluate(state.named()[scn.shift_base[6:]].replace(year=scn.year, saved=()))
    if oev is not None:
        base_tiers = oev.tiers.tier
        base_side = t("t.shift.side", lang, what=_base_name(scn.shift_base),
                      tiering=views.tiering_label(oev.scn, lang, n_regions))
    else:
        st.caption(ui.error_text(err, lang))
if base_tiers is None:  # the data set's defaults, with their own tiering (the report's sizes)
    dev, _err = state.evaluate(b.context.defaults.replace(year=scn.year, lang=lang))
    base_tiers = (dev if dev is not None else ev).tiers.tier
    base_side = t("t.shift.side", lang, what=_base_name("defaults"),
                  tiering=views.tiering_label(b.context.defaults, lang, n_regions))
cur_side = t("t.shift.side", lang, what=t("current", lang), tiering=views.tiering_label(scn, lang, n_regions))
st.markdown(views.shift_html(ev, lang, big, base_tiers, base_side, cur_side), unsafe_allow_html=True)

with st.expander(t("t.glossary", lang)):
    st.markdown(t("t.glossary.text", lang))

if method == "kmeans":
    with st.expander(t("t.silhouette", lang)):
        # an expander's body runs even while it is closed: above a few hundred regions the
        # silhouettes (k-means for k = 2..8, about 2 s at 5,000) wait until they are asked for
        if n_regions <= 500 or st.toggle(t("t.silhouette.show", lang), key=state.wkey("tier_sil_show")):
            sil = state.view("silhouette_table", ev, lang)
            if sil.empty:
                st.caption(t("t.silhouette.few", lang))
            else:
                st.dataframe(sil, key=state.wkey("tier_sil"))
