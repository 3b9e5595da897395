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


# -- session keys (the only place they are named) ---------------------------------------------
SCN = "_iis_scenario"        # Scenario
NOTICES = "_iis_notices"     # list[Notice] from the link, shown until dismissed
UPLOAD = "_iis_upload"       # dict(key, data, data_name, fw, fw_name, decimal)
PENDING = "_iis_pending"     # an upload that lacks regions or indicators, shown until used or discarded
GEN = "_iis_gen"             # bumped when the scenario is replaced wholesale (resets editors)
MC = "_iis_mc"               # dict key -> Monte Carlo result
GOAL = "_iis_goal"           # last goal-seek answer
FLASH = "_iis_flash"         # one-off success message
AHP = "_iis_ahp"             # dict parent -> judgement matrix (DataFrame)
HISTORY = "_iis_history"     # {"items": [Scenario, ...], "pos": int}: undo / redo
WRITTEN = "_iis_written"     # the token last written to the URL (a different one is the browser's Back/Forward)
MAX_HISTORY = 60
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
    check: object = None     # uploads: views.data.UploadCheck against the default data


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
def _upload_bundle(key: str, data_name: str, fw_name: str | None, _data: bytes, _fw: bytes | None,
                   decimal: str = ".") -> Bundle:
    """An upload's Bundle, shared by the sessions that hold it (``key``, :func:`upload_key` of the
    files and the decimal mark, and the names are its identity) and freed, with its cached results,
    when the last of them ends. Refused when the server's live uploads already hold
    ``IISCORE_UPLOADS_MB``."""
    return _load_upload(key, data_name, fw_name, _data, _fw, decimal)


def _load_upload(key: str, data_name: str, fw_name: str | None, _data: bytes, _fw: bytes | None,
                 decimal: str = ".") -> Bundle:
    """Read an upload exactly as the command line reads the same file (``decimal`` as chosen in the
    form, never guessed), check it against the default data (:func:`views.data.check_upload`) and
    give its unchanged cells their provenance back (:func:`views.data.keep_provenance`)."""
    import io

    from iiscore.datasets import load_regions

    from .views import data as vdata

    fw = iiscore.load_default_framework()
    if _fw is not None:
        f = io.BytesIO(_fw)
        f.name = fw_name
        fw = iiscore.load_framework(f)
    d = io.BytesIO(_data)
    d.name = data_name
    ds = iiscore.load_data(d, fw, region_info=load_regions(), name=data_name, decimal=decimal)
    ref = _reference()
    check = None
    if ref is not None:
        check = vdata.check_upload(ds, fw, ref.ds, ref.fw, ref.label, ref.builtin)
        ds = vdata.keep_provenance(ds, check, ref.ds)
    ds_id = "upload-" + key[:8]  # the short id a link carries (uploads cannot travel in a link)
    # the cache identity is the full hash: with the 8-character id, two different uploads (of two
    # users) whose hashes share 32 bits would share every cached result
    return Bundle("upload-" + key, ds, fw, S.make_context(ds, fw, ds_id), data_name, uploaded=True, check=check)


def _reference() -> Bundle | None:
    """The data every visitor gets (what an upload is compared with), or None when it is broken."""
    b = _default_bundle(serving.settings())
    return None if isinstance(b, IIScoreError) else b


def upload_key(data: bytes, fw: bytes | None = None, decimal: str = ".") -> str:
    """SHA-256 of the uploaded files, unambiguous (length-prefixed: data ``a\\0`` with framework
    ``b`` is not data ``a`` with framework ``\\0b``; no framework is not an empty one), and of the
    decimal mark when it is not the default (the same bytes read with a decimal comma are other data)."""
    h = hashlib.sha256()
    for part in (data, fw):
        h.update(b"-" if part is None else b"%d:" % len(part))
        h.update(part or b"")
    if decimal != ".":
        h.update(b"decimal:" + str(decimal).encode())
    return h.hexdigest()


def _upload_args(data: bytes, data_name: str, fw: bytes | None, fw_name: str | None, decimal: str) -> dict:
    return {"key": upload_key(data, fw, decimal), "data": data, "data_name": data_name, "fw": fw,
            "fw_name": fw_name, "decimal": decimal}


def _bundle_of(up: dict) -> Bundle:
    """The upload's Bundle, held by the session (and the files, to load it again after the cache let it go)."""
    if isinstance(up.get("bundle"), Bundle):
        return up["bundle"]
    up["bundle"] = _held_upload(up["key"], up["data_name"], up["fw_name"], up["data"], up["fw"], up.get("decimal", "."))
    return up["bundle"]


def load_upload(data: bytes, data_name: str, fw: bytes | None = None, fw_name: str | None = None,
                decimal: str = ".") -> Bundle:
    """Validate and load uploaded files (raises IIScoreError); make them the session's data.

    The scenario starts from the upload's defaults (the engine's settings, as the command line
    scores the same file), keeping the language, the page and the saved scenarios (the user's work:
    one made on other data says so when loaded, with the way back)."""
    up = _upload_args(data, data_name, fw, fw_name, decimal)
    b = _bundle_of(up)
    st.session_state[UPLOAD] = up
    st.session_state.pop(PENDING, None)
    scn = scenario()
    set_scenario(b.context.defaults.replace(lang=scn.lang, page=scn.page, year=b.ds.years[-1], saved=scn.saved))
    return b


def stage_upload(data: bytes, data_name: str, fw: bytes | None = None, fw_name: str | None = None,
                 decimal: str = ".") -> tuple[Bundle, bool]:
    """Read an upload (raises IIScoreError); use it at once, unless it lacks regions of the default
    data or whole indicators: then it waits (:func:`pending_upload`) until :func:`confirm_upload`.

    Returns (bundle, held)."""
    up = _upload_args(data, data_name, fw, fw_name, decimal)
    b = _bundle_of(up)
    if b.check is not None and b.check.needs_confirmation:
        st.session_state[PENDING] = up
        return b, True
    return load_upload(data, data_name, fw, fw_name, decimal), False


def pending_upload() -> Bundle | None:
    """The upload waiting to be used (listed with what it lacks), if any."""
    up = st.session_state.get(PENDING)
    if not up:
        return None
    try:
        return _bundle_of(up)
    except IIScoreError:
        st.session_state.pop(PENDING, None)
        return None


def upload_decimal() -> str:
    """The decimal mark the active upload was read with."""
    return (st.session_state.get(UPLOAD) or {}).get("decimal", ".")


def confirm_upload() -> None:
    up = st.session_state.pop(PENDING, None)
    if up:
        load_upload(up["data"], up["data_name"], up["fw"], up["fw_name"], up.get("decimal", "."))


def cancel_upload() -> None:
    st.session_state.pop(PENDING, None)


def drop_upload() -> None:
    """Back to the default data. A scenario made on it (a saved one loaded while the upload was
    active) is kept, validated against it; any other starts from its defaults."""
    st.session_state.pop(UPLOAD, None)
    st.session_state.pop(PENDING, None)
    scn = scenario()
    b = default_bundle()
    if scn.dataset == b.context.dataset_id:
        fitted, _ = S.from_payload(S.to_payload(scn, b.context), b.context)
        set_scenario(fitted.replace(lang=scn.lang, page=scn.page, name=scn.name, saved=scn.saved))
    else:
        set_scenario(b.context.defaults.replace(lang=scn.lang, page=scn.page, year=b.ds.years[-1], saved=scn.saved))


def use_settings(which: str) -> None:
    """The method settings of uploaded data: ``"documented"`` (the built-in data's documented
    settings, ``data/defaults.json``: log treatment of skewed indicators, ...) or ``"engine"`` (the
    engine's defaults, what the command line uses for the same file)."""
    from iiscore.datasets import default_settings

    base = S.Scenario.default(settings=default_settings() if which == "documented" else {})
    update(treat=base.treat, normalisation=base.normalisation, goalposts=base.goalposts, missing=base.missing,
           aggregation=base.aggregation)


def bundle() -> Bundle:
    up = st.session_state.get(UPLOAD)
    if up:
        try:
            return _bundle_of(up)
        except IIScoreError:
            st.session_state.pop(UPLOAD, None)
    return default_bundle()


def reference_eval(ev: "Eval") -> "Eval | None":
    """The default data computed with the scenario's settings (its edits left out): an upload's
    official baseline, or None when the upload has none (other framework or regions) or not for
    the scenario's year."""
    from iiscore.tiering import report_sizes

    check = getattr(ev.b, "check", None)
    if check is None or not check.comparable or ev.scn.year not in check.years:
        return None
    ref = default_bundle()
    scn = ev.scn
    n = len(ref.ds.regions)
    sizes = scn.tier_sizes if sum(scn.tier_sizes) == n else report_sizes(n)
    rs = ref.context.defaults.replace(
        lang=scn.lang, page=scn.page, year=scn.year, weights=scn.weights, treat=scn.treat,
        normalisation=scn.normalisation, goalposts=scn.goalposts, missing=scn.missing,
        aggregation=scn.aggregation, coverage=scn.coverage, tier_method=scn.tier_method, tier_k=scn.tier_k,
        tier_features=scn.tier_features, tier_standardise=scn.tier_standardise, tier_seed=scn.tier_seed,
        tier_sizes=sizes)
    return Eval(rs, ref)


def _held_upload(key, data_name, fw_name, data, fw, decimal=".") -> Bundle:
    """:func:`_upload_bundle`, with the server's upload budget as a user-facing error."""
    try:
        return _upload_bundle(key, data_name, fw_name, data, fw, decimal)
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


def set_scenario(scn: S.Scenario, *, wholesale: bool = True, record: bool = True) -> None:
    """Replace the scenario; ``wholesale`` also resets editors that hold their own state; ``record``
    makes it an undo step (undo/redo and the browser's Back/Forward move without recording)."""
    b = bundle()
    if scn.year is None or scn.year not in b.ds.years:
        scn = scn.replace(year=b.ds.years[-1])
    st.session_state[SCN] = scn
    if wholesale:
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
    if record:
        _record(scn)
    write_url()


# -- undo / redo ------------------------------------------------------------------------------------
def _history() -> dict:
    return st.session_state.setdefault(HISTORY, {"items": [], "pos": -1})


def _record(scn: S.Scenario) -> None:
    """Add a step: a change of anything but the page or the language (those are not undone)."""
    h = _history()
    items, pos = h["items"], h["pos"]
    if 0 <= pos < len(items) and items[pos].undo_key() == scn.undo_key():
        return
    del items[pos + 1:]  # a new change drops what could be redone
    items.append(scn)
    if len(items) > MAX_HISTORY:
        del items[: len(items) - MAX_HISTORY]
    h["pos"] = len(items) - 1


def can_undo() -> bool:
    return _history()["pos"] > 0


def can_redo() -> bool:
    h = _history()
    return h["pos"] < len(h["items"]) - 1


def _step(delta: int) -> None:
    h = _history()
    pos = h["pos"] + delta
    if not 0 <= pos < len(h["items"]):
        return
    h["pos"] = pos
    cur = scenario()
    set_scenario(h["items"][pos].replace(page=cur.page, lang=cur.lang), record=False)


def undo() -> None:
    _step(-1)


def redo() -> None:
    _step(+1)


def _follow_url(page: str) -> None:
    """The browser's Back/Forward (or a link pasted into this tab) changed the URL's scenario: the URL
    wins, and the undo history moves to that step when it is one of them."""
    tok = st.query_params.get("s")
    last = st.session_state.get(WRITTEN)
    if not tok or last is None or tok == last:
        return
    b = bundle()
    scn, notices = S.decode(tok, b.context)
    if notices:
        st.session_state[NOTICES] = list(notices)
    scn = scn.replace(page=page)
    h = _history()
    for i, item in enumerate(h["items"]):
        if item.undo_key() == scn.undo_key():
            h["pos"] = i
            set_scenario(scn, record=False)
            return
    set_scenario(scn)


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
    else:
        _follow_url(page)
    scn = scenario()
    if scn.page != page:
        scn = update(page=page)
    st.set_page_config(page_title=t("page." + page, scn.lang) + " · IIDEI", layout="wide",
                       initial_sidebar_state="auto")  # collapsed on a phone, open on a desktop
    write_url()
    return scn


def token() -> str:
    return S.encode(scenario(), bundle().context)


def write_url() -> None:
    tok = token()
    st.session_state[WRITTEN] = tok
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


def _on_weight(key: str, node: str, keep_total: bool = False) -> None:
    """A weight slider moved: set the weight (with ``keep_total``, its siblings rescaled so that the
    level totals 100, :func:`iiscore_app.views.rescale_level`); a weight back at the framework's value
    is no override."""
    from . import views

    fw = bundle().fw
    w = scenario().weight_map
    v = float(st.session_state.get(key))
    if keep_total:
        w = views.rescale_level(fw, w, node, v)
    else:
        w[node] = v
    w = {k: x for k, x in w.items() if k not in fw.ids or abs(x - float(fw.node(k).weight)) >= 1e-9}
    update(weights=w)


def weight_slider(node: str, label: str, lo: float, hi: float, step: float, container=st, *,
                  keep_total: bool = False, help: str | None = None):
    """The slider of ``node``'s raw weight; its range widens to show a weight outside ``[lo, hi]``
    (from a link or a framework file) as it is (:func:`iiscore_app.views.weight_slider_range`)."""
    from . import views

    b = bundle()
    key = wkey("w." + node)
    v = float(scenario().weight_map.get(node, float(b.fw.node(node).weight)))
    lo, hi, _ = views.weight_slider_range(v, lo, hi)
    st.session_state[key] = v
    return container.slider(label, min_value=lo, max_value=hi, step=step, key=key, on_change=_on_weight,
                            args=(key, node, keep_total), format="%.2f", help=help)


# -- saved scenarios (part of the scenario: they travel in links and files, and undo restores them) --
def named() -> dict:
    return scenario().saved_map


def save_named(name: str) -> str:
    cur = scenario()
    name = (name or "").strip()[: S.MAX_NAME].strip() or f"#{len(cur.saved) + 1}"
    saved = [(n, sc) for n, sc in cur.saved if n != name] + [(name, cur.replace(saved=(), name=name))]
    set_scenario(cur.replace(saved=saved), wholesale=False)
    return name


def load_named(name: str) -> None:
    cur = scenario()
    scn = cur.saved_map.get(name)
    if scn is not None:  # the saved scenarios stay with the session's scenario
        set_scenario(scn.replace(page=cur.page, lang=cur.lang, saved=cur.saved))


def delete_named(name: str) -> None:
    cur = scenario()
    set_scenario(cur.replace(saved=[(n, sc) for n, sc in cur.saved if n != name]), wholesale=False)


def import_json(raw: bytes) -> list:
    scn, notes = S.from_json(raw, bundle().context)
    set_scenario(scn.replace(page=scenario().page))
    return notes


def apply_preset(name: str) -> None:
    b = bundle()
    cur = scenario()
    set_scenario(P.preset(name, b.ds, b.fw, cur, b.context.defaults).replace(saved=cur.saved))


def reset() -> None:
    """The data set's defaults (the saved scenarios are kept; undo brings the settings back)."""
    scn = scenario()
    set_scenario(bundle().context.defaults.replace(lang=scn.lang, page=scn.page, saved=scn.saved))


# -- session-held results of explicit runs ---------------------------------------------------------
def mc_results() -> dict:
    return st.session_state.setdefault(MC, {})


def ahp_matrices() -> dict:
    return st.session_state.setdefault(AHP, {})


def goal_answer(value=None, *, clear: bool = False, form: dict | None = None, defaults: dict | None = None):
    """The last goal-seek answer: set it (``value``), drop it (``clear``), or read it.

    ``form`` (widget name -> value, from a callback such as a suggestion's button) sets goal-seek
    widgets before they are drawn; ``defaults`` sets those that have no value yet (so that the
    widgets are drawn without a default of their own, which would clash with ``form``)."""
    for name, v in (defaults or {}).items():
        st.session_state.setdefault(wkey(name), v)
    for name, v in (form or {}).items():
        st.session_state[wkey(name)] = v
    if clear:
        st.session_state.pop(GOAL, None)
    elif value is not None:
        st.session_state[GOAL] = value
    return st.session_state.get(GOAL)


def goal_for(scn: S.Scenario):
    """The goal-seek answer that belongs to ``scn`` (for the exports), or None: one solved under it,
    or one applied that produced it."""
    ans = goal_answer()
    if not isinstance(ans, dict):
        return None
    now = (scn.compute_key(), scn.tier_key())
    if ans.get("gs") is not None and tuple(ans.get("settings", ()))[1:3] == now:
        return ans["gs"]
    if ans.get("applied") is not None and tuple(ans.get("key", ()))[1:] == now:
        return ans["applied"]
    return None


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

    @property
    def reference(self):
        """An upload's official baseline (:func:`reference_eval`), or None."""
        return reference_eval(self) if self.b.uploaded else None


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
def _levers(bkey: str, ckey: tuple, region: str, _ev: Eval):
    from iiscore import simulate

    return simulate.levers(_ev.b.ds, _ev.unedited.spec, region, mode=_ev.scn.whatif, edits=S.sim_edits(_ev.scn))


def levers(ev: Eval, region: str):
    """:func:`iiscore.simulate.levers` of ``region`` under the scenario (its edits applied first)."""
    return _levers(ev.b.key, ev.scn.compute_key(), region, ev)


def evaluate(scn: S.Scenario | None = None) -> tuple[Eval | None, IIScoreError | None]:
    """An :class:`Eval` whose current result is computable, or the user-facing error."""
    ev = Eval(scn)
    try:
        ev.current
        ev.tiers
    except IIScoreError as exc:
        return None, exc
    return ev, None


# -- the audit page (issue 18): the audit and the ten methods of the scenario in force -----------
# Keyed on the scenario's compute key (and the correlation method): a page rerun, a language switch
# or a tier setting reuses them. An engine error (e.g. fewer than 3 regions) is cached as the value,
# so the page says it once per scenario instead of recomputing and raising.
@st.cache_resource(show_spinner=False, max_entries=32)
def _audit(bkey: str, ckey: tuple, method: str, _ev: Eval):
    from . import views

    try:
        return views.audit_for(_ev, method)
    except IIScoreError as exc:
        return exc


@st.cache_resource(show_spinner=False, max_entries=32)
def _methods(bkey: str, ckey: tuple, _ev: Eval):
    from . import views

    try:
        return views.methods_for(_ev)
    except IIScoreError as exc:
        return exc


def audit(ev: Eval, method: str = "pearson"):
    """:func:`iiscore.audit.audit` of the scenario (an ``Audit``, or the ``IIScoreError`` saying why not)."""
    return _audit(ev.b.key, ev.scn.compute_key(), method, ev)


def methods(ev: Eval):
    """:func:`iiscore.methods.compare_methods` of the scenario (a ``Methods``, or the ``IIScoreError``)."""
    return _methods(ev.b.key, ev.scn.compute_key(), ev)


@st.cache_data(show_spinner=False, max_entries=256)
def _audit_view(name: str, bkey: str, ckey: tuple, method: str, lang: str, extra: tuple, _ev: Eval):
    from . import views

    obj = methods(_ev) if name.startswith("methods_") else audit(_ev, method)
    return getattr(views, name)(obj, _ev.b.ds, lang, *extra)  # the charts are Vega-Lite dicts already


def audit_view(name: str, ev: Eval, lang: str, *extra, method: str = "pearson"):
    """``views.<name>(audit or methods, ds, lang, *extra)`` cached (the charts are Vega-Lite specs);
    ``methods_*`` views get the methods, ``audit_*`` views the audit. Call only when
    :func:`audit` / :func:`methods` returned a result, not an error."""
    method = "" if name.startswith("methods_") else method  # the methods do not depend on it
    return _audit_view(name, ev.b.key, ev.scn.compute_key(), method, lang, tuple(extra), ev)


# -- the region profile (issue 19): one Profiler per scenario; per region the profile, its goal-seeks
#    and the robustness summary are cached apart, so that a page can draw the fast part first -------------
@st.cache_resource(show_spinner=False, max_entries=16)
def _profiler(bkey: str, ckey: tuple, tkey: tuple, mkey: tuple, _ev: Eval):
    from iiscore.profile import Profiler
    from iiscore.tiering import report_tiers

    scn, b = _ev.scn, _ev.b
    rep = report_tiers() if b.builtin else None  # the report's tiers classify the built-in data only
    if rep is not None and set(rep.index) != set(b.ds.regions):
        rep = None
    return Profiler(b.ds, _ev.unedited.spec, edits=S.sim_edits(scn), mode=scn.whatif, tiers=_ev.tiers_unedited,
                    report_tiers=rep, robust=False, mc_samples=scn.mc_n, mc_spread=scn.mc_spread,
                    seed=scn.mc_seed)


@st.cache_resource(show_spinner=False, max_entries=16)
def _robustness(bkey: str, ckey: tuple, tkey: tuple, mkey: tuple, _ev: Eval):
    return _profiler(bkey, ckey, tkey, mkey, _ev).robustness()


@st.cache_resource(show_spinner=False, max_entries=128)
def _profile_core(bkey: str, ckey: tuple, tkey: tuple, mkey: tuple, region: str, _ev: Eval):
    return _profiler(bkey, ckey, tkey, mkey, _ev).profile(region, goal=False)


@st.cache_resource(show_spinner=False, max_entries=128)
def _profile_goals(bkey: str, ckey: tuple, tkey: tuple, mkey: tuple, region: str, target: int, _ev: Eval):
    return _profiler(bkey, ckey, tkey, mkey, _ev).goals(region, target)


def profile(ev: Eval, region: str, *, goals: bool = True, robust: bool = True):
    """:class:`iiscore.profile.Profile` of ``region`` under the scenario in force (its edits, what-if
    mode, tiering and Monte Carlo settings), cached and shared by every session (never mutated).
    ``goals=False`` / ``robust=False`` leave out the goal-seeks / Monte Carlo and the methods (the
    slow parts), for a page that draws them last."""
    from dataclasses import replace

    keys = (ev.b.key, ev.scn.compute_key(), ev.scn.tier_key(), (ev.scn.mc_n, ev.scn.mc_spread, ev.scn.mc_seed))
    p = _profile_core(*keys, region, ev)
    changes = {}
    if robust:
        changes.update(_profiler(*keys, ev).robust_parts(region, p.tier, _robustness(*keys, ev)))
    if goals and p.target_tier is not None:
        changes["goal_uniform"], changes["goal_cheapest"] = _profile_goals(*keys, region, p.target_tier, ev)
    return replace(p, **changes) if changes else p
