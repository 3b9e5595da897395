"""Weights the way the CAICT report made them: AHP, expert scoring, and weights inferred from
the published national series.

* :mod:`iiscore.weights.ahp` — pairwise judgement matrices: priorities (eigenvector or
  geometric mean), λmax, CI, RI, CR, the judgement to revise first and a plan of revisions on
  Saaty's scale until CR <= 0.1, the reciprocal matrix from an editor's upper triangle, several
  experts, whole hierarchies.
* :mod:`iiscore.weights.expert` — expert scores (each level totals 100): mean / trimmed mean,
  dispersion, Kendall's W, and the AHP + expert combination rule.
* :mod:`iiscore.weights.infer` — pillar weights that reproduce the published composite and
  contribution, with the exact range allowed by the published figures' rounding.
"""
from iiscore.weights.ahp import (
    MAX_ITEMS,
    RANDOM_INDEX,
    SAATY_SCALE,
    AHPGroupResult,
    AHPResult,
    HierarchyWeights,
    Revision,
    RevisionPlan,
    Suggestion,
    aggregate_judgements,
    ahp_group,
    ahp_hierarchy,
    ahp_priorities,
    as_judgement_matrix,
    consistency,
    format_judgement,
    hierarchy_from_local,
    on_scale,
    parse_judgement,
    random_index,
    read_matrix_csv,
    reciprocal_matrix,
    revision_plan,
    suggest_revision,
)
from iiscore.weights.expert import (
    CombinedWeights,
    ExpertResult,
    combine_ahp_expert,
    expert_hierarchy,
    expert_weights,
    kendall_w,
    trimmed_mean,
)
from iiscore.weights.infer import (
    InferredWeights,
    infer_weights,
    load_published,
    round_to_total,
)

__all__ = [
    "MAX_ITEMS", "RANDOM_INDEX", "SAATY_SCALE",
    "AHPGroupResult", "AHPResult", "HierarchyWeights", "Revision", "RevisionPlan", "Suggestion",
    "aggregate_judgements", "ahp_group", "ahp_hierarchy", "ahp_priorities", "as_judgement_matrix",
    "consistency", "format_judgement", "hierarchy_from_local", "on_scale", "parse_judgement", "random_index",
    "read_matrix_csv", "reciprocal_matrix", "revision_plan", "suggest_revision",
    "CombinedWeights", "ExpertResult", "combine_ahp_expert", "expert_hierarchy", "expert_weights",
    "kendall_w", "trimmed_mean",
    "InferredWeights", "infer_weights", "load_published", "round_to_total",
]
