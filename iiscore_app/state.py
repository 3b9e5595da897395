"""The one module that owns ``st.session_state`` keys and ``st.query_params``.

* The scenario (:class:`iiscore_app.scenario.Scenario`) lives under our own non-widget key, so it
  survives page changes; widgets are mirrors: :func:`control` copies the scenario's value into
  the widget's key before the widget is drawn and writes it back in the widget's ``on_change``.
* The URL is rewritten on every page run (``?s=...``), so the address bar is always a link to
  exactly what is shown.
* Cached loaders and computations sit at module level, keyed on everything that affects their
  result (data set key, the scenario's compute key, tier settings).
* No module-level mutable state: everything per user is in ``st.session_state``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import iiscore
from iiscore_app import navigation
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore.errors import DataError, IIScoreError
from iiscore_app.i18n import t

from . import cache, serving

ROOT = Path(__file__).resolve().parent.parent

# -- session keys (the only place they are named) ---------------------------------------------
SCN = "_iis_scenario"        # Scenario
NOTICES = "_iis_notices"     # list[Notice] from the link, shown until dismissed
NAMED = "_iis_named"         # dict name -> Scenario
UPLOAD = "_iis_upload"       # dict(key, data, data_name, fw, fw_name)
GEN = "_iis_gen"             # bumped when the scenario is replaced wholesale (resets editors)
MC = "_iis_mc"               # dict key -> Monte Carlo result
GOAL = "_iis_goal"           # last goal-seek answer
FLASH = "_iis_flash"         # one-off success message
AHP = "_iis_ahp"             # dict parent -> judgement matrix (DataFrame)
WIDGET_PREFIX = "wk."

PAGE_FILES = navigation.SCRIPTS
PAGE_PATHS = navigation.PATHS


def wkey(name: str) -> str:
    """The session key of a widget."""
    return WIDGET_PREFIX + name


# -- data bundles -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bundle:
    """A data set with its framework and link-validation context (immutable, shared)."""

    key: str
    ds: object
    fw: object
    context: S.Context
    label: str
    uploaded: bool = False
    builtin: bool = False    # the built-in CAICT data: the report's national series and tiers apply


def default_bundle() -> Bundle:
    """Every visitor's data: the server's data set (``IISCORE_DATA`` / ``--data``, see
    :mod:`iiscore_app.serving`), else the built-in CAICT data. A bad setting stops the page with
    the problem in both languages."""
    b = _default_bundle(serving.settings())
    if isinstance(b, IIScoreError):
        serving.stop_page(b)
    return b


@st.cache_resource(show_spinner=False, max_entries=4)
def _default_bundle(settings: tuple) -> Bundle | IIScoreError:
    try:
        s = serving.load(serving.source_of(settings))
    except IIScoreError as exc:
        serving.log_failure(exc)  # once per process: the failure is cached as the result
        return exc
    return Bundle(s.key, s.ds, s.fw, s.context, s.label, builtin=s.builtin)


def _release_upload(bundle_key: str) -> None:
    """The last session holding an upload ended: its cached results go too."""
    cache.purge(bundle_key)


@cache.cache_live(max_entries=256, release=_release_upload)
def _upload_bundle(key: str, data_name: str, fw_name: str | None, _data: bytes, _fw: bytes | None) -> Bundle:
    """An upload's Bundle, shared by the sessions that hold it (the content hash and the names
    are its key) and freed, with its cached results, when the last of them ends. Refused when the
    server's live uploads already hold ``IISCORE_UPLOADS_MB``."""
    return _load_upload(key, data_name, fw_name, _data, _fw)


def _load_upload(key: str, data_name: str, fw_name: str | None, _data: bytes, _fw: bytes | None) -> Bundle:
    import io

    from iiscore.datasets import load_regions

    fw = iiscore.load_default_framework()
    if _fw is not None:
        f = io.BytesIO(_fw)
        f.name = fw_name
        fw = iiscore.load_framework(f)
    d = io.BytesIO(_data)
    d.name = data_name
    ds = iiscore.load_data(d, fw, region_info=load_regions(), name=data_name)
    ds_id = "upload-" + key[:8]  # the short id a link carries (uploads cannot travel in a link)
    # the cache identity is the full hash: with the 8-character id, two different uploads (of two
    # users) whose hashes share 32 bits would share every cached result
    return Bundle("upload-" + key, ds, fw, S.make_context(ds, fw, ds_id), data_name, uploaded=True)


def upload_key(data: bytes, fw: bytes | None = None) -> str:
    """SHA-256 of the uploaded files, unambiguous (length-prefixed: data ``a\\0`` with framework
    ``b`` is not data ``a`` with framework ``\\0b``; no framework is not an empty one)."""
    h = hashlib.sha256()
    for part in (data, fw):
        h.update(b"-" if part is None else b"%d:" % len(part))
        h.update(part or b"")
    return h.hexdigest()


def load_upload(data: bytes, data_name: str, fw: bytes | None = None, fw_name: str | None = None) -> Bundle:
    """Validate and load uploaded files (raises IIScoreError); make them the session's data."""
    key = upload_key(data, fw)
    b = _held_upload(key, data_name, fw_name, data, fw)
    # the session holds its Bundle (and the files, to load it again after a restart of the cache)
    st.session_state[UPLOAD] = {"key": key, "data": data, "data_name": data_name, "fw": fw, "fw_name": fw_name,
                                "bundle": b}
    scn = scenario()
    years = b.ds.years
    set_scenario(b.context.defaults.replace(lang=scn.lang, page=scn.page, year=years[-1]))
    return b


def drop_upload() -> None:
    st.session_state.pop(UPLOAD, None)
    scn = scenario()
    b = default_bundle()
    set_scenario(b.context.defaults.replace(lang=scn.lang, page=scn.page, year=b.ds.years[-1]))


def bundle() -> Bundle:
    up = st.session_state.get(UPLOAD)
    if up:
        if isinstance(up.get("bundle"), Bundle):
            return up["bundle"]
        try:
            up["bundle"] = _held_upload(up["key"], up["data_name"], up["fw_name"], up["data"], up["fw"])
            return up["bundle"]
        except IIScoreError:
            st.session_state.pop(UPLOAD, None)
    return default_bundle()


def _held_upload(key, data_name, fw_name, data, fw) -> Bundle:
    """:func:`_upload_bundle`, with the server's upload budget as a user-facing error."""
    try:
        return _upload_bundle(key, data_name, fw_name, data, fw)
    except cache.Busy as busy:
        mb = cache.MAX_LIVE_BYTES // 2**20
        raise DataError(f"The server is holding {mb} MB of other users' uploads right now (this file needs about "
                        f"{busy.need // 2**20 + 1} MB once loaded). Try again in a few minutes, or ask the operator to "
                        f"raise IISCORE_UPLOADS_MB.",
                        f"服务器当前已保存其他用户上传的 {mb} MB 数据（此文件载入后约需 {busy.need // 2**20 + 1} MB）。"
                        f"请几分钟后再试，或请管理员调高 IISCORE_UPLOADS_MB。", file=data_name) from None


@st.cache_resource(show_spinner=False)
def geojson() -> dict:
    """The map's geometry (data/map/china_map.geojson), shared by every session; never changed."""
    from . import geo

    return geo.load_geometry()


# -- the scenario ---------------------------------------------------------------------------------
def scenario() -> S.Scenario:
    scn = st.session_state.get(SCN)
    return scn if isinstance(scn, S.Scenario) else bundle().context.defaults


def lang() -> str:
    return scenario().lang


def set_scenario(scn: S.Scenario, *, wholesale: bool = True) -> None:
    """Replace the scenario; ``wholesale`` also resets editors that hold their own state."""
    b = bundle()
    if scn.year is None or scn.year not in b.ds.years:
        scn = scn.replace(year=b.ds.years[-1])
    st.session_state[SCN] = scn
    if wholesale:
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
    write_url()


def update(**changes) -> S.Scenario:
    """Change some fields (from a widget callback): no editor reset."""
    scn = scenario().replace(**changes)
    set_scenario(scn, wholesale=False)
    return scn


def generation() -> int:
    return st.session_state.get(GEN, 0)


def init(page: str) -> S.Scenario:
    """Call first on every page: read the link once per session, keep the URL in step."""
    b = bundle()
    if SCN not in st.session_state:
        params = {k: st.query_params.get(k) for k in st.query_params.keys()}
        scn, notices = S.from_query(params, b.context, b.ds, b.fw)
        if "s" not in params:  # a preset or language link opens on the page in its path
            scn = scn.replace(page=page)
        st.session_state[NOTICES] = list(notices)
        set_scenario(scn)
        scn = scenario()
        if scn.page != page and scn.page in PAGE_FILES and ("s" in params or "preset" in params):
            write_url()
            st.switch_page(PAGE_FILES[scn.page])
    scn = scenario()
    if scn.page != page:
        scn = update(page=page)
    st.set_page_config(page_title=t("page." + page, scn.lang) + " · IIDEI", layout="wide",
                       initial_sidebar_state="expanded")
    write_url()
    return scn


def token() -> str:
    return S.encode(scenario(), bundle().context)


def write_url() -> None:
    tok = token()
    if dict(st.query_params) != {"s": tok}:
        st.query_params.from_dict({"s": tok})


def share_link() -> tuple[str, bool]:
    """(full link, whether the app's base URL is known)."""
    scn = scenario()
    base = None
    try:
        base = st.context.url
    except Exception:  # older Streamlit or no browser context
        base = None
    path = PAGE_PATHS.get(scn.page, "")
    query = "?s=" + token()
    if not base:
        return ("/" + path + query), False
    base = base.split("?")[0].rstrip("/")
    for p in PAGE_PATHS.values():  # st.context.url may still carry a page path
        if p and base.endswith("/" + p):
            base = base[: -len(p) - 1]
    return f"{base}/{path}{query}" if path else f"{base}/{query}", True


def preset_link(name: str) -> str:
    return f"?preset={name}"


def notices() -> list:
    return st.session_state.get(NOTICES, [])


def clear_notices() -> None:
    st.session_state[NOTICES] = []


def flash(msg: str | None = None):
    """Set (with ``msg``) or pop a one-off message."""
    if msg is not None:
        st.session_state[FLASH] = msg
        return None
    return st.session_state.pop(FLASH, None)


# -- widgets mirroring scenario fields -----------------------------------------------------------
def _on_field(key: str, field: str, to_field) -> None:
    v = st.session_state.get(key)
    update(**{field: to_field(v) if to_field else v})


def control(widget, field: str, label: str, *, key: str | None = None, to_field=None, from_field=None, **kw):
    """Draw ``widget`` bound to scenario ``field``: the scenario is the source of truth."""
    key = key or wkey(field)
    v = getattr(scenario(), field)
    st.session_state[key] = from_field(v) if from_field else v
    return widget(label, key=key, on_change=_on_field, args=(key, field, to_field), **kw)


def _on_weight(key: str, node: str, default: float) -> None:
    w = scenario().weight_map
    v = float(st.session_state.get(key))
    if abs(v - default) < 1e-9:
        w.pop(node, None)
    else:
        w[node] = v
    update(weights=w)


def weight_slider(node: str, label: str, lo: float, hi: float, step: float, container=st):
    b = bundle()
    default = float(b.fw.node(node).weight)
    key = wkey("w." + node)
    v = float(scenario().weight_map.get(node, default))
    st.session_state[key] = min(max(v, lo), hi)
    return container.slider(label, min_value=lo, max_value=hi, step=step, key=key, on_change=_on_weight,
                            args=(key, node, default), format="%.2f")


# -- named scenarios ------------------------------------------------------------------------------
def named() -> dict:
    return st.session_state.setdefault(NAMED, {})


def save_named(name: str) -> str:
    name = (name or "").strip()[: S.MAX_NAME].strip() or f"#{len(named()) + 1}"
    named()[name] = scenario().replace(name=name)
    return name


def load_named(name: str) -> None:
    scn = named().get(name)
    if scn is not None:
        set_scenario(scn.replace(page=scenario().page, lang=scenario().lang))


def delete_named(name: str) -> None:
    named().pop(name, None)


def import_json(raw: bytes) -> list:
    scn, notes = S.from_json(raw, bundle().context)
    set_scenario(scn.replace(page=scenario().page))
    return notes


def apply_preset(name: str) -> None:
    b = bundle()
    set_scenario(P.preset(name, b.ds, b.fw, scenario()))


def reset() -> None:
    scn = scenario()
    set_scenario(bundle().context.defaults.replace(lang=scn.lang, page=scn.page))


# -- session-held results of explicit runs ---------------------------------------------------------
def mc_results() -> dict:
    return st.session_state.setdefault(MC, {})


def ahp_matrices() -> dict:
    return st.session_state.setdefault(AHP, {})


def goal_answer(value=None, *, clear: bool = False):
    if clear:
        st.session_state.pop(GOAL, None)
    elif value is not None:
        st.session_state[GOAL] = value
    return st.session_state.get(GOAL)


# -- cached computations ---------------------------------------------------------------------------
# Every computation below is kept in one pool shared by all sessions (iiscore_app/cache.py): keyed
# on the data set's content key (``bkey``: the upload's SHA-256, the served file's hash, or the
# built-in id) and what the result reads (compute key, tier key, ...); at most ``max_entries`` per
# function and IISCORE_CACHE_MB (default 512 MB) in all, measured in bytes; an upload's entries are
# purged when its last session ends. ``copy=True`` hands each caller its own copy (tables, charts).
@cache.cache_bytes(max_entries=256)
def _result(bkey: str, ckey: tuple, edits: bool, _b: Bundle, _scn: S.Scenario):
    return S.result_for(_scn, _b.ds, _b.fw, edits=edits)


@cache.cache_bytes(max_entries=256)
def _tiers(bkey: str, ckey: tuple, tkey: tuple, edits: bool, _b: Bundle, _scn: S.Scenario):
    return S.tiers_for(_result(bkey, ckey, edits, _b, _scn), _scn)


@cache.cache_bytes(max_entries=256)
def _scenario_tiers(bkey: str, ckey: tuple, tkey: tuple, _b: Bundle, _scn: S.Scenario):
    # with edits: the unedited tiering moved by the simulator's crossing rule (bars held by unedited
    # regions), so that every page shows one tier per region (re-clustering would move unedited ones)
    unedited = _tiers(bkey, ckey, tkey, False, _b, _scn)
    if not _scn.edits:
        return unedited
    return S.tiers_crossed(unedited, _result(bkey, ckey, False, _b, _scn), _result(bkey, ckey, True, _b, _scn),
                           edited=S.edited_regions(_scn, _b.ds, _b.fw))


@cache.cache_bytes(max_entries=64)
def _edited(bkey: str, year: int, edits: tuple, _b: Bundle, _scn: S.Scenario):
    return S.edited_dataset(_scn, _b.ds, year, _b.fw)


@cache.cache_bytes(max_entries=64)
def _prov(bkey: str, year: int, edits: tuple, _b: Bundle, _scn: S.Scenario):
    ds = _edited(bkey, year, edits, _b, _scn)
    return S.provenance_matrix(ds, year, _b.fw.leaves)


@cache.cache_bytes(max_entries=64)
def _trajectory(bkey: str, ckey: tuple, _b: Bundle, _scn: S.Scenario):
    ds = _edited(bkey, _scn.year, _scn.edits, _b, _scn)
    return S.rank_trajectory(_scn, ds, _b.fw)


class Eval:
    """Lazy, cached numbers for a scenario: current, unedited, baseline, tiers, provenance."""

    def __init__(self, scn: S.Scenario | None = None, b: Bundle | None = None):
        self.b = b or bundle()
        self.scn = scn or scenario()
        self.base_scn = S.baseline_of(self.scn, self.b.context)

    @property
    def current(self):
        return _result(self.b.key, self.scn.compute_key(), True, self.b, self.scn)

    @property
    def unedited(self):
        return _result(self.b.key, self.scn.compute_key(), False, self.b, self.scn)

    @property
    def baseline(self):
        return _result(self.b.key, self.base_scn.compute_key(), False, self.b, self.base_scn)

    @property
    def tiers(self):
        """The scenario's tiers (with edits: :func:`iiscore_app.scenario.tiers_crossed`)."""
        return _scenario_tiers(self.b.key, self.scn.compute_key(), self.scn.tier_key(), self.b, self.scn)

    @property
    def tiers_unedited(self):
        return _tiers(self.b.key, self.scn.compute_key(), self.scn.tier_key(), False, self.b, self.scn)

    @property
    def tiers_baseline(self):
        return _tiers(self.b.key, self.base_scn.compute_key(), self.base_scn.tier_key(), False, self.b, self.base_scn)

    @property
    def edited_ds(self):
        return _edited(self.b.key, self.scn.year, self.scn.edits, self.b, self.scn)

    @property
    def prov(self):
        return _prov(self.b.key, self.scn.year, self.scn.edits, self.b, self.scn)

    @property
    def trajectory(self):
        return _trajectory(self.b.key, self.scn.compute_key(), self.b, self.scn)


@cache.cache_bytes(max_entries=512, copy=True)
def _view(name: str, bkey: str, ckey: tuple, tkey: tuple, lang: str, extra: tuple, _ev: Eval):
    from . import views

    out = getattr(views, name)(_ev, lang, *extra)
    if hasattr(out, "to_dict") and name.endswith("_chart"):
        import altair as alt

        # Altair refuses more than 5,000 rows by default; a chart of every region has 2 per region
        # (the slope chart of 3,000 counties raised MaxRowsError). The upload limits bound the rows.
        with alt.data_transformers.disable_max_rows():
            return out.to_dict()
    return out


def view(name: str, ev: Eval, lang: str, *extra):
    """``views.<name>(ev, lang, *extra)``, cached on everything it depends on (charts as Vega-Lite specs)."""
    return _view(name, ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), lang, tuple(extra), ev)


def map_deck(ev: Eval, colour_by: str, lang: str):
    from . import views

    text, tip = _map_json(ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), lang, colour_by, ev)
    return views.PrebuiltDeck(text, tip)


@cache.cache_bytes(max_entries=128, copy=True)
def _map_json(bkey: str, ckey: tuple, tkey: tuple, lang: str, colour_by: str, _ev: Eval):
    from . import views

    return views.map_json(_ev, colour_by, lang, geojson())


@cache.cache_bytes(max_entries=32)
def _map_png(bkey: str, ckey: tuple, tkey: tuple, lang: str, colour_by: str, kind: str, _ev: Eval) -> bytes:
    from . import views

    return views.map_png(_ev, colour_by, lang, kind, geojson())


def map_png(ev: Eval, colour_by: str, lang: str, kind: str) -> bytes:
    """The map as a PNG (``kind`` "geo" or "tiles"), made when asked for and cached."""
    return _map_png(ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), lang, colour_by, kind, ev)


@cache.cache_bytes(max_entries=64)
def _whatif(bkey: str, ckey: tuple, tkey: tuple, _ev: Eval):
    return S.whatif_for(_ev.scn, _ev.b.ds, _ev.b.fw, tiers=_ev.tiers_unedited.tier)


def whatif(ev: Eval):
    """:func:`iiscore.simulate.whatif` for the scenario's edits (tiers: the unedited tiering's bars)."""
    return _whatif(ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), ev)


@cache.cache_bytes(max_entries=128, copy=True)
def _levers(bkey: str, ckey: tuple, region: str, lang: str, _ev: Eval):
    from iiscore import simulate

    from . import views

    lv = simulate.levers(_ev.b.ds, _ev.unedited.spec, region, mode=_ev.scn.whatif, edits=S.sim_edits(_ev.scn))
    return views.levers_table(lv, _ev.b.fw, lang)


def levers(ev: Eval, region: str, lang: str):
    return _levers(ev.b.key, ev.scn.compute_key(), region, lang, ev)


def evaluate(scn: S.Scenario | None = None) -> tuple[Eval | None, IIScoreError | None]:
    """An :class:`Eval` whose current result is computable, or the user-facing error."""
    ev = Eval(scn)
    try:
        ev.current
        ev.tiers
    except IIScoreError as exc:
        return None, exc
    return ev, None
