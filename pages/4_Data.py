"""数据与方法 / Data & method: browse with provenance, upload your own data, methodology."""
import streamlit as st

from iiscore import export
from iiscore.errors import IIScoreError
from iiscore_app.i18n import t
from iiscore_app import safe, state, ui

scn, lang = ui.page_start("data")
st.title(t("d.title", lang))
b = state.bundle()
ds, fw = b.ds, b.fw
ev = ui.compute_or_stop(lang)
ui.provenance_banner(ev, lang)

st.subheader(t("d.browse", lang))
c1, c2, c3 = st.columns([2, 3, 2])
years = list(ds.years)
with c1:
    year = st.selectbox(t("col.year", lang), years, index=years.index(scn.year) if scn.year in years else len(years) - 1,
                        key=state.wkey("d_year"))
with c2:
    ind = st.selectbox(t("d.indicator", lang), ["*", *fw.leaves], key=state.wkey("d_ind"),
                       format_func=lambda i: "—" if i == "*" else fw.name(i, lang))
with c3:
    only_est = st.checkbox(t("d.only_est", lang), key=state.wkey("d_only_est"))
table = state.view("indicator_table", ev, lang, year, only_est)
if ind != "*":
    table = table[table[t("col.indicator", lang)] == fw.name(ind, lang)]
st.dataframe(table, hide_index=True, height=420, key=state.wkey("d_table"))
cov = ds.coverage()
st.caption(t("d.coverage", lang, n=len(cov.missing)))

with st.expander(t("d.framework", lang)):
    st.dataframe(state.view("framework_table", ev, lang), hide_index=True, key=state.wkey("d_fw"))

if ev.current.notes:
    with st.expander(t("d.notes", lang)):
        for en, zh in ev.current.notes:
            st.markdown(f"- {safe.md(zh if lang == 'zh' else en, safe.MAX_TEXT)}")

st.divider()
st.subheader(t("d.upload", lang))
st.caption(t("d.upload.caption", lang))
if b.uploaded:
    st.info(safe.t("d.upload.active", lang, name=b.label))
    st.button(t("d.upload.back", lang), key=state.wkey("d_back"), on_click=state.drop_upload)
u1, u2 = st.columns(2)
with u1:
    data_file = st.file_uploader(t("d.upload.data", lang), type=["csv", "xlsx", "txt"], key=state.wkey("d_upload"))
with u2:
    fw_file = st.file_uploader(t("d.upload.fw", lang), type=["csv", "xlsx", "txt"], key=state.wkey("d_upload_fw"))
if data_file is not None:
    sig = (data_file.name, data_file.size, getattr(fw_file, "name", None), getattr(fw_file, "size", None))
    if st.session_state.get(state.wkey("d_loaded")) != sig:
        try:
            nb = state.load_upload(data_file.getvalue(), data_file.name,
                                   fw_file.getvalue() if fw_file is not None else None,
                                   fw_file.name if fw_file is not None else None)
            st.session_state[state.wkey("d_loaded")] = sig
            state.flash(("success", t("d.upload.ok", lang, name=data_file.name, regions=len(nb.ds.regions),
                                      years=len(nb.ds.years), inds=len(nb.ds.indicators))))
            st.rerun()  # the banner and tables above were drawn from the previous data
        except IIScoreError as exc:
            st.error(safe.t("d.upload.error", lang, msg=exc.message(lang), limit=safe.MAX_TEXT))
t1, t2 = st.columns(2)
with t1:
    st.download_button(t("d.template", lang), data=lambda: export.to_csv(
        export.data_template(fw, ds.regions, ds.years[-1:])), file_name="iiscore_template.csv", mime="text/csv",
        key=state.wkey("d_tpl"), on_click="ignore")
with t2:
    st.download_button(t("d.template_fw", lang), data=lambda: export.to_csv(export.framework_template(fw)),
                       file_name="framework.csv", mime="text/csv", key=state.wkey("d_tpl_fw"), on_click="ignore")

st.divider()
st.subheader(t("d.method", lang))
st.markdown(t("d.method.text", lang))
