"""Drawing shared by every page: the sidebar (language, pages, methods, scenario tools) and notices."""
from __future__ import annotations

import streamlit as st

from iiscore import export
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore_app.i18n import STRINGS, opt, t

from . import safe, state, views

#: Link notices shown at once (a link can carry any number of unknown parameters).
MAX_NOTICES = 12


def page_start(page: str):
    """Every page begins here: state, sidebar, link notices. Returns (scenario, lang)."""
    scn = state.init(page)
    lang = scn.lang
    sidebar(page)
    scn = state.scenario()
    lang = scn.lang
    show_notices(lang)
    msg = state.flash()
    if msg:  # a text (success) or (kind, text) with kind "success", "warning" or "error"
        kind, text = msg if isinstance(msg, tuple) else ("success", msg)
        # flashes name files and scenarios and repeat what was typed: shown as plain text
        {"warning": st.warning, "error": st.error}.get(kind, st.success)(safe.md(text, safe.MAX_TEXT))
    return scn, lang


def show_notices(lang: str) -> None:
    notes = state.notices()
    if not notes:
        return
    with st.container(border=True):
        # a notice repeats what the link said (parameter names and values): plain text, cut short,
        # never Markdown (an image in a parameter name made the browser fetch it)
        shown = [f"- {safe.md(n.message(lang), safe.MAX_TEXT)}" for n in notes[:MAX_NOTICES]]
        if len(notes) > MAX_NOTICES:
            shown.append(f"- … (+{len(notes) - MAX_NOTICES})")
        st.warning(t("notice.link", lang) + "\n\n" + "\n".join(shown))
        st.button("OK", key=state.wkey("dismiss_notices"), on_click=state.clear_notices)


# the sidebar control behind an engine parameter: a setting the user chose is named by its label
CONTROL_OF = {"normalisation": "side.normalisation", "aggregation": "side.aggregation", "treat": "side.treat",
              "goalposts": "side.goalposts", "missing": "side.missing", "mode": "side.whatif",
              "weights": "w.pillars"}


def error_text(err, lang: str) -> str:
    """An engine error in the user's terms: the control's label rather than the parameter's name
    (a file, row or column keeps the engine's wording: it names what to fix in the file)."""
    if err.file is None and err.row is None and err.column is None and err.parameter in CONTROL_OF:
        text = err.zh if lang == "zh" else err.en
        return t(CONTROL_OF[err.parameter], lang) + ("：" if lang == "zh" else ": ") + text
    return err.message(lang)


def compute_or_stop(lang: str):
    """The scenario's evaluation, or a clear message (and the page stops) when it cannot be computed."""
    ev, err = state.evaluate()
    if err is not None:
        st.error(t("error.compute", lang, msg=safe.md(error_text(err, lang), safe.MAX_TEXT)))
        st.info(t("error.fix", lang))
        st.stop()
    return ev


def _switch_lang():
    en = st.session_state.get(state.wkey("lang_en"))
    state.update(lang="en" if en else "zh")


def sidebar(page: str) -> None:
    scn = state.scenario()
    lang = scn.lang
    b = state.bundle()
    sb = st.sidebar
    st.session_state[state.wkey("lang_en")] = lang == "en"
    sb.toggle("English", key=state.wkey("lang_en"), on_change=_switch_lang)
    sb.markdown(f"**{t('nav.title', lang)}**")
    for p, f in state.PAGE_FILES.items():
        sb.page_link(f, label=t("page." + p, lang), disabled=(p == page))

    with sb.expander(t("side.methods", lang), expanded=False):
        state.control(st.selectbox, "year", t("side.year", lang), options=list(b.ds.years))
        state.control(st.selectbox, "normalisation", t("side.normalisation", lang), options=list(S.NORMALISATIONS),
                      format_func=lambda v: opt("normalisation", v, lang))
        state.control(st.selectbox, "goalposts", t("side.goalposts", lang), options=list(S.GOALPOSTS),
                      format_func=lambda v: opt("goalposts", v, lang))
        state.control(st.selectbox, "aggregation", t("side.aggregation", lang), options=list(S.AGGREGATIONS),
                      format_func=lambda v: opt("aggregation", v, lang))
        state.control(st.selectbox, "treat", t("side.treat", lang), options=list(S.TREATS),
                      format_func=lambda v: opt("treat", v, lang), help=t("side.treat.help", lang))
        state.control(st.selectbox, "missing", t("side.missing", lang), options=list(S.MISSINGS),
                      format_func=lambda v: opt("missing", v, lang))
        state.control(st.radio, "whatif", t("side.whatif", lang), options=list(S.WHATIF_MODES),
                      format_func=lambda v: opt("whatif", v, lang), help=t("help.whatif", lang))

    with sb.expander(t("side.presets", lang), expanded=False):
        for name in P.PRESETS:
            c1, c2 = st.columns([5, 1])
            c1.button(t("preset." + name, lang), key=state.wkey("preset." + name), on_click=state.apply_preset,
                      args=(name,), width="stretch")
            c2.markdown(f"[{t('preset.link', lang)}]({state.preset_link(name)})")
        st.button(t("side.reset", lang), key=state.wkey("reset"), on_click=state.reset, type="primary")

    with sb.expander(t("side.link", lang), expanded=True):
        link, known = state.share_link()
        st.caption(t("side.link.help", lang))
        st.code(link, language=None, wrap_lines=True)
        if not known:
            st.caption(t("side.link.nobase", lang))
        if b.uploaded:
            st.warning(t("side.link.upload", lang))

    with sb.expander(t("side.scenario", lang), expanded=False):
        _named_tools(lang)
        _export_tools(lang, b)


def _save():
    name = st.session_state.get(state.wkey("save_name"), "")
    saved = state.save_named(name)
    state.flash(t("side.saved", state.lang(), name=saved))


def _load():
    state.load_named(st.session_state.get(state.wkey("named_pick")))


def _delete():
    state.delete_named(st.session_state.get(state.wkey("named_pick")))


def _named_tools(lang: str) -> None:
    st.text_input(t("side.save.name", lang), key=state.wkey("save_name"), max_chars=S.MAX_NAME)
    st.button(t("side.save.button", lang), key=state.wkey("save"), on_click=_save)
    names = list(state.named())
    if names:
        st.selectbox(t("side.named", lang), names, key=state.wkey("named_pick"))
        c1, c2 = st.columns(2)
        c1.button(t("side.load", lang), key=state.wkey("load"), on_click=_load)
        c2.button(t("side.delete", lang), key=state.wkey("delete"), on_click=_delete)


def _import():
    f = st.session_state.get(state.wkey("import"))
    if f is None:
        return
    notes = state.import_json(f.getvalue())
    st.session_state[state.NOTICES] = list(notes)
    state.flash(t("side.imported", state.lang()))


def _export_tools(lang: str, b) -> None:
    scn = state.scenario()

    def xlsx():
        ev, err = state.evaluate(scn)
        link = "?s=" + S.encode(scn, b.context)
        about = views.about_table(scn, b, lang, link)
        if err is not None:
            return export.to_excel({}, about, t("col.scenario", lang))
        return export.to_excel(views.export_tables(ev, lang), about, t("col.scenario", lang))

    def csv():
        ev, err = state.evaluate(scn)
        return export.to_csv(views.ranking_table(ev, lang)) if ev else b""

    st.download_button(t("side.export.xlsx", lang), data=xlsx, file_name=f"iiscore_{scn.year}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=state.wkey("dl_xlsx"), on_click="ignore")
    st.download_button(t("side.export.csv", lang), data=csv, file_name=f"iiscore_ranking_{scn.year}.csv",
                       mime="text/csv", key=state.wkey("dl_csv"), on_click="ignore")
    st.download_button(t("side.export.json", lang), data=S.to_json(scn, b.context), file_name="iiscore_scenario.json",
                       mime="application/json", key=state.wkey("dl_json"), on_click="ignore")
    st.file_uploader(t("side.import", lang), type=["json"], key=state.wkey("import"), on_change=_import)


def provenance_banner(ev, lang: str) -> None:
    counts = S.provenance_counts(ev.edited_ds, ev.scn.year)
    n_scn = counts.get("scenario", 0)
    kinds = dict(public=counts.get("public", 0), report=counts.get("report", 0), estimate=counts.get("estimate", 0))
    scenario = t("prov.scenario", lang, n=n_scn) if n_scn else ""
    if not ev.b.builtin:  # the default data's wording (which indicators are estimated) does not apply
        labelled = t("prov.labelled", lang, **kinds) if any(kinds.values()) else t("prov.unlabelled", lang)
        key = "prov.banner.upload" if ev.b.uploaded else "prov.banner.served"
        st.info(t(key, lang, name=safe.md(ev.b.label, safe.MAX_NAME), year=ev.scn.year, total=counts["total"],
                  labelled=labelled, scenario=scenario))
        return
    st.info(t("prov.banner", lang, year=ev.scn.year, total=counts["total"], scenario=scenario, **kinds))


def scale_caption(ev, lang: str) -> str:
    """What a score means under the scenario's normalisation (and goalposts)."""
    scn, n = ev.scn, len(ev.current.regions)
    key = "scale." + scn.normalisation
    if scn.normalisation == "minmax":
        key += ".pooled" if scn.goalposts == "pooled" else ".year"
    return t(key, lang, n=n) if key in STRINGS else ""
