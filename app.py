"""总览 / Overview: ranking, map, national index, rank trajectories, provenance, saved scenarios."""
import pandas as pd
import streamlit as st

from iiscore_app.i18n import t
from iiscore_app import geo, safe, state, ui, views

scn, lang = ui.page_start("home")
st.title(t("app.title", lang))
ev = ui.compute_or_stop(lang)
res, fw, ds = ev.current, ev.current.spec.framework, ev.b.ds
st.caption(t("app.subtitle", lang, n=len(res.regions), p=len(fw.pillars), l=len(fw.leaves)))
ui.provenance_banner(ev, lang)

left, right = st.columns([5, 4])
with left:
    st.subheader(t("home.ranking", lang))
    st.caption(t("home.ranking.caption", lang, year=scn.year, scale=ui.scale_caption(ev, lang)))
    st.markdown(state.view("top_line", ev, lang), unsafe_allow_html=True)
    st.dataframe(state.view("ranking_table", ev, lang), hide_index=True, height=560, key=state.wkey("home_rank"))
with right:
    st.subheader(t("home.map", lang))
    colours = [fw.root, *fw.pillars, "tier"]
    state.control(st.radio, "map_colour", t("home.map.colour", lang), options=colours, horizontal=True,
                  format_func=lambda v: t("home.map.tier", lang) if v == "tier" else safe.md(fw.name(v, lang), safe.MAX_NAME))
    colour_by = state.scenario().map_colour
    kind = st.radio(t("map.kind", lang), options=list(geo.KINDS), horizontal=True,
                    format_func=lambda k: t("map.kind." + k, lang), key=state.wkey("home_map_kind"))
    if kind == "geo":
        st.pydeck_chart(state.map_deck(ev, colour_by, lang), height=460, key=state.wkey("home_map"))
    else:
        st.vega_lite_chart(state.view("tile_chart", ev, lang, colour_by), width="stretch", key=state.wkey("home_tiles"))
    st.markdown(views.legend(ev, colour_by, lang), unsafe_allow_html=True)
    st.caption(t("map.note" if kind == "geo" else "map.note.tiles", lang))
    if geo.cjk_font_path().exists():  # the PNG is drawn only when asked for (a click), then cached
        st.download_button(t("map.download", lang), data=lambda: state.map_png(ev, colour_by, lang, kind),
                           file_name=f"iidei_map_{colour_by}_{kind}_{scn.year}.png", mime="image/png",
                           on_click="ignore", key=state.wkey("home_map_png"))

st.divider()
if ev.b.builtin:  # the report's published national series belongs to the built-in data only
    n1, n2 = st.columns(2)
    with n1:
        st.vega_lite_chart(state.view("national_chart", ev, lang), width="stretch", key=state.wkey("home_nat"))
    with n2:
        st.vega_lite_chart(state.view("contributions_chart", ev, lang), width="stretch", key=state.wkey("home_contrib"))
    st.dataframe(state.view("contributions_table", ev, lang), key=state.wkey("home_contrib_table"))
    st.caption(t("home.national.caption", lang))
else:
    st.caption(safe.t("home.national.none", lang, name=ev.b.label))

st.divider()
if len(ds.years) < 2:  # one year of data has no trajectory
    st.subheader(t("home.trajectory.one", lang))
    st.caption(t("home.trajectory.one.caption", lang, year=ds.years[0]))
else:
    ranks, _scores = ev.trajectory
    st.subheader(t("home.trajectory", lang, y0=min(ranks.columns), y1=max(ranks.columns)))
    st.caption(t("home.trajectory.caption", lang))
    top = list(res.ranks[fw.root].sort_values(kind="stable").index[:6])
    if scn.region and scn.region not in top:
        top.append(scn.region)
    # the widget's key names the language: its chips are drawn in the language of the labels it was made with
    pick = st.multiselect(t("home.trajectory.regions", lang), list(ds.regions), default=top,
                          format_func=lambda r: views.region_name(ds, r, lang), key=state.wkey(f"traj_regions.{lang}"))
    st.vega_lite_chart(state.view("trajectory_chart", ev, lang, tuple(pick or top)), width="stretch",
                       key=state.wkey("home_traj"))

st.divider()
st.subheader(t("home.compare", lang))
saved = state.named()
if not saved:
    st.caption(t("home.compare.none", lang))
else:
    others = {}
    for name, other in saved.items():
        oev, err = state.evaluate(other.replace(year=scn.year, saved=()))
        others[name] = oev if oev is not None else err
    failed = [n for n, o in others.items() if not hasattr(o, "current")]
    st.caption(t("home.compare.caption", lang))
    st.dataframe(views.compare_table(ev, others, lang), hide_index=True, key=state.wkey("home_compare"))
    for n in failed:
        st.caption(t("home.compare.failed", lang, name=n, msg=ui.error_text(others[n], lang)))
