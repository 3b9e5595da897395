"""``python -m iiscore brief``: a region's profile as a 2-4 page A4 brief (PDF, or Word with ``.docx``).

    python -m iiscore brief --region 贵州 [--lang zh|en] [--year 2023] [--scenario FILE.json]
        [--data ... --framework ... data options] [--tier-method ...] [--app-url URL] --out FILE.pdf

* The scenario in force: ``--scenario FILE.json`` reads a scenario as the app exports it (side bar ›
  Scenario › Download scenario JSON): its weights, methods, edits, what-if mode, tiering and Monte
  Carlo settings. Options given on the command line (``--year``, ``--treat``, ...) override the
  scenario's. Without a scenario: the data options and the tier options, as every other command.
* The numbers are the engine's (:mod:`iiscore.profile`); the brief's text reads back from the PDF.
* ``--app-url`` (e.g. ``http://planning.example:8501``) makes the printed share link complete; without
  it the link is the path and query to append to the app's address. Uploaded or other data cannot
  travel in a link: the brief says so.
* The tier options (``--tier-method`` ...) apply without a scenario; a scenario brings its own tiering.
* The format follows ``--format`` or the ``--out`` suffix (``.pdf``, ``.docx``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from . import common

MAX_SCENARIO_BYTES = 64 * 1024


def register(sub) -> None:
    g = sub.add_parser("brief", help="a region's profile as a PDF or Word brief / 地区画像简报",
                       description="Write a region's profile as a 2-4 page A4 brief (PDF or Word).")
    common.add_data_options(g)
    g.add_argument("--region", required=True, help="region (id, Chinese or English name)")
    g.add_argument("--lang", dest="brief_lang", choices=("zh", "en"), default=None,
                   help="language of the brief (default: the messages' language, --lang before the command)")
    g.add_argument("--scenario", help="scenario JSON as the app exports it (weights, methods, edits, tiers)")
    g.add_argument("--format", dest="fmt", choices=("pdf", "docx"), default=None,
                   help="pdf or docx (default: from the --out suffix)")
    g.add_argument("--app-url", dest="app_url", default=None,
                   help="the app's address, to print a complete share link (e.g. http://host:8501)")
    g.add_argument("--samples", type=int, default=None, help="Monte Carlo samples (default: the scenario's, 500)")
    g.add_argument("--seed", type=int, default=None, help="Monte Carlo seed (default: the scenario's, 0)")
    g.add_argument("--date", default=None, help="issue date printed on the brief, YYYY-MM-DD (default: today)")
    common.add_tier_options(g)
    g.add_argument("--out", required=True, help="output file (.pdf or .docx)")
    g.set_defaults(func=run)


def _format(args) -> str:
    from ..errors import SpecError

    if args.fmt:
        return args.fmt
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in ("pdf", "docx"):
        return suffix
    raise SpecError(f"--out {args.out}: say which format to write with a .pdf or .docx name, or --format pdf|docx.",
                    f"--out {args.out}：请用 .pdf 或 .docx 结尾的文件名，或用 --format pdf|docx 指定格式。",
                    parameter="--out")


def _date(text):
    import datetime

    from ..errors import SpecError

    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise SpecError(f"--date {text!r} is not a date; write YYYY-MM-DD (e.g. 2026-12-01).",
                        f"--date {text!r} 不是日期；请写成 YYYY-MM-DD（如 2026-12-01）。", parameter="--date") from None


def _read_scenario(path: str) -> str:
    from ..errors import DataError

    p = Path(path)
    if not p.is_file():
        raise DataError(f"--scenario {path}: no such file.", f"--scenario {path}：文件不存在。", file=path,
                        parameter="--scenario")
    if p.stat().st_size > MAX_SCENARIO_BYTES:
        raise DataError(f"--scenario {path} is larger than {MAX_SCENARIO_BYTES // 1024} KB; a scenario file is a few KB. "
                        f"Export it again from the app (Scenario › Download scenario JSON).",
                        f"--scenario {path} 超过 {MAX_SCENARIO_BYTES // 1024} KB；情景文件只有几 KB。请在应用中重新导出"
                        f"（情景 › 下载情景 JSON）。", file=path, parameter="--scenario")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        doc = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise DataError(f"--scenario {path} is not a scenario JSON file (not readable JSON). Export it from the app "
                        f"(Scenario › Download scenario JSON).",
                        f"--scenario {path} 不是情景 JSON 文件（无法读取为 JSON）。请在应用中导出（情景 › 下载情景 JSON）。",
                        file=path, parameter="--scenario") from None
    if not isinstance(doc, dict):
        raise DataError(f"--scenario {path} holds no scenario (a JSON object is expected).",
                        f"--scenario {path} 中没有情景（应为 JSON 对象）。", file=path, parameter="--scenario")
    return text


def _overrides(args) -> dict:
    """Scenario fields set on the command line."""
    out = {}
    for opt in ("year", "treat", "normalisation", "missing", "aggregation", "goalposts", "coverage"):
        v = getattr(args, opt, None)
        if v is not None:
            out[opt] = v
    return out


def _tier_fields(args) -> dict:
    """The tier options as scenario fields (for the printed link)."""
    out = {"tier_method": args.tier_method, "tier_seed": int(args.tier_seed or 0),
           "tier_features": args.tier_features, "tier_standardise": bool(args.tier_standardise)}
    if args.tier_k is not None:
        out["tier_k"] = int(args.tier_k)
    if args.tier_sizes:
        out["tier_sizes"] = tuple(int(float(x)) for x in common.parse_list(args.tier_sizes, "--tier-sizes"))
    return out


def run(args) -> int:
    from ..brief import brief
    from ..errors import check_int
    from ..pipeline import build
    from ..profile import MC_SAMPLES, MC_SPREAD, Profiler
    from ..tiering import report_tiers
    from iiscore_app import scenario as S

    lang = args.brief_lang or common.lang(args)
    fmt = _format(args)
    date = _date(args.date)
    common.check_output(args.out)
    notes = []
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        ds, spec = inp.data, inp.spec
        fw = spec.framework
        region = ds.resolve_region(args.region, "--region")
        if args.scenario:
            text = _read_scenario(args.scenario)
            doc = json.loads(text)
            payload = doc.get("scenario", doc) if isinstance(doc.get("scenario", doc), dict) else {}
            ds_id = S.DEFAULT_DATASET if inp.builtin else str(payload.get("dataset", "data"))[:80]
            ctx = S.make_context(ds, fw, ds_id, builtin=inp.builtin)
            scn, notices = S.from_json(text, ctx)
            notes += [(n.en, n.zh) for n in notices]
            scn, more = S.check_combination(scn.replace(**_overrides(args)), ctx)
            notes += [(n.en, n.zh) for n in more]
            spec = S.spec_for(scn, fw)
            spec = spec.replace(year=spec.year if spec.year is not None else ds.years[-1])
            if getattr(args, "treat_fit", None):
                spec = spec.replace(treat_fit=args.treat_fit)
            edits, mode = S.sim_edits(scn), scn.whatif
            tiers = S.tiers_for(build(ds, spec), scn)
            samples, spread, seed = scn.mc_n, scn.mc_spread, scn.mc_seed
        else:
            ctx = S.make_context(ds, fw, builtin=inp.builtin) if inp.builtin else None
            scn = ctx.defaults.replace(**_overrides(args)) if ctx is not None else None
            edits, mode = (), "renormalise"
            tiers = common.tier_function(args)
            samples, spread, seed = MC_SAMPLES, MC_SPREAD, 0
        samples = check_int("--samples", args.samples, 1) if args.samples is not None else samples
        seed = common.seed(args.seed) if args.seed is not None else seed
        profiler = Profiler(ds, spec, edits=edits, mode=mode, tiers=tiers,
                            report_tiers=report_tiers() if inp.builtin else None, mc_samples=samples,
                            mc_spread=spread, seed=seed)
        prof = profiler.profile(region)  # the tier options are validated by now (the tiering ran)
        if scn is not None and not args.scenario:
            scn = scn.replace(**_tier_fields(args))
        link = None
        if scn is not None and not (args.scenario and scn.dataset != S.DEFAULT_DATASET) and inp.builtin:
            token = S.encode(scn.replace(page="profile", region=region, lang=lang), ctx)
            from iiscore_app import navigation

            path = navigation.PATHS.get("profile", "")
            base = (args.app_url or "").rstrip("/")
            link = f"{base}/{path}?s={token}" if path else f"{base}/?s={token}"
        source = None
        if not inp.builtin:
            from ..brief.text import tr

            name = Path(args.data).name if args.data else "—"
            source = tr("source.other", lang, name=name, n=len(ds.regions), l=len(fw.leaves))
        data = brief(prof, lang, fmt, source=source, link=link, date=date)
    try:
        with open(args.out, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        from ..errors import DataError

        why = exc.strerror or type(exc).__name__
        raise DataError(f"Cannot write {args.out}: {why}.", f"无法写入 {args.out}：{why}。", parameter="--out") from None
    common.say(tuple(inp.notes) + tuple(notes), args)
    zh = lang == "zh"
    tier = f"第 {prof.tier} 梯队" if zh else f"tier {prof.tier}"
    print((f"已写入 {args.out}：{prof.name_zh} {prof.year} 年 综合得分 {prof.composite:.2f}，第 {prof.rank} 名，{tier}。"
           if zh else f"wrote {args.out}: {prof.name_en} {prof.year}, score {prof.composite:.2f}, rank {prof.rank}, "
           f"{tier}."), file=sys.stderr)
    return 0
