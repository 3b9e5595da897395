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
        if state.bundle().uploaded:  # the defaults of an upload may fail too: the way back to the default data
            st.button(t("d.upload.back", lang), key=state.wkey("error_back"), on_click=state.drop_upload)
        st.stop()
    missing = views.no_composite_text(ev, lang)
    if missing:
        st.warning(missing)
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
    u1, u2 = sb.columns(2)
    u1.button(t("side.undo", lang), key=state.wkey("undo"), on_click=state.undo, disabled=not state.can_undo(),
              width="stretch", help=t("side.undo.help", lang))
    u2.button(t("side.redo", lang), key=state.wkey("redo"), on_click=state.redo, disabled=not state.can_redo(),
              width="stretch", help=t("side.redo.help", lang))
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
        state.control(st.selectbox, "treat_fit", t("side.treat_fit", lang), options=list(S.TREAT_FITS),
                      format_func=lambda v: opt("treat_fit", v, lang), help=t("side.treat_fit.help", lang),
                      disabled=state.scenario().treat == "none")
        state.control(st.selectbox, "missing", t("side.missing", lang), options=list(S.MISSINGS),
                      format_func=lambda v: opt("missing", v, lang))
        state.control(st.number_input, "coverage", t("side.coverage", lang), min_value=0.0, max_value=1.0, step=0.05,
                      format="%.2f", help=t("side.coverage.help", lang))
        if S.estimated_leaves(b.fw):
            state.control(st.toggle, "public_only", t("side.public_only", lang), help=t("side.public_only.help", lang))
        state.control(st.radio, "whatif", t("side.whatif", lang), options=list(S.WHATIF_MODES),
                      format_func=lambda v: opt("whatif", v, lang), help=t("help.whatif", lang))

    with sb.expander(t("side.presets", lang), expanded=False):
        for name in P.PRESETS:
            c1, c2 = st.columns([5, 1])
            c1.button(t("preset." + name, lang), key=state.wkey("preset." + name), on_click=state.apply_preset,
                      args=(name,), width="stretch")
            c2.markdown(f"[{t('preset.link', lang)}]({state.preset_link(name)})")
        st.button(t("side.reset", lang), key=state.wkey("reset"), on_click=state.reset, type="primary")

    # closed by default: a shared link opens on the numbers, not on a long token
    with sb.expander(t("side.link", lang), expanded=False):
        link, known = state.share_link()
        st.caption(t("side.link.help", lang))
        st.code(link, language=None, wrap_lines=True)
        if not known:
            st.caption(t("side.link.nobase", lang))
        if b.uploaded:
            st.warning(t("side.link.upload", lang))
        cur = state.scenario()
        if cur.saved:
            n = S.fits_in_link(cur, b.context)
            st.caption(t("side.saved.in_link", lang, n=n) if n == len(cur.saved)
                       else t("side.saved.not_all", lang, n=n, total=len(cur.saved)))

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
    """The downloads. Their data are made when clicked, in a thread of the server outside this
    script run (no session there): everything they need -- the scenario, the data, the link, the
    goal-seek answer, a Monte Carlo run -- is taken now and passed in."""
    from iiscore.errors import IIScoreError

    scn = state.scenario()
    link, known = state.share_link()
    goal = state.goal_for(scn)
    stored = state.mc_results().get((b.key, scn.compute_key(), scn.tier_key(), scn.mc_n, scn.mc_spread, scn.mc_seed))

    def evaluated():
        ev = state.Eval(scn, b)
        try:
            ev.current
            ev.tiers
        except IIScoreError:
            return None
        return ev

    def xlsx():
        ev = evaluated()
        if ev is None:  # the settings cannot be computed: the scenario sheet alone says what they are
            return export.to_excel({}, views.about_table(scn, b, lang, link, known=known),
                                   t("xp.sheet.scenario", lang))
        try:
            ref_ev = state.reference_eval(ev)
            if ref_ev is not None:
                ref_ev.current
                ref_ev.tiers
        except IIScoreError:
            ref_ev = None
        try:
            mc = views.monte_carlo_for(ev, stored)
        except IIScoreError:
            mc = None
        return views.export_workbook(ev, lang, link, known, mc=mc, goal=goal, ref_ev=ref_ev)

    def csv():
        ev = evaluated()
        return export.to_csv(views.ranking_table(ev, lang)) if ev is not None else b""

    st.download_button(t("side.export.xlsx", lang), data=xlsx, file_name=f"iiscore_{scn.year}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=state.wkey("dl_xlsx"), on_click="ignore")
    st.download_button(t("side.export.csv", lang), data=csv, file_name=f"iiscore_ranking_{scn.year}.csv",
                       mime="text/csv", key=state.wkey("dl_csv"), on_click="ignore")
    # UTF-8 as written: Chinese stays Chinese (no escapes), declared as such
    st.download_button(t("side.export.json", lang), data=S.to_json(scn, b.context).encode("utf-8"),
                       file_name="iiscore_scenario.json", mime="application/json; charset=utf-8",
                       key=state.wkey("dl_json"), on_click="ignore")
    st.file_uploader(t("side.import", lang), type=["json"], key=state.wkey("import"), on_change=_import)


def provenance_banner(ev, lang: str) -> None:
    """How many of the year's values are public statistics, report figures, estimates, uploaded
    values and scenario edits (and, for an upload, how many differ from the default data)."""
    counts = S.provenance_counts(ev.edited_ds, ev.scn.year)
    n_scn = counts.get("scenario", 0)
    kinds = dict(public=counts.get("public", 0), report=counts.get("report", 0), estimate=counts.get("estimate", 0))
    scenario = t("prov.scenario", lang, n=n_scn) if n_scn else ""
    if not ev.b.builtin:  # the default data's wording (which indicators are estimated) does not apply
        sep = "、" if lang == "zh" else ", "
        parts = []
        if counts.get("uploaded"):  # what the loader writes for a file without a provenance column
            parts.append(t("prov.part.uploaded" if ev.b.uploaded else "prov.part.file", lang, n=counts["uploaded"]))
        if any(kinds.values()):
            parts.append(t("prov.part.labelled", lang, n=sum(kinds.values()), **kinds))
        if counts.get("unknown"):
            parts.append(t("prov.part.unknown", lang, n=counts["unknown"]))
        if n_scn:
            parts.append(t("prov.part.scenario", lang, n=n_scn))
        check = getattr(ev.b, "check", None)
        diff = ""
        if ev.b.uploaded and check is not None and check.comparable:
            from .views.data import ref_word

            diff = t("prov.part.changed", lang, n=len(check.changed_in(ev.scn.year)), ref=ref_word(check, lang))
        elif ev.b.uploaded and not any(kinds.values()) and not counts.get("unknown"):
            diff = t("prov.unlabelled", lang)
        key = "prov.banner.upload" if ev.b.uploaded else "prov.banner.served"
        st.info(t(key, lang, name=safe.md(ev.b.label, safe.MAX_NAME), year=ev.scn.year, total=counts["total"], parts=sep.join(parts),
                  diff=diff))
        return
    st.info(t("prov.banner", lang, year=ev.scn.year, total=counts["total"], scenario=scenario, **kinds))


def scale_caption(ev, lang: str) -> str:
    """What a score means under the scenario's normalisation (and goalposts)."""
    scn, n = ev.scn, len(ev.current.regions)
    key = "scale." + scn.normalisation
    if scn.normalisation == "minmax":
        key += ".pooled" if scn.goalposts == "pooled" else ".year"
    return t(key, lang, n=n) if key in STRINGS else ""
