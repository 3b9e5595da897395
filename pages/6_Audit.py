"""审计与稳健性 / Audit & robustness: correlations by pillar, consistency, nominal against effective
weights, removal of each element, flags in plain words, and every region's rank under ten methods."""
import streamlit as st

from iiscore import export
from iiscore.audit import CORRELATIONS
from iiscore.errors import IIScoreError
from iiscore_app.i18n import t
from iiscore_app import geo, safe, state, ui, views

scn, lang = ui.page_start("audit")
st.title(t("au.title", lang))
ev = ui.compute_or_stop(lang)
b, ds = ev.b, ev.b.ds
st.caption(t("au.intro", lang))
basis = views.audit_basis(ev, lang)
st.info(basis)
if b.builtin:
    st.caption(t("au.caveat", lang))

method = state.control(st.radio, "audit_corr", t("au.corr", lang), options=list(CORRELATIONS), horizontal=True,
                       key=state.wkey("au_corr"), format_func=lambda m: t("au.corr." + m, lang),
                       help=t("au.corr.help", lang))
aud, mt = state.audit(ev, method), state.methods(ev)
aud_err = aud if isinstance(aud, IIScoreError) else None
mt_err = mt if isinstance(mt, IIScoreError) else None


def view(name, *extra):
    return state.audit_view(name, ev, lang, *extra, method=method)


def fmt(frame, digits: int, **by_key):
    """Every float column of ``frame`` shown with ``digits`` decimals, or with ``by_key[k]`` for the
    column named by string ``au.col.<k>`` (NaN stays empty)."""
    special = {t("au.col." + k, lang): d for k, d in by_key.items()}
    return {c: st.column_config.NumberColumn(format=f"%.{special.get(c, digits)}f") for c in frame.columns
            if frame[c].dtype.kind == "f"}


def csv_button(frame, stem: str, key: str) -> None:
    st.download_button(t("au.csv", lang), data=lambda: export.to_csv(frame),
                       file_name=f"iidei_audit_{stem}_{scn.year}.csv", mime="text/csv", key=state.wkey(key),
                       on_click="ignore")


def table(frame, key: str, stem: str, digits: int | None = None, **by_key) -> None:
    """``frame`` as a table (floats with ``digits`` decimals, see :func:`fmt`) and its CSV button."""
    cfg = {} if digits is None else {"column_config": fmt(frame, digits, **by_key)}
    st.dataframe(frame, hide_index=True, key=state.wkey(key), **cfg)
    csv_button(frame, stem, "au_csv_" + stem.removeprefix("method_"))


def png_button(name: str, stem: str, key: str) -> None:
    """A PNG of a chart, drawn when the button is pressed (then cached); only with a font for Chinese
    text when the page is in Chinese."""
    if lang == "en" or geo.cjk_font_path().exists():
        st.download_button(t("au.png.button", lang), data=lambda: view(name, basis),
                           file_name=f"iidei_audit_{stem}_{scn.year}.png", mime="image/png", key=state.wkey(key),
                           on_click="ignore")


link = "?s=" + state.token()  # read now: the workbook below is built later, when the button is pressed


def workbook() -> bytes:
    about = views.about_table(scn, b, lang, link)
    tables = views.audit_workbook_tables(None if aud_err else aud, None if mt_err else mt, ds, lang, basis)
    return export.to_excel(tables, about, t("au.sheet.about", lang))


if not (aud_err and mt_err):
    st.download_button(t("au.workbook", lang), data=workbook, file_name=f"iidei_audit_{scn.year}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=state.wkey("au_xlsx"), on_click="ignore")

# -- headline numbers ---------------------------------------------------------------------------
if aud_err is None:
    m = views.audit_metrics(aud, None if mt_err else mt, ds, lang)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("au.m.flags", lang), m["flags"])
    if m["alpha"] is not None:
        c2.metric(t("au.m.alpha", lang), f"{m['alpha']:.2f}",
                  help=safe.t("au.m.alpha.help", lang, name=m["alpha_node"], th=f"{aud.thresholds.alpha:g}"))
    if "robust" in m:
        c3.metric(t("au.m.robust", lang), f"{m['robust']} / {m['regions']}",
                  help=t("au.m.robust.help", lang, k=mt.robust_range))
    if m["max_shift"] is not None:
        c4.metric(t("au.m.shift", lang), m["max_shift"], help=t("au.m.shift.help", lang))

# -- coherence ----------------------------------------------------------------------------------
st.divider()
st.subheader(t("au.coherence", lang))
if aud_err is not None:
    st.warning(safe.t("au.unavailable", lang, msg=ui.error_text(aud_err, lang), limit=safe.MAX_TEXT))
else:
    A = view("audit_page")
    st.vega_lite_chart(A["heatmap"], width="stretch", key=state.wkey("au_heatmap"))
    st.caption(t("au.heatmap.caption", lang))
    b1, b2, _ = st.columns([1, 1, 4])
    with b1:
        csv_button(A["matrix"], "correlations", "au_csv_matrix")
    with b2:
        png_button("audit_heatmap_png", "correlations", "au_png_heatmap")
    st.markdown(f"**{t('au.reliability', lang)}**")
    table(A["reliability"], "au_reliability", "reliability", 3)
    st.caption(t("au.reliability.caption", lang))
    with st.expander(t("au.parents", lang)):
        table(A["parents"], "au_parents", "parents", 3)

    # -- nominal against effective importance ---------------------------------------------------
    st.divider()
    st.subheader(t("au.importance", lang))
    st.markdown(t("au.importance.nominal", lang) + "\n\n" + t("au.importance.effective", lang))
    st.caption(t("au.importance.shares", lang, f=f"{aud.thresholds.importance:g}"))
    for g in A["levels"]:
        st.vega_lite_chart(A["importance_charts"][g], width="stretch", key=state.wkey("au_importance." + g))
    with st.expander(t("au.importance", lang)):
        table(A["importance"], "au_importance_table", "importance", 2)

    # -- removal ---------------------------------------------------------------------------------
    st.divider()
    st.subheader(t("au.removal", lang))
    st.caption(t("au.removal.caption", lang, n=len(aud.result.regions)))
    left, right = st.columns([3, 2])
    with left:
        table(A["removal"], "au_removal", "removal", 2)
    with right:
        fw = aud.framework
        nodes = list(aud.removal["node"])
        st.markdown(f"**{t('au.removal.who', lang)}**")
        node = st.selectbox(t("au.removal.pick", lang), nodes, key=state.wkey("au_remove_pick"),
                            format_func=lambda n: fw.name(n, lang))
        if node not in nodes:  # another framework since the last pick
            node = nodes[0]
        if aud.removal_ranks[node].isna().all():
            st.caption(t("au.removal.none", lang))
        else:
            who = view("audit_removal_regions", node)
            if who.empty:
                st.caption(t("au.removal.nomove", lang))
            else:
                st.dataframe(who, hide_index=True, key=state.wkey("au_removal_who"))
                st.caption(t("au.removal.who.caption", lang))

    # -- flags -----------------------------------------------------------------------------------
    st.divider()
    st.subheader(t("au.flags", lang))
    th = aud.thresholds
    st.caption(t("au.flags.caption", lang, weak=f"{th.weak:g}", collinear=f"{th.collinear:g}", alpha=f"{th.alpha:g}",
                 f=f"{th.importance:g}"))
    groups = A["flag_groups"]
    if not groups:
        st.success(t("au.flags.none", lang))
    for kind, title, msgs in groups:
        with st.expander(title, expanded=kind != "collinear" and len(msgs) <= 8):
            st.markdown("\n".join(f"- {views.audit_md_escape(m_)}" for m_ in msgs))
    if groups:
        csv_button(A["flags"], "flags", "au_csv_flags")
    notes = A["notes"]
    if notes:
        with st.expander(t("au.notes", lang, n=len(notes))):
            st.markdown("\n".join(f"- {views.audit_md_escape(n_)}" for n_ in notes))

# -- robustness across methods --------------------------------------------------------------------
st.divider()
st.subheader(t("au.methods", lang))
if mt_err is not None:
    st.warning(safe.t("au.methods.unavailable", lang, msg=ui.error_text(mt_err, lang), limit=safe.MAX_TEXT))
else:
    M = view("methods_page")
    st.caption(t("au.methods.caption", lang))
    st.markdown(t("au.methods.robust", lang, k=mt.robust_range))
    st.markdown(views.audit_md_escape(M["summary"]))
    st.vega_lite_chart(M["bands"], width="stretch", key=state.wkey("au_bands"))
    png_button("methods_band_png", "rank_bands", "au_png_bands")
    st.markdown(f"**{t('au.agreement', lang)}**")
    agree = M["agreement"]
    st.dataframe(agree, hide_index=True, key=state.wkey("au_agreement"),
                 column_config=fmt(agree, 3, mean_change=2))
    st.caption(t("au.agreement.caption", lang))
    with st.expander(t("au.glossary", lang), expanded=True):
        st.markdown(M["glossary"])
    with st.expander(t("au.ranks", lang)):
        table(M["ranks"], "au_ranks", "method_ranks")
    with st.expander(t("au.weights", lang)):
        st.caption(t("au.weights.caption", lang))
        table(M["weights"], "au_weights", "method_weights", 2)
    mnotes = M["notes"]
    if mnotes:
        with st.expander(t("au.notes", lang, n=len(mnotes))):
            st.markdown("\n".join(f"- {views.audit_md_escape(n_)}" for n_ in mnotes))
st.caption(t("au.png", lang))
