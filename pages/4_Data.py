"""数据与方法 / Data & method: browse with provenance, the filled template, upload your own data
(checked against the default data before and after it is used), the methodology.

The page never stops on a scenario that cannot be computed: the data stay browsable, and the
uploader and the way back to the default data stay on screen.
"""
import streamlit as st

from iiscore import export
from iiscore.data import DECIMALS
from iiscore.errors import IIScoreError
from iiscore_app import scenario as S
from iiscore_app import safe, state, ui, views
from iiscore_app.i18n import opt, t
from iiscore_app.views import data as vdata
from iiscore_app.views.common import region_list

scn, lang = ui.page_start("data")
st.title(t("d.title", lang))
b = state.bundle()
ds, fw = b.ds, b.fw
ev, err = state.evaluate()
if err is not None:
    st.error(safe.t("error.compute", lang, msg=ui.error_text(err, lang), limit=safe.MAX_TEXT))
    st.info(t("d.broken.upload" if b.uploaded else "error.fix", lang))
else:
    ui.provenance_banner(ev, lang)
    missing = views.no_composite_text(ev, lang)
    if missing:
        st.warning(missing)
check = b.check if b.uploaded else None
comparable = check is not None and check.comparable

# -- browse ------------------------------------------------------------------------------------------
st.subheader(t("d.browse", lang))
c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
years = list(ds.years)
with c1:
    year = st.selectbox(t("col.year", lang), years, index=years.index(scn.year) if scn.year in years else len(years) - 1,
                        key=state.wkey("d_year"))
with c2:
    ind = st.selectbox(t("d.indicator", lang), ["*", *fw.leaves], key=state.wkey("d_ind"),
                       format_func=lambda i: "—" if i == "*" else fw.name(i, lang))
with c3:
    only_est = st.checkbox(t("d.only_est", lang), key=state.wkey("d_only_est"))
only_changed = False
if comparable:
    with c4:
        only_changed = st.checkbox(t("d.only_changed", lang, ref=vdata.ref_word(check, lang)),
                                   key=state.wkey("d_only_changed"))
pick = None if ind == "*" else ind
if ev is not None:
    table = state.view("indicator_table", ev, lang, year, only_est, bool(only_changed and comparable), pick,
                       vdata.BROWSE_ROWS)
else:
    table = vdata.browse_table(ds, fw, lang, year, only_est, bool(only_changed and comparable), check, pick,
                               vdata.BROWSE_ROWS)
config = {}
shown = table
if vdata.CHANGED in table.columns:
    config[vdata.CHANGED] = None  # the marker column is not shown; its rows are highlighted
    mark = table[vdata.CHANGED].to_numpy()
    if mark.any():  # a Styler costs ~85 ms per run on 589 rows: only when there is something to mark
        shown = table.style.apply(lambda col: [f"background-color: #{vdata.CHANGED_FILL}" if m else "" for m in mark],
                                  subset=[t("col.value", lang)])
        st.caption(t("d.changed.caption", lang, n=int(mark.sum()), ref=vdata.ref_word(check, lang)))
st.dataframe(shown, hide_index=True, height=420, key=state.wkey("d_table"), column_config=config)
if table.attrs.get("rows", len(table)) > len(table):
    st.caption(t("d.browse.cut", lang, n=f"{len(table):,}", total=f"{table.attrs['rows']:,}"))
st.caption(t("d.coverage", lang, n=len(ds.coverage().missing)))

if ev is not None:
    with st.expander(t("d.framework", lang)):
        st.dataframe(state.view("framework_table", ev, lang), hide_index=True, key=state.wkey("d_fw"))
    if ev.current.notes:
        with st.expander(t("d.notes", lang)):
            for en, zh in ev.current.notes:
                st.markdown(f"- {safe.md(zh if lang == 'zh' else en, safe.MAX_TEXT)}")

# -- the template ----------------------------------------------------------------------------------------
st.divider()
st.subheader(t("d.tpl", lang))
st.caption(safe.t("d.tpl.caption", lang, name=views.data_set_label(b, lang), n=len(ds.regions), y0=ds.years[0],
             y1=ds.years[-1], l=len(fw.leaves)))
source = ds
if scn.edits and ev is not None:
    if st.checkbox(t("d.tpl.edits", lang, n=len(scn.edits)), key=state.wkey("d_tpl_edits")):
        source = ev.edited_ds
tpl_check = check
t1, t2, t3 = st.columns(3)
with t1:
    st.download_button(t("d.template.xlsx", lang), data=lambda: views.template_xlsx(source, fw, lang, tpl_check),
                       file_name="iiscore_data_template.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=state.wkey("d_tpl_xlsx"), on_click="ignore", type="primary")
with t2:
    st.download_button(t("d.template", lang), data=lambda: views.template_csv(source, fw, lang),
                       file_name="iiscore_data_template.csv", mime="text/csv", key=state.wkey("d_tpl"),
                       on_click="ignore")
with t3:
    st.download_button(t("d.template_fw", lang), data=lambda: export.to_csv(export.framework_template(fw)),
                       file_name="framework.csv", mime="text/csv", key=state.wkey("d_tpl_fw"), on_click="ignore")


# -- upload ------------------------------------------------------------------------------------------------
def _summary(ub, lang: str) -> None:
    """What an upload holds and lacks, in lines (before and after it is used)."""
    uds, ufw, uc = ub.ds, ub.fw, ub.check
    lines = [t("d.up.counts", lang, regions=len(uds.regions), y0=uds.years[0], y1=uds.years[-1],
               years=len(uds.years), inds=len(ufw.leaves))]
    mapped = vdata.name_map_text(uds, lang)
    if mapped:
        lines.append(mapped)
    for en, zh in uds.notes:
        # the loader's notes on mapped names and missing regions are said below in the page's terms
        if "mapped onto the reference list" in en or (
                uc is not None and uc.missing_regions and "of the reference list are not in the data" in en):
            continue
        lines.append(safe.md(zh if lang == "zh" else en, safe.MAX_TEXT))
    if uc is not None:
        if uc.missing_regions:
            lines.append(safe.t("d.up.missing_regions", lang, n=len(uc.missing_regions), ref=vdata.ref_word(uc, lang),
                                names=region_list(state.default_bundle().ds, uc.missing_regions, lang),
                                limit=safe.MAX_TEXT))
        if uc.empty:
            lines.append(t("d.up.empty", lang, n=len(uc.empty), list=vdata.empty_indicators_text(uc, ufw, lang)))
        if uc.missing_cells:
            lines.append(t("d.up.missing_cells", lang, n=uc.missing_cells))
    st.markdown("\n".join(f"- {line}" for line in lines))


def _confirm() -> None:
    pb = state.pending_upload()
    state.confirm_upload()
    if pb is not None:
        state.flash(("success", t("d.upload.ok", state.lang(), name=pb.label, regions=len(pb.ds.regions),
                                  years=len(pb.ds.years), inds=len(pb.fw.leaves))))


st.divider()
st.subheader(t("d.upload", lang))
st.caption(t("d.upload.caption", lang))
u1, u2 = st.columns(2)
with u1:
    data_file = st.file_uploader(t("d.upload.data", lang), type=["csv", "xlsx", "txt"], key=state.wkey("d_upload"))
with u2:
    fw_file = st.file_uploader(t("d.upload.fw", lang), type=["csv", "xlsx", "txt"], key=state.wkey("d_upload_fw"))
decimal = st.radio(t("d.upload.decimal", lang), list(DECIMALS), horizontal=True,
                   format_func=lambda m: t("d.upload.decimal." + ("point" if m == "." else "comma"), lang),
                   key=state.wkey("d_decimal"), help=t("d.upload.decimal.help", lang))
if data_file is None:
    st.session_state.pop(state.wkey("d_loaded"), None)  # the same file chosen again is read again
    if fw_file is not None:
        st.info(t("d.upload.need_data", lang))
else:
    data = data_file.getvalue()
    fw_bytes = fw_file.getvalue() if fw_file is not None else None
    sig = state.upload_key(data, fw_bytes, decimal)  # the content, not the name and size
    failed = st.session_state.get(state.wkey("d_failed"))
    if st.session_state.get(state.wkey("d_loaded")) != sig:
        st.session_state[state.wkey("d_loaded")] = sig
        try:
            nb, held = state.stage_upload(data, data_file.name, fw_bytes, fw_file.name if fw_file is not None else None,
                                          decimal)
            st.session_state.pop(state.wkey("d_failed"), None)
            if not held:
                state.flash(("success", t("d.upload.ok", lang, name=data_file.name, regions=len(nb.ds.regions),
                                          years=len(nb.ds.years), inds=len(nb.fw.leaves))))
            st.rerun()  # the banner and tables above were drawn from the previous data
        except IIScoreError as exc:
            failed = (sig, exc)
            st.session_state[state.wkey("d_failed")] = failed
    if failed and failed[0] == sig:
        st.error(safe.t("d.upload.error", lang, msg=failed[1].message(lang), limit=safe.MAX_TEXT))

pb = state.pending_upload()
if pb is not None:
    with st.container(border=True):
        st.warning(safe.t("d.pending", lang, name=pb.label))
        _summary(pb, lang)
        p1, p2 = st.columns(2)
        p1.button(t("d.pending.use", lang), key=state.wkey("d_pending_use"), on_click=_confirm, type="primary")
        p2.button(t("d.pending.cancel", lang), key=state.wkey("d_pending_cancel"), on_click=state.cancel_upload)

if b.uploaded:
    with st.container(border=True):
        st.info(safe.t("d.upload.active", lang, name=b.label))
        _summary(b, lang)
        from iiscore.datasets import default_settings

        documented = S.Scenario.default(settings=default_settings())
        engine = S.Scenario.default(settings={})
        fields = ("treat", "normalisation", "goalposts", "missing", "aggregation")
        st.markdown(t("d.settings", lang, **{f: opt(f, getattr(scn, f), lang) for f in fields}))
        st.caption(safe.t("d.settings.cli", lang, name=b.label,
                     decimal=t("d.upload.decimal." + ("comma" if state.upload_decimal() == "," else "point"), lang)))
        s1, s2, s3 = st.columns([4, 4, 3])
        s1.button(t("d.settings.documented", lang), key=state.wkey("d_set_doc"), on_click=state.use_settings,
                  args=("documented",), disabled=all(getattr(scn, f) == getattr(documented, f) for f in fields))
        s2.button(t("d.settings.engine", lang), key=state.wkey("d_set_engine"), on_click=state.use_settings,
                  args=("engine",), disabled=all(getattr(scn, f) == getattr(engine, f) for f in fields))
        s3.button(t("d.upload.back", lang), key=state.wkey("d_back"), on_click=state.drop_upload)

    st.subheader(t("d.cmp", lang, ref=vdata.ref_word(check, lang)))
    if check is None:
        st.caption(t("d.cmp.none.broken", lang))
    elif not check.comparable:
        st.caption(t("d.cmp.none." + str(check.why), lang, ref=vdata.ref_word(check, lang)))
    elif ev is None:
        st.caption(t("d.cmp.none.compute", lang))
    else:
        ref_ev = state.reference_eval(ev)
        if ref_ev is None:
            st.caption(t("d.cmp.none.year", lang, year=scn.year, ref=vdata.ref_word(check, lang)))
        else:
            word = vdata.ref_word(check, lang)
            n_year = len(check.changed_in(scn.year))
            st.markdown(t("d.cmp.summary", lang, n=len(check.changed), n_year=n_year, year=scn.year, ref=word,
                          compared=check.compared))
            st.caption(t("d.cmp.caption", lang, ref=word, year=scn.year,
                         settings="、".join(opt(f, getattr(scn, f), lang) for f in fields) if lang == "zh"
                         else ", ".join(opt(f, getattr(scn, f), lang) for f in fields)))
            if check.missing_regions:
                st.caption(t("d.cmp.missing", lang, n=len(check.missing_regions)))
            st.dataframe(vdata.official_comparison(ev, ref_ev, lang), hide_index=True, height=420,
                         key=state.wkey("d_cmp"))
            if len(check.changed):
                st.markdown(f"**{t('d.cmp.changed', lang, ref=word)}**")
                st.dataframe(vdata.changed_table(check, ds, fw, lang), hide_index=True, key=state.wkey("d_changed"))

st.divider()
st.subheader(t("d.method", lang))
st.markdown(t("d.method.text", lang))
