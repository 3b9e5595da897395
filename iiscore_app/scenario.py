"""A what-if scenario (weights, methods, edits, tier settings, view) and its URL encoding.

Pure Python (no Streamlit): the app's state module, the exports and the tests use it. The option
vocabularies are the engine's registries (``iiscore.treat.TREATMENTS``, ...), never lists of its own.

URL format (version 1)
----------------------
One query parameter ``s`` holding ``1.<payload>``: ``1`` is the format version and the payload is
the scenario as compact JSON with short keys, zlib-compressed and base64url-encoded without
padding. Only settings that differ from the defaults are written, except the method settings
and the year, which are always written so that a link keeps its numbers when the data set's
documented defaults change. Two fingerprints, of the framework weights (``fw``) and of the data
values (``dh``), let an outdated link say so.

Optional companions: ``preset=<id>`` starts from a ready-made scenario (see :data:`PRESETS`) and
``lang=en|zh`` sets the language; ``s`` wins when both are given.

Decoding never raises: every field is validated and clamped; whatever is ignored or changed is
returned as bilingual :class:`Notice` objects, and anything unreadable falls back to defaults.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import zlib
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Iterable, NamedTuple

import numpy as np
import pandas as pd

from iiscore.aggregate import AGGREGATIONS
from iiscore.audit import CORRELATIONS

from . import navigation as _navigation
from iiscore.normalise import NORMALISATIONS
from iiscore.simulate.edits import Edit
from iiscore.simulate.whatif import MODES
from iiscore.spec import DEFAULT_COVERAGE, MISSING, TREAT_FITS
from iiscore.spec import GOALPOSTS as _GOALPOSTS
from iiscore.tiering import DEFAULT_METHOD, FEATURES, METHODS, REPORT_SIZES, report_sizes
from iiscore.treat import TREATMENTS

FORMAT_VERSION = 1
MAX_TOKEN_CHARS = 8000          # a longer ``s`` is refused before any decoding
MAX_JSON_BYTES = 64 * 1024      # decompressed size limit (no zip bombs)
MAX_EDITS = 400
MAX_NAME = 60
MAX_SAVED = 6                   # saved scenarios carried in a link or file

LANGS = ("zh", "en")
PAGES = _navigation.KEYS
TREATS = TREATMENTS
GOALPOSTS = _GOALPOSTS
MISSINGS = MISSING
WHATIF_MODES = MODES
EDIT_KINDS = ("pct", "abs")   # the kinds a scenario stores (the simulator's table edits)
TIER_METHODS = METHODS
TIER_FEATURES = FEATURES
K_RANGE = (2, 8)
SEED_MAX = 2**31 - 1
WEIGHT_MAX = 1000.0
PCT_RANGE = (-100.0, 1000.0)
ABS_MAX = 1e13
MC_N_RANGE = (50, 5000)
MC_SPREAD_RANGE = (0.05, 0.95)
DEFAULT_DATASET = "caict2024"
DEFAULT_SIZES = REPORT_SIZES



class Notice(NamedTuple):
    """A bilingual message about something in a link or file that was ignored or changed."""

    en: str
    zh: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Scenario:
    """Everything a user can set; frozen and hashable (a cache key)."""

    dataset: str = DEFAULT_DATASET
    lang: str = "zh"
    page: str = "home"
    year: int | None = None
    weights: tuple = ()            # ((node id, raw weight), ...) overriding the framework's
    treat: str = "none"
    normalisation: str = "minmax"
    goalposts: str = "year"
    missing: str = "reweight"
    aggregation: str = "arithmetic"
    whatif: str = "renormalise"
    edits: tuple = ()              # (iiscore.simulate.Edit, ...) of kinds pct/abs, sorted
    region: str | None = None      # the simulator's region
    coverage: float = DEFAULT_COVERAGE
    tier_method: str = DEFAULT_METHOD
    tier_k: int = 4
    tier_features: str = "composite+pillars"
    tier_standardise: bool = False
    tier_seed: int = 0
    tier_sizes: tuple = DEFAULT_SIZES
    map_colour: str = "iidei"      # node id or "tier" (make_context points it at the framework's root)
    mc_n: int = 500
    mc_spread: float = 0.5
    mc_seed: int = 0
    oat_node: str = "innovation"
    name: str = ""
    saved: tuple = ()              # ((name, Scenario), ...): saved scenarios, carried in links and files
    shift_base: str = "defaults"   # the workshop view's baseline: "defaults", "report" or "saved:<name>"
    public_only: bool = False      # leave the estimated indicators out (their weight shared in the pillar)
    treat_fit: str = "year"        # fit the outlier treatment on the scored year or on all years pooled
    audit_corr: str = "pearson"    # the Audit page's correlation (a linked audit shows the same numbers)

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def default(cls, settings: dict | None = None, **changes) -> "Scenario":
        """The data set's documented defaults (``data/defaults.json``) plus ``changes``."""
        if settings is None:
            from iiscore.datasets import default_settings

            settings = default_settings()
        base = {}
        for k in ("treat", "normalisation", "missing", "aggregation"):
            if settings.get(k) is not None:
                base[k] = settings[k]
        if settings.get("goalposts") == "pooled":
            base["goalposts"] = "pooled"
        if settings.get("year") is not None:
            base["year"] = int(settings["year"])
        base.update(changes)
        return cls(**base)

    def replace(self, **changes) -> "Scenario":
        if "weights" in changes:
            changes["weights"] = _canon_weights(changes["weights"])
        if "edits" in changes:
            changes["edits"] = _canon_edits(changes["edits"])
        if "tier_sizes" in changes:
            changes["tier_sizes"] = tuple(int(x) for x in changes["tier_sizes"])
        if "saved" in changes:
            changes["saved"] = _canon_saved(changes["saved"])
        return replace(self, **changes)

    # -- derived -----------------------------------------------------------------------------
    @property
    def weight_map(self) -> dict:
        return dict(self.weights)

    @property
    def is_uploaded(self) -> bool:
        return self.dataset != DEFAULT_DATASET

    def compute_key(self) -> tuple:
        """The fields that change numbers (not language, page, map colour or name)."""
        return (self.dataset, self.year, self.weights, self.treat, self.normalisation,
                self.goalposts, self.missing, self.aggregation, self.whatif, self.edits, self.coverage,
                self.public_only, self.treat_fit)

    def tier_key(self) -> tuple:
        return (self.tier_method, self.tier_k, self.tier_features, self.tier_standardise,
                self.tier_seed, self.tier_sizes)

    @property
    def saved_map(self) -> dict:
        return dict(self.saved)

    def undo_key(self) -> tuple:
        """What an undo step restores: everything but the page and the language (a page change or a
        language switch is not a change of the scenario)."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name not in ("page", "lang"))

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("weights", "edits", "saved")}
        d["weights"] = {k: v for k, v in self.weights}
        d["edits"] = [[e.region, e.indicator, e.kind, e.amount] for e in self.edits]
        d["tier_sizes"] = list(self.tier_sizes)
        d["saved"] = [[n, sc.to_dict()] for n, sc in self.saved]
        return d


def _canon_weights(w) -> tuple:
    items = w.items() if isinstance(w, dict) else w
    return tuple(sorted((str(k), round(float(v), 4)) for k, v in items))


def _canon_saved(saved) -> tuple:
    """Saved scenarios: (name, Scenario) pairs, names unique (the last wins), at most MAX_SAVED, none of
    them carrying saved scenarios of its own."""
    items = saved.items() if isinstance(saved, dict) else saved
    out = {}
    for name, sc in items:
        out[str(name)[:MAX_NAME]] = sc.replace(saved=(), name=str(name)[:MAX_NAME]) if sc.saved or sc.name != name \
            else sc
    return tuple(list(out.items())[-MAX_SAVED:])


def _as_edit(e) -> Edit:
    if isinstance(e, Edit):
        return e
    if isinstance(e, dict):
        return Edit.from_dict({"amount": e.get("value"), **e})
    region, indicator, kind, amount = e
    return Edit(region, indicator, kind, amount)


def _canon_edits(edits) -> tuple:
    """Edits in the scenario's canonical form: one per cell (the last wins), sorted, amounts rounded
    to 6 decimals (goal-seek answers are already rounded in their good direction, so this keeps them)."""
    out = {}
    for e in edits:
        e = _as_edit(e)
        out[(e.region, e.indicator)] = Edit(str(e.region), str(e.indicator), str(e.kind), round(float(e.amount), 6))
    return tuple(out[k] for k in sorted(out))


# --------------------------------------------------------------------------------------------
# context: what a link is validated against
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """The data set and framework a scenario refers to (for validation and fingerprints)."""

    dataset_id: str
    node_ids: tuple
    root: str
    pillars: tuple
    leaves: tuple
    regions: tuple
    years: tuple
    fw_fp: str
    data_fp: str
    defaults: Scenario = field(default_factory=Scenario)
    groups: tuple = ()             # ((parent id, (child ids...)), ...)
    raw_weights: dict = field(default_factory=dict, compare=False, hash=False)
    aliases: dict = field(default_factory=dict, compare=False, hash=False)

    def resolve_region(self, name) -> str | None:
        s = str(name).strip()
        if s in self.regions:
            return s
        return self.aliases.get(s.casefold())


def framework_fingerprint(framework) -> str:
    raw = "|".join(f"{n.id}:{n.parent}:{n.weight:.6g}:{n.direction}" for n in framework.nodes)
    return hashlib.sha1(raw.encode()).hexdigest()[:6]


def data_fingerprint(ds) -> str:
    long = ds.long[["region", "year", "indicator", "value"]].sort_values(["region", "year", "indicator"])
    h = hashlib.sha1()
    h.update("|".join(map(str, long["region"])).encode())
    h.update(long["year"].to_numpy(np.int64).tobytes())
    h.update("|".join(map(str, long["indicator"])).encode())
    h.update(np.round(long["value"].to_numpy(float), 9).tobytes())
    return h.hexdigest()[:6]


def make_context(ds, framework, dataset_id: str = DEFAULT_DATASET, defaults: Scenario | None = None, *,
                 builtin: bool | None = None) -> Context:
    """What links and files are validated against, and the defaults of a data set.

    The built-in data set's defaults are its documented settings (``data/defaults.json``); any other
    data (an upload, a server's own file) gets the engine's defaults -- no treatment, min-max,
    re-weighting, arithmetic -- the settings the command line uses for the same file, so that one
    file gets one answer. Tier sizes default to the report's shares of the data's regions.
    """
    aliases = {}
    info = ds.region_info
    for r in ds.regions:
        aliases[str(r).casefold()] = r
    if info is not None:
        for r, row in info.iterrows():
            for c in ("name_zh", "name_en", "adcode"):
                if c in info.columns and pd.notna(row[c]):
                    aliases.setdefault(str(row[c]).strip().casefold(), r)
    if builtin is None:
        builtin = dataset_id == DEFAULT_DATASET
    if defaults is None:
        defaults = Scenario.default(dataset=dataset_id) if builtin else Scenario.default(settings={}, dataset=dataset_id)
        defaults = defaults.replace(year=ds.years[-1] if defaults.year not in ds.years else defaults.year)
    if defaults.dataset != dataset_id:
        defaults = defaults.replace(dataset=dataset_id)
    if sum(defaults.tier_sizes) != len(ds.regions):
        defaults = defaults.replace(tier_sizes=report_sizes(len(ds.regions)))
    # view settings that name nodes must name nodes of this framework (any ids, any depth)
    if defaults.map_colour != "tier" and defaults.map_colour not in framework.ids:
        defaults = defaults.replace(map_colour=framework.root)
    if defaults.oat_node not in framework.ids or defaults.oat_node == framework.root:
        non_root = [n for n in framework.ids if n != framework.root]
        defaults = defaults.replace(oat_node=(framework.pillars[0] if framework.pillars else non_root[0])
                                    if non_root else framework.root)
    return Context(dataset_id=dataset_id, root=framework.root,
                   node_ids=tuple(n for n in framework.ids if n != framework.root),
                   pillars=tuple(framework.pillars), leaves=tuple(framework.leaves),
                   regions=tuple(ds.regions), years=tuple(ds.years), fw_fp=framework_fingerprint(framework),
                   data_fp=data_fingerprint(ds), defaults=defaults, aliases=aliases,
                   groups=tuple((p, tuple(framework.children(p))) for p in framework.aggregates),
                   raw_weights={n.id: n.weight for n in framework.nodes})


# --------------------------------------------------------------------------------------------
# encoding
# --------------------------------------------------------------------------------------------
# short key -> field name (the URL's vocabulary; never reuse a key for another meaning)
_KEYS = {
    "d": "dataset", "l": "lang", "p": "page", "y": "year", "w": "weights", "t": "treat",
    "n": "normalisation", "g": "goalposts", "m": "missing", "a": "aggregation", "x": "whatif",
    "e": "edits", "r": "region", "tm": "tier_method", "tk": "tier_k", "tf": "tier_features",
    "ts": "tier_standardise", "tr": "tier_seed", "tz": "tier_sizes", "mc": "map_colour",
    "sn": "mc_n", "sp": "mc_spread", "ss": "mc_seed", "so": "oat_node", "nm": "name",
    "cv": "coverage", "sv": "saved", "sb": "shift_base", "po": "public_only", "tp": "treat_fit",
    "ac": "audit_corr",
}
_FIELDS = {v: k for k, v in _KEYS.items()}
_ALWAYS = ("year", "treat", "normalisation", "goalposts", "missing", "aggregation")
_META = ("v", "fw", "dh")
_EDIT_KIND_CODE = {"pct": "p", "abs": "a"}
_EDIT_KIND_FROM = {v: k for k, v in _EDIT_KIND_CODE.items()}


def _num(x):
    """JSON-friendly compact number."""
    f = float(x)
    return int(f) if f.is_integer() and abs(f) < 1e15 else round(f, 6)


def to_payload(scn: Scenario, context: Context | None = None) -> dict:
    """The scenario as a compact dict with short keys (what the URL and JSON files carry)."""
    base = context.defaults if context is not None else Scenario()
    out: dict = {"v": FORMAT_VERSION}
    for f in fields(Scenario):
        val = getattr(scn, f.name)
        # the data set id of uploaded data is always written: the receiver must learn that the
        # link was made on data it does not have (its defaults are the built-in data's)
        if f.name not in _ALWAYS and val == getattr(base, f.name) and not (
                f.name == "dataset" and val != DEFAULT_DATASET):
            continue
        key = _FIELDS[f.name]
        if f.name == "weights":
            out[key] = {k: _num(v) for k, v in val}
        elif f.name == "edits":
            out[key] = [[e.region, e.indicator, _EDIT_KIND_CODE[e.kind], _num(e.amount)] for e in val]
        elif f.name == "tier_sizes":
            out[key] = list(val)
        elif f.name in ("tier_standardise", "public_only"):
            out[key] = int(bool(val))
        elif f.name == "saved":
            out[key] = [[n, {k: v for k, v in to_payload(sc, context).items() if k not in _META}] for n, sc in val]
        elif isinstance(val, float):
            out[key] = _num(val)
        else:
            out[key] = val
    if context is not None:
        out["fw"] = context.fw_fp
        out["dh"] = context.data_fp
    return out


def encode(scn: Scenario, context: Context | None = None) -> str:
    """``"1.<base64url(zlib(json))>"``: the value of the ``s`` query parameter.

    A link must stay openable: when the saved scenarios would make the token longer than
    :data:`MAX_TOKEN_CHARS`, the oldest are left out of the link (:func:`fits_in_link` says how many fit).
    """
    while True:
        tok = _encode(scn, context)
        if len(tok) <= MAX_TOKEN_CHARS or not scn.saved:
            return tok
        scn = replace(scn, saved=scn.saved[1:])


def fits_in_link(scn: Scenario, context: Context | None = None) -> int:
    """How many of the scenario's saved scenarios its link carries."""
    tok = encode(scn, context)
    return len(decode(tok, context)[0].saved) if context is not None else len(scn.saved)


def _encode(scn: Scenario, context: Context | None = None) -> str:
    raw = json.dumps(to_payload(scn, context), ensure_ascii=False, separators=(",", ":"),
                     sort_keys=True).encode("utf-8")
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")
    return f"{FORMAT_VERSION}.{packed}"


def _unpack(token: str) -> tuple[dict | None, Notice | None]:
    token = str(token).strip()
    if len(token) > MAX_TOKEN_CHARS:
        return None, Notice(f"The link's scenario is too long ({len(token)} characters); defaults are used.",
                            f"链接中的情景过长（{len(token)} 个字符），已改用默认设置。")
    version, sep, packed = token.partition(".")
    # ASCII digits only: str.isdigit() also accepts '¹' or '١', which int() rejects or misreads
    if not sep or not (version.isascii() and version.isdigit()):
        return None, Notice("The link's scenario could not be read (not in the expected format); defaults are used.",
                            "无法读取链接中的情景（格式不符），已改用默认设置。")
    if len(version) > 9 or int(version) != FORMAT_VERSION:  # no int() of a 5000-digit version
        shown = version if len(version) <= 9 else version[:9] + "..."
        return None, Notice(f"The link uses scenario format version {shown}; this app reads version "
                            f"{FORMAT_VERSION}. Defaults are used.",
                            f"链接使用第 {shown} 版情景格式，本应用只能读取第 {FORMAT_VERSION} 版，已改用默认设置。")
    try:
        data = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        dec = zlib.decompressobj()
        raw = dec.decompress(data, MAX_JSON_BYTES)
        if dec.unconsumed_tail:
            raise ValueError("too large")
        if not dec.eof:
            raise ValueError("truncated")
        obj = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError, RecursionError):  # '[[[[...' nests too deep
        return None, Notice("The link's scenario is damaged or truncated and could not be read; defaults are used. "
                            "Copy the whole link again.",
                            "链接中的情景已损坏或不完整，无法读取，已改用默认设置。请重新完整复制链接。")
    if not isinstance(obj, dict):
        return None, Notice("The link's scenario is not a set of settings; defaults are used.",
                            "链接中的情景不是一组设置，已改用默认设置。")
    return obj, None


def decode(token, context: Context) -> tuple[Scenario, list[Notice]]:
    """Scenario from the ``s`` query value; never raises. Returns (scenario, notices)."""
    if token is None or str(token).strip() == "":
        return context.defaults, []
    obj, problem = _unpack(token)
    if problem is not None:
        return context.defaults, [problem]
    return from_payload(obj, context)


def from_payload(obj: dict, context: Context, *, source: str = "link") -> tuple[Scenario, list[Notice]]:
    """Validate a payload dict (short keys, or the long field names of a JSON file) field by field."""
    notices: list[Notice] = []
    src_en, src_zh = ("link", "链接") if source == "link" else ("file", "文件")
    d = context.defaults
    vals: dict = {}
    if not isinstance(obj, dict):
        return d, [Notice(f"The {src_en} holds no scenario; defaults are used.", f"{src_zh}中没有情景，已改用默认设置。")]
    v = obj.get("v", FORMAT_VERSION)
    if v != FORMAT_VERSION:
        v = _short(v, 20)
        return d, [Notice(f"The {src_en} uses scenario format version {v}; this app reads version {FORMAT_VERSION}. "
                          f"Defaults are used.",
                          f"{src_zh}使用第 {v} 版情景格式，本应用只能读取第 {FORMAT_VERSION} 版，已改用默认设置。")]
    unknown = []
    for key, raw in obj.items():
        if key in _META:
            continue
        name = _KEYS.get(key, key if key in _FIELDS else None)
        if name is None:
            unknown.append(_short(key, 30))
            continue
        ok, value, note = _validate(name, raw, context)
        if note:
            notices.append(note)
        if ok:
            vals[name] = value
    if unknown:
        u = ", ".join(sorted(unknown)[:8])
        notices.append(Notice(f"Ignored unknown setting(s) in the {src_en}: {u}.",
                              f"已忽略{src_zh}中的未知设置：{u}。"))
    ds_id = vals.get("dataset", d.dataset)
    if ds_id != context.dataset_id:
        # its weights, methods and edits were chosen for other data: nothing of it is applied
        # (only the language and the page, which are not about the data)
        notices.append(Notice(
            f"The {src_en} was made on data set '{_short(ds_id, 30)}', which is not here (uploaded data cannot "
            f"travel in a link): nothing of it was applied, this is the default data '{context.dataset_id}' with "
            f"its default settings. Ask the sender for the data file and upload it on the Data page.",
            f"该{src_zh}基于数据集“{_short(ds_id, 30)}”生成，此处没有该数据（上传的数据无法随链接传递）：其中的设置和修改均未采用，"
            f"当前显示默认数据“{context.dataset_id}”及其默认设置。请向发送者索取数据文件，在“数据与方法”页上传。"))
        vals = {k: v for k, v in vals.items() if k in ("lang", "page")}
        vals["dataset"] = context.dataset_id
    if obj.get("fw") not in (None, context.fw_fp) and "weights" in vals:
        notices.append(Notice(
            f"The {src_en} was made with different framework weights; weights it does not set now come from the "
            f"current framework, so numbers may differ slightly.",
            f"该{src_zh}生成时的框架权重与现在不同；其未设置的权重取当前框架的值，数值可能略有差异。"))
    elif obj.get("fw") not in (None, context.fw_fp):
        notices.append(Notice(f"The {src_en} was made with different framework weights; numbers may differ.",
                              f"该{src_zh}生成时的框架权重与现在不同，数值可能有差异。"))
    if obj.get("dh") not in (None, context.data_fp) and ds_id == context.dataset_id:
        notices.append(Notice(f"The {src_en} was made with another version of the data; numbers may differ.",
                              f"该{src_zh}生成时使用的是另一版本的数据，数值可能有差异。"))
    scn = d.replace(**vals)
    scn, more = check_combination(scn, context)
    return scn, notices + more


def _short(raw, n: int = 40) -> str:
    """``raw`` as text of at most ``n`` characters (a hostile link can carry 60 KB in one value)."""
    shown = raw if isinstance(raw, str) else repr(raw)
    return shown if len(shown) <= n else shown[: n - 3] + "..."


def _bad(name, raw, why_en, why_zh, default) -> Notice:
    shown = str(raw)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return Notice(f"Ignored {name}={shown!r} ({why_en}); using {default!r}.",
                  f"已忽略 {name}={shown!r}（{why_zh}），改用 {default!r}。")


def _as_int(raw):
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, (int, np.integer)):
        return int(raw)
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    raise ValueError


def _as_float(raw):
    if isinstance(raw, bool):
        raise ValueError
    try:
        f = float(raw)
    except OverflowError:  # a JSON integer with hundreds of digits
        raise ValueError from None
    if not math.isfinite(f):
        raise ValueError
    return f


def _clamped(name, value, lo, hi, raw, default):
    if value < lo or value > hi:
        c = min(max(value, lo), hi)
        shown = _short(repr(raw))
        return True, c, Notice(f"{name}={shown} is out of range [{lo}, {hi}]; clamped to {c}.",
                               f"{name}={shown} 超出范围 [{lo}, {hi}]，已调整为 {c}。")
    return True, value, None


def _validate(name, raw, ctx: Context):
    """(ok, value, notice) for one field."""
    d = getattr(ctx.defaults, name)
    choices = {"lang": LANGS, "page": PAGES, "treat": TREATS, "normalisation": NORMALISATIONS, "treat_fit": TREAT_FITS,
               "goalposts": GOALPOSTS, "missing": MISSINGS, "aggregation": AGGREGATIONS,
               "whatif": WHATIF_MODES, "tier_method": TIER_METHODS, "tier_features": TIER_FEATURES,
               "audit_corr": CORRELATIONS}
    if name in choices:
        if isinstance(raw, str) and raw in choices[name]:
            return True, raw, None
        return False, None, _bad(name, raw, "not one of " + ", ".join(choices[name]),
                                 "不在可选值 " + "、".join(choices[name]) + " 中", d)
    if name == "dataset":
        if isinstance(raw, str) and 0 < len(raw) <= 80:
            return True, raw, None
        return False, None, _bad(name, raw, "not a data set id", "不是数据集编号", d)
    if name == "name":
        if isinstance(raw, str):
            return True, raw.strip()[:MAX_NAME].strip(), None  # cut, then strip: stable on re-reading
        return False, None, _bad(name, raw, "not text", "不是文本", d)
    if name == "year":
        if raw is None:
            return True, None, None
        try:
            y = _as_int(raw)
        except (TypeError, ValueError):
            return False, None, _bad(name, raw, "not a year", "不是年份", d)
        if y not in ctx.years:
            near = min(ctx.years, key=lambda k: abs(k - y))
            return True, near, Notice(f"year={y} is not in the data ({ctx.years[0]}-{ctx.years[-1]}); using {near}.",
                                      f"数据中没有 {y} 年（{ctx.years[0]}-{ctx.years[-1]}），改用 {near} 年。")
        return True, y, None
    if name in ("tier_k", "tier_seed", "mc_n", "mc_seed"):
        try:
            x = _as_int(raw)
        except (TypeError, ValueError):
            return False, None, _bad(name, raw, "not an integer", "不是整数", d)
        lo, hi = {"tier_k": K_RANGE, "tier_seed": (0, SEED_MAX), "mc_n": MC_N_RANGE, "mc_seed": (0, SEED_MAX)}[name]
        return _clamped(name, x, lo, hi, raw, d)
    if name == "coverage":
        try:
            x = _as_float(raw)
        except (TypeError, ValueError):
            return False, None, _bad(name, raw, "not a number", "不是数字", d)
        return _clamped(name, round(x, 4), 0.0, 1.0, raw, d)
    if name == "mc_spread":
        try:
            x = _as_float(raw)
        except (TypeError, ValueError):
            return False, None, _bad(name, raw, "not a number", "不是数字", d)
        return _clamped(name, round(x, 4), *MC_SPREAD_RANGE, raw, d)
    if name == "public_only":
        if raw in (0, 1, True, False, "0", "1", "true", "false"):
            return True, raw in (1, True, "1", "true"), None
        return False, None, _bad(name, raw, "not 0 or 1", "不是 0 或 1", d)
    if name == "tier_standardise":
        if raw in (0, 1, True, False, "0", "1", "true", "false"):
            return True, raw in (1, True, "1", "true"), None
        return False, None, _bad(name, raw, "not 0 or 1", "不是 0 或 1", d)
    if name == "tier_sizes":
        try:
            sizes = tuple(_as_int(x) for x in (raw.split(",") if isinstance(raw, str) else raw))
        except (TypeError, ValueError):
            return False, None, _bad(name, raw, "not a list of integers", "不是整数列表", d)
        if not 2 <= len(sizes) <= K_RANGE[1] or min(sizes) < 1 or sum(sizes) != len(ctx.regions):
            return False, None, _bad(name, raw, f"sizes must be positive and sum to {len(ctx.regions)}",
                                     f"各梯队数量须为正且合计 {len(ctx.regions)}", d)
        return True, sizes, None
    if name in ("region",):
        if raw is None:
            return True, None, None
        r = ctx.resolve_region(raw)
        if r is None:
            return False, None, _bad(name, raw, "unknown region", "未知地区", d)
        return True, r, None
    if name == "map_colour":
        if raw == "tier" or raw == ctx.root or raw in ctx.pillars:
            return True, raw, None
        return False, None, _bad(name, raw, "not the composite, a pillar or 'tier'", "不是综合指数、分项或梯队", d)
    if name == "oat_node":
        if raw in ctx.node_ids:
            return True, raw, None
        return False, None, _bad(name, raw, "unknown node", "未知节点", d)
    if name == "saved":
        return _validate_saved(raw, ctx)
    if name == "shift_base":  # "saved:<name>" is checked against the saved scenarios in check_combination
        if raw == "defaults" or (raw == "report" and ctx.dataset_id == DEFAULT_DATASET) or \
                (isinstance(raw, str) and raw.startswith("saved:") and len(raw) <= 6 + MAX_NAME):
            return True, raw, None
        return False, None, _bad(name, raw, "not defaults, report or a saved scenario", "不是默认设置、报告梯队或已保存的情景", d)
    if name == "weights":
        return _validate_weights(raw, ctx)
    if name == "edits":
        return _validate_edits(raw, ctx)
    return False, None, None  # pragma: no cover - every field is handled above


def _validate_saved(raw, ctx: Context):
    """Saved scenarios: each validated as a scenario of its own (its notices named by it)."""
    if not isinstance(raw, list):
        return False, None, _bad("saved", raw, "not a list", "不是列表", "none")
    out, notes = [], []
    for item in raw[:MAX_SAVED]:
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], dict)):
            notes.append(_short(item, 30))
            continue
        name, payload = item[0].strip()[:MAX_NAME].strip() or "#", dict(item[1])
        payload.pop("sv", None)
        payload.pop("saved", None)
        payload["v"] = FORMAT_VERSION
        sc, more = from_payload(payload, ctx)
        if more:
            notes.append(f"{_short(name, 20)}: " + "; ".join(n.en for n in more)[:120])
        out.append((name, sc.replace(name=name)))
    if len(raw) > MAX_SAVED:
        notes.append(f"{len(raw) - MAX_SAVED} more")
    note = None
    if notes:
        b = " | ".join(notes[:4])
        note = Notice(f"Saved scenarios: {b}.", f"已保存的情景：{b}。")
    return True, _canon_saved(out), note


def _validate_weights(raw, ctx: Context):
    if not isinstance(raw, dict):
        return False, None, _bad("weights", raw, "not a mapping id -> weight", "不是 编号 -> 权重 的映射", "framework")
    out, bad = {}, []
    for k, v in raw.items():
        if k not in ctx.node_ids:
            bad.append(_short(k, 30))
            continue
        try:
            f = _as_float(v)
        except (TypeError, ValueError):
            bad.append(f"{k}={_short(repr(v), 30)}")
            continue
        out[k] = min(max(f, 0.0), WEIGHT_MAX)
        if out[k] != f:
            bad.append(f"{k}={_short(repr(v), 30)}→{out[k]}")
    note = None
    if bad:
        b = ", ".join(bad[:8])
        note = Notice(f"Weights: ignored or clamped {b} (weights are 0-{WEIGHT_MAX:g} for known nodes).",
                      f"权重：已忽略或调整 {b}（权重须在 0-{WEIGHT_MAX:g} 之间且节点须存在）。")
    return True, _canon_weights(out), note


def _validate_edits(raw, ctx: Context):
    if not isinstance(raw, list):
        return False, None, _bad("edits", raw, "not a list", "不是列表", "none")
    out, bad = [], []
    for item in raw[:MAX_EDITS]:
        try:
            if isinstance(item, dict):
                region, ind, kind = item["region"], item["indicator"], item["kind"]
                val = item["amount"] if "amount" in item else item["value"]
            else:
                region, ind, kind, val = item
            kind = _EDIT_KIND_FROM.get(kind, kind)
            r = ctx.resolve_region(region)
            f = _as_float(val)
            if r is None or ind not in ctx.leaves or kind not in EDIT_KINDS:
                raise ValueError
        except (TypeError, ValueError, KeyError):
            bad.append(str(item)[:30])
            continue
        lo, hi = PCT_RANGE if kind == "pct" else (-ABS_MAX, ABS_MAX)
        if not lo <= f <= hi:
            c = min(max(f, lo), hi)
            bad.append(f"{r}/{ind}: {f:g}→{c:g}")
            f = c
        out.append(Edit(r, ind, kind, f))
    if len(raw) > MAX_EDITS:
        bad.append(f"{len(raw) - MAX_EDITS} more")
    note = None
    if bad:
        b = "; ".join(bad[:6])
        note = Notice(f"Edits: ignored or clamped {b} (unknown region or indicator, or value out of range; "
                      f"changes are {PCT_RANGE[0]:g}% to +{PCT_RANGE[1]:g}%).",
                      f"数据修改：已忽略或调整 {b}（地区或指标未知，或数值超出范围；变化幅度须在 "
                      f"{PCT_RANGE[0]:g}% 至 +{PCT_RANGE[1]:g}% 之间）。")
    return True, _canon_edits(out), note


def check_combination(scn: Scenario, ctx: Context | None = None) -> tuple[Scenario, list[Notice]]:
    """Repair combinations that cannot be computed, saying what was changed.

    * pooled goalposts apply to min-max only; * geometric aggregation needs non-negative scores
      (not z-scores); * every group of weights needs one positive weight; * the ``sizes`` tier
      method needs sizes summing to the number of regions.
    """
    notes = []
    if scn.goalposts == "pooled" and scn.normalisation != "minmax":
        scn = scn.replace(goalposts="year")
        notes.append(Notice("Pooled goalposts apply to min-max normalisation only; switched to single-year.",
                            "跨年统一目标值只适用于 min-max 标准化，已改为单年。"))
    if scn.aggregation == "geometric" and scn.normalisation == "zscore":
        scn = scn.replace(aggregation="arithmetic")
        notes.append(Notice("Geometric aggregation is undefined for z-scores (negative values); switched to arithmetic.",
                            "z 分数含负值，不能用几何平均聚合，已改为算术平均。"))
    if ctx is not None and scn.weights:
        w = scn.weight_map
        for parent, sibs in ctx.groups:
            if any(s in w for s in sibs) and all(w.get(s, ctx.raw_weights.get(s, 1.0)) == 0 for s in sibs):
                for s in sibs:
                    w.pop(s, None)
                notes.append(Notice(f"All weights under '{parent}' were 0; they were reset to the framework's.",
                                    f"“{parent}”下的权重全为 0，已恢复为框架默认权重。"))
        scn = scn.replace(weights=w)
    if scn.shift_base.startswith("saved:") and scn.shift_base[6:] not in scn.saved_map:
        scn = scn.replace(shift_base="defaults")
        notes.append(Notice("The workshop view's baseline named a saved scenario that is not there; the data set's "
                            "defaults are used.", "研讨会视图的基线所指的已保存情景不存在，已改用数据集默认设置。"))
    if scn.tier_method == "sizes" and ctx is not None and sum(scn.tier_sizes) != len(ctx.regions):
        scn = scn.replace(tier_sizes=report_sizes(len(ctx.regions)))
        notes.append(Notice("Tier sizes did not add up to the number of regions; reset.",
                            "各梯队数量之和与地区数不符，已重置。"))
    return scn, notes


# --------------------------------------------------------------------------------------------
# JSON files
# --------------------------------------------------------------------------------------------
def to_json(scn: Scenario, context: Context | None = None) -> str:
    """A readable JSON document (long field names) that :func:`from_json` reads back."""
    doc = {"format": "iiscore-scenario", "version": FORMAT_VERSION, "scenario": scn.to_dict()}
    if context is not None:
        doc["framework_fingerprint"] = context.fw_fp
        doc["data_fingerprint"] = context.data_fp
    return json.dumps(doc, ensure_ascii=False, indent=2)


def from_json(text, context: Context) -> tuple[Scenario, list[Notice]]:
    """Scenario from a JSON document written by :func:`to_json` (or a URL payload dict)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        if len(text) > MAX_JSON_BYTES:
            raise ValueError
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return context.defaults, [Notice("The file is not a readable scenario JSON; nothing was imported.",
                                         "该文件不是可读取的情景 JSON，未导入任何内容。")]
    if isinstance(doc, dict) and "scenario" in doc:
        payload = dict(doc["scenario"]) if isinstance(doc["scenario"], dict) else {}
        payload["v"] = doc.get("version", FORMAT_VERSION)
        if "framework_fingerprint" in doc:
            payload["fw"] = doc["framework_fingerprint"]
        if "data_fingerprint" in doc:
            payload["dh"] = doc["data_fingerprint"]
        return from_payload(payload, context, source="file")
    return from_payload(doc if isinstance(doc, dict) else {}, context, source="file")


def from_query(params: dict, context: Context, ds=None, framework=None) -> tuple[Scenario, list[Notice]]:
    """Scenario from URL query parameters (``s``, else ``preset``; ``lang`` applies to either)."""
    notices: list[Notice] = []
    s = params.get("s")
    pname = params.get("preset")
    if s:
        scn, notices = decode(s, context)
    elif pname:
        from .presets import LEGACY, PRESETS, legacy, preset

        if pname in PRESETS and ds is not None and framework is not None:
            scn = preset(pname, ds, framework, context.defaults, context.defaults)
        elif pname in LEGACY and framework is not None:
            scn = legacy(pname, framework, context.defaults)
            en, zh = LEGACY[pname]
            notices.append(Notice(f"'{pname}' is a ready-made scenario of an earlier version, shown as it was "
                                  f"defined then: {en}.",
                                  f"“{pname}”是早先版本的预设情景，按当时的定义显示：{zh}。"))
        else:
            scn = context.defaults
            notices.append(Notice(f"Unknown ready-made scenario '{str(pname)[:30]}'; defaults are used.",
                                  f"未知的预设情景“{str(pname)[:30]}”，已改用默认设置。"))
    else:
        scn = context.defaults
    lang = params.get("lang")
    if lang is not None:
        if lang in LANGS:
            scn = scn.replace(lang=lang)
        else:
            notices.append(Notice(f"Ignored lang={str(lang)[:10]!r}; use zh or en.",
                                  f"已忽略 lang={str(lang)[:10]!r}；请用 zh 或 en。"))
    known = {"s", "preset", "lang"}
    extra = [k for k in params if k not in known]
    if extra:
        # each name cut short: a link can carry a parameter name of any length (issue 17)
        names = [_short(k, 40) for k in sorted(extra)[:6]] + (["…"] if len(extra) > 6 else [])
        notices.append(Notice(f"Ignored unknown link parameter(s): {', '.join(names)}.",
                              f"已忽略链接中的未知参数：{'、'.join(names)}。"))
    return scn, notices


# --------------------------------------------------------------------------------------------
# evaluation: scenario -> numbers (pure; the app caches these)
# --------------------------------------------------------------------------------------------
def estimated_leaves(framework) -> tuple:
    """The indicators the framework marks as estimates (its ``provenance`` column says "estimate"):
    the six indicators of the CAICT framework with no public provincial series."""
    return tuple(leaf for leaf in framework.leaves if framework.node(leaf).extra.get("provenance") == "estimate")


def framework_for(scn: Scenario, base_framework):
    """The framework with the scenario's weights (FrameworkError if a group is all zero). With
    ``public_only`` the estimated indicators get weight 0: they are left out and their weight is shared
    by the other indicators of their pillar (a pillar made of estimates only keeps its estimates)."""
    w = scn.weight_map
    if scn.public_only:
        for leaf in estimated_leaves(base_framework):
            parent = base_framework.parent(leaf)
            sibs = base_framework.children(parent)
            if any(s not in estimated_leaves(base_framework) for s in sibs):
                w[leaf] = 0.0
    return base_framework.with_weights(w) if w else base_framework


def spec_for(scn: Scenario, base_framework, year=None):
    from iiscore.spec import Spec

    return Spec(framework=framework_for(scn, base_framework), year=scn.year if year is None else year,
                treat=scn.treat, normalisation=scn.normalisation,
                goalposts="pooled" if scn.goalposts == "pooled" else None,
                missing=scn.missing, aggregation=scn.aggregation, coverage=scn.coverage, treat_fit=scn.treat_fit)


def sim_edits(scn: Scenario) -> tuple:
    """The scenario's edits as :class:`iiscore.simulate.Edit` records."""
    return tuple(scn.edits)


def edited_dataset(scn: Scenario, ds, year: int, framework=None):
    """``ds`` with the scenario's edits applied to ``year`` (provenance 'scenario')."""
    from iiscore.simulate import apply_edits

    if not scn.edits:
        return ds
    return apply_edits(ds, sim_edits(scn), year, framework)


def result_for(scn: Scenario, ds, base_framework, *, edits: bool = True):
    """``build`` for the scenario; with edits, :func:`iiscore.simulate.whatif` in the scenario's
    what-if mode (``fixed`` keeps the unedited data's goalposts and treatment)."""
    from iiscore.pipeline import build
    from iiscore.simulate import whatif

    spec = spec_for(scn, base_framework)
    year = spec.year if spec.year is not None else ds.years[-1]
    spec = spec.replace(year=year)
    if not edits or not scn.edits:
        return build(ds, spec)
    return whatif(ds, spec, sim_edits(scn), mode=scn.whatif).after


def whatif_for(scn: Scenario, ds, base_framework, tiers=None):
    """The full :class:`iiscore.simulate.WhatIf` (before/after table, passes, notes)."""
    from iiscore.simulate import whatif

    spec = spec_for(scn, base_framework)
    spec = spec.replace(year=spec.year if spec.year is not None else ds.years[-1])
    return whatif(ds, spec, sim_edits(scn), mode=scn.whatif, tiers=tiers)


def tiers_for(result, scn: Scenario):
    """The scenario's tiering of ``result``. Regions without a composite (too little data) are not
    tiered (they are absent from the assignment); k-means also leaves out regions missing a pillar."""
    from iiscore import tiering

    fw = result.spec.framework
    # only what the method reads: a region missing one pillar's score (too few of its indicators)
    # made every page fail to compute, although sizes, breaks and thresholds read the composite alone
    pillars = list(fw.pillars) if scn.tier_method == "kmeans" and scn.tier_features == "composite+pillars" else []
    table = result.scores[[fw.root, *pillars]]
    table = table[np.isfinite(table.to_numpy(float)).all(axis=1)]
    if table.empty:
        _nothing_to_tier(result, scn)
    kw = dict(method=scn.tier_method, seed=scn.tier_seed, features=scn.tier_features,
              standardise=scn.tier_standardise)
    if scn.tier_method in ("kmeans", "jenks"):
        kw["k"] = max(1, min(scn.tier_k, len(table)))
    if scn.tier_method == "sizes":
        kw["sizes"] = scn.tier_sizes if sum(scn.tier_sizes) == len(table) else report_sizes(len(table))
    if scn.tier_method != "kmeans" or scn.tier_features == "composite":
        table = table[[fw.root]] if scn.tier_method != "kmeans" else table
    return tiering.tiers(table, **kw)


def _nothing_to_tier(result, scn: Scenario):
    """Every region lacks a composite: say why (the coverage rule, one region's share) and the fix."""
    from iiscore.errors import DataError

    root = result.spec.framework.root
    w = result.withheld
    w = w[w["node"] == root] if w is not None and len(w) else None
    pct = f"{scn.coverage:.0%}"
    if w is not None and len(w):
        r, share = w.iloc[0]["region"], float(w.iloc[0]["share"])
        raise DataError(
            f"No region has a composite score in {result.year}: every region has data for less than {pct} of the "
            f"index's parts (for example {r}: {share:.0%}). Fill in the missing indicators, or lower "
            f"'Minimum data coverage' in the sidebar.",
            f"{result.year} 年没有一个地区有综合得分：每个地区有数据的组成部分都不足 {pct}（例如{r}：{share:.0%}）。"
            f"请补全缺失的指标，或在左侧调低“最低数据覆盖率”。", parameter="coverage")
    raise DataError(f"No region has a composite score in {result.year}: the data have no values to score.",
                    f"{result.year} 年没有一个地区有综合得分：数据中没有可计算的值。", parameter="data")


def edited_regions(scn: Scenario, ds, framework=None) -> frozenset:
    """The region ids the scenario's edits touch (they hold no tier bar: :func:`tiers_crossed`)."""
    from iiscore.simulate import resolve_edits

    if not scn.edits:
        return frozenset()
    return frozenset(e.region for e in resolve_edits(sim_edits(scn), ds, framework))


def tiers_crossed(tiers_unedited, unedited, current, edited=None):
    """The tiers of a scenario with edits: ``tiers_unedited`` (the tiering of the ``unedited``
    result) moved by the what-if crossing rule (:func:`iiscore.simulate.tiers_after`: each
    tier's bar is held by its lowest member the scenario does not edit, at that region's
    ``current`` composite), as the simulator shows them.

    ``edited`` are the edited regions (:func:`edited_regions`); by default the regions whose
    raw values differ between ``unedited`` and ``current``.

    Re-clustering the edited scores instead would move regions nobody edited. Returns a
    ``TierResult`` of the same method, ``k`` and parameters, with the moved tiers and the
    ``current`` scores (``params["moved_by"] = "crossing"``).
    """
    from iiscore import tiering
    from iiscore.simulate import tiers_after

    fw = current.spec.framework
    base = tiers_unedited.tier
    before = unedited.composite.reindex(base.index)
    if edited is None:
        r0 = unedited.raw.reindex(index=base.index)
        r1 = current.raw.reindex(index=r0.index, columns=r0.columns)
        diff = ~((r0 == r1) | (r0.isna() & r1.isna()))
        edited = [r for r in r0.index if diff.loc[r].any()]
    moved = tiers_after(before, current.composite, base, edited=edited)
    table = current.scores[[fw.root, *fw.pillars]].reindex(base.index)
    params = dict(tiers_unedited.params, moved_by="crossing")
    return tiering._build_result(table, fw.root, moved.to_numpy(int), tiers_unedited.k,
                                 tiers_unedited.method, params)


def baseline_of(scn: Scenario, context: Context) -> Scenario:
    """The comparison point: the data set's defaults with the same year, tier settings and view."""
    return context.defaults.replace(
        year=scn.year, lang=scn.lang, page=scn.page, region=scn.region, map_colour=scn.map_colour,
        tier_method=scn.tier_method, tier_k=scn.tier_k, tier_features=scn.tier_features,
        tier_standardise=scn.tier_standardise, tier_seed=scn.tier_seed, tier_sizes=scn.tier_sizes)


def provenance_counts(ds, year=None, edited=None) -> dict:
    """How many values are public statistics, report figures, estimates, scenario edits."""
    long = ds.long
    if year is not None:
        long = long[long["year"] == int(year)]
    if "provenance" in long.columns:
        counts = long["provenance"].fillna("unknown").value_counts().to_dict()
    else:
        counts = {"unknown": len(long)}
    counts = {k: int(v) for k, v in counts.items()}
    if edited is not None and len(edited):
        counts["scenario"] = counts.get("scenario", 0) + int(len(edited))
    counts["total"] = int(len(long))
    return counts


def provenance_matrix(ds, year: int, leaves: Iterable) -> pd.DataFrame:
    """Regions × leaves of provenance labels for ``year``."""
    long = ds.long
    long = long[long["year"] == int(year)]
    if "provenance" not in long.columns:
        return pd.DataFrame("unknown", index=list(ds.regions), columns=list(leaves))
    m = long.pivot(index="region", columns="indicator", values="provenance")
    return m.reindex(index=list(ds.regions), columns=list(leaves)).fillna("missing")


def estimate_share(result, prov: pd.DataFrame, kinds=("estimate",)) -> pd.Series:
    """Per region, the share (%) of the composite's weight resting on values of ``kinds``."""
    w = result.effective_weights
    mask = prov.reindex(index=w.index, columns=w.columns).isin(list(kinds))
    return (w.where(mask, 0.0).sum(axis=1) * 100.0).rename("estimate_share")


def rank_trajectory(scn: Scenario, ds, base_framework) -> pd.DataFrame:
    """Composite rank of every region in every year, on goalposts pooled over the years.

    Only defined for min-max normalisation (other normalisations are per year by nature;
    they are used as they are).
    """
    from iiscore.pipeline import build

    spec = spec_for(scn, base_framework)
    if spec.normalisation == "minmax":
        spec = spec.replace(goalposts="pooled")
    out = {}
    scores = {}
    for y in ds.years:
        r = build(ds, spec.replace(year=y))
        out[y] = r.ranks[spec.framework.root]
        scores[y] = r.composite
    ranks = pd.DataFrame(out)
    ranks.index.name = "region"
    return ranks, pd.DataFrame(scores)
