"""The brief's download buttons, for any page: ``brief_button(ev, region, lang, key)``.

The brief (:mod:`iiscore.brief`) is made only when a button is pressed (Streamlit calls the data
function then) and cached on everything it depends on: the data set, the scenario's numbers and
tiers, the Monte Carlo settings, the region, the language, the format, the share link and the date.
"""
from __future__ import annotations

import datetime

import streamlit as st

from iiscore import brief as B
from iiscore_app import navigation
from iiscore_app import scenario as S
from iiscore_app.i18n import t

from . import state

__all__ = ["brief_button", "brief_link", "brief_bytes"]


def brief_link(ev, region: str, lang: str) -> str | None:
    """The share link printed in the brief: the profile page of ``region`` under the scenario in
    force (None for uploaded data, which cannot travel in a link)."""
    if ev.b.uploaded:
        return None
    link, _known = state.share_link()
    base = link.split("?")[0].rstrip("/")
    for path in navigation.PATHS.values():  # the link of the page in view: keep only the app's address
        if path and base.endswith("/" + path):
            base = base[: -len(path) - 1]
    token = S.encode(ev.scn.replace(page="profile", region=region, lang=lang), ev.b.context)
    return f"{base}/{navigation.PATHS['profile']}?s={token}"


@st.cache_data(show_spinner=False, max_entries=64)
def _brief(bkey: str, ckey: tuple, tkey: tuple, mkey: tuple, region: str, lang: str, fmt: str, link, date: str,
           _ev) -> bytes:
    p = state.profile(_ev, region)
    source = None
    if not _ev.b.builtin:
        from iiscore.brief.text import tr

        source = tr("source.other", lang, name=_ev.b.label, n=p.n_regions, l=len(p.indicators))
    return B.brief(p, lang, fmt, source=source, link=link, date=date)


def brief_bytes(ev, region: str, lang: str, fmt: str) -> bytes:
    """The brief of ``region`` under the scenario in force, as ``fmt`` ("pdf" or "docx") bytes."""
    link = brief_link(ev, region, lang)
    mkey = (ev.scn.mc_n, ev.scn.mc_spread, ev.scn.mc_seed)
    return _brief(ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), mkey, region, lang, fmt, link,
                  datetime.date.today().isoformat(), ev)


def brief_button(ev, region: str, lang: str, key: str) -> None:
    """Two download buttons, the brief as PDF and as Word, for ``region`` under the scenario in force."""
    name = B.file_name(ev.b.ds.region_name(region, "en"), ev.current.year, lang, "pdf")[:-4]
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "pdf"), (c2, "docx")):
        col.download_button(t("brief." + fmt, lang), data=lambda fmt=fmt: brief_bytes(ev, region, lang, fmt),
                            file_name=f"{name}.{fmt}", mime=B.MIME[fmt], on_click="ignore",
                            help=t("brief.help", lang), key=state.wkey(f"{key}.{fmt}"), width="stretch")
