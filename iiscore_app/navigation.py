"""The one list of the app's pages: key (in links and scenarios), script, URL path.

Streamlit discovers the scripts in ``pages/`` by their file names; this list is what the app itself
uses (the sidebar's links, the scenario's ``page`` field, share links, tests). A page is added here
and as a script, nowhere else.
"""
from __future__ import annotations

from typing import NamedTuple


class Page(NamedTuple):
    key: str      # the scenario's page and the string key "page.<key>"
    script: str   # path relative to the app's folder
    path: str     # URL path Streamlit serves it under ("" = the home page)


PAGES = (
    Page("home", "app.py", ""),
    Page("weights", "pages/1_Weights.py", "Weights"),
    Page("simulator", "pages/2_Simulator.py", "Simulator"),
    Page("tiers", "pages/3_Tiers.py", "Tiers"),
    Page("profile", "pages/5_Profile.py", "Profile"),
    Page("data", "pages/4_Data.py", "Data"),
    Page("audit", "pages/6_Audit.py", "Audit"),
)

KEYS = tuple(p.key for p in PAGES)
SCRIPTS = {p.key: p.script for p in PAGES}
PATHS = {p.key: p.path for p in PAGES}
