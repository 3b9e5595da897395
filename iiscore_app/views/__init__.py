"""Localised tables and charts built from iiscore results (no Streamlit here), one module per page.

Pages call these and draw what they return; tests call them to compute what a page should show.
``iiscore_app.state.view(name, ...)`` looks a view up by name here, so every view is re-exported.
"""
from .audit import *  # noqa: F401,F403
from .common import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .exports import *  # noqa: F401,F403
from .maps import *  # noqa: F401,F403
from .overview import *  # noqa: F401,F403
from .profile import *  # noqa: F401,F403
from .simulator import *  # noqa: F401,F403
from .tiers import *  # noqa: F401,F403
from .weights import *  # noqa: F401,F403
from .maps import PrebuiltDeck, _legend_title, _map_what  # noqa: F401
