"""What-if simulation, levers, goal-seeking and projection for a province.

A planner's questions: *"if we raise 网络建设 by 20 % and 标识建设 by 50 %, where do we land?"*
(:func:`whatif`), *"which indicators pay most?"* (:func:`levers`), *"what is the smallest
improvement that lifts us to rank r or the next tier?"* (:func:`goal_seek`) and *"where will we be
in 2027 at our current pace?"* (:func:`project`).

One module per step:

* :mod:`~iiscore.simulate.edits` -- the :class:`Edit` record, its text syntax, applying edits;
* :mod:`~iiscore.simulate.crossing` -- the baseline tiering and the tier-crossing rule (bars held by
  regions);
* :mod:`~iiscore.simulate.whatif` -- before/after of every region, in ``renormalise`` or ``fixed`` mode
  (the ordinary ``build()`` with the baseline's ruler);
* :mod:`~iiscore.simulate.levers` -- gain per 1 % and per 1 sd of each indicator;
* :mod:`~iiscore.simulate.goalseek` -- uniform and cheapest goal-seeking whose answers hold when
  applied (:mod:`~iiscore.simulate.optimise` holds the searches, :mod:`~iiscore.simulate.messages`
  the words);
* :mod:`~iiscore.simulate.projection` -- growth to a future year.

Searches evaluate the composite on the engine's fast path, :class:`iiscore.pipeline.Evaluator` (the
stages of ``build()`` on bare arrays). Everything is pure: inputs are never modified, results are
frozen dataclasses.
"""
from .crossing import baseline_tiers, default_tiers, tier_bar_holders, tier_thresholds, tiers_after
from .edits import KINDS, PCT_MIN, Edit, EditError, apply_edits, compose_pct, parse_edit, resolve_edits
from .goalseek import INTERACTIVE_BUDGET, STRATEGIES, GoalSeek, GoalSeeker, goal_seek
from .levers import Levers, levers
from .projection import SCORINGS, Projection, cagr, project
from .whatif import MODES, WhatIf, fixed_spec, mode_statement, whatif
from ..tiering import report_sizes

__all__ = [
    "KINDS", "MODES", "STRATEGIES", "SCORINGS", "PCT_MIN", "EditError",
    "Edit", "parse_edit", "resolve_edits", "apply_edits", "compose_pct",
    "fixed_spec", "report_sizes", "default_tiers", "baseline_tiers",
    "tier_thresholds", "tiers_after", "tier_bar_holders",
    "WhatIf", "whatif", "mode_statement",
    "Levers", "levers",
    "GoalSeek", "GoalSeeker", "goal_seek", "INTERACTIVE_BUDGET",
    "Projection", "cagr", "project",
]
