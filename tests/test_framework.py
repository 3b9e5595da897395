import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iiscore import FrameworkError, load_framework
from iiscore.datasets import load_default_framework
from tests.conftest import TINY_FRAMEWORK


def test_structure(tiny_fw):
    assert tiny_fw.root == "idx"
    assert tiny_fw.leaves == ("a1", "a2", "b1")
    assert tiny_fw.levels == (("idx",), ("A", "B"))
    assert tiny_fw.children("A") == ("a1", "a2")
    assert tiny_fw.parent("b1") == "B"
    assert tiny_fw.directions().tolist() == [1, -1, 1]


def test_global_weights_are_products_of_local_weights(tiny_fw):
    gw = tiny_fw.global_weights()
    np.testing.assert_allclose(gw.to_numpy(), [0.6 * 0.25, 0.6 * 0.75, 0.4])
    np.testing.assert_allclose(tiny_fw.local_weights("idx").to_numpy(), [0.6, 0.4])


def test_resolve_by_id_chinese_and_english_name(tiny_fw):
    assert tiny_fw.resolve("甲二") == "a2"
    assert tiny_fw.resolve("PILLAR b") == "B"
    with pytest.raises(FrameworkError, match="Unknown indicator"):
        tiny_fw.resolve("nope")


def test_with_weights_returns_new_framework(tiny_fw):
    fw2 = tiny_fw.with_weights({"A": 1, "B": 1})
    assert fw2.local_weights("idx").tolist() == [0.5, 0.5]
    assert tiny_fw.local_weights("idx").tolist() == [0.6, 0.4]
    with pytest.raises(AttributeError):
        tiny_fw.foo = 1


def test_any_depth_with_third_level():
    df = pd.concat([TINY_FRAMEWORK, pd.DataFrame(
        [("a1x", "a1", 1, 1, "x", "x"), ("a1y", "a1", 1, 1, "y", "y")], columns=TINY_FRAMEWORK.columns)])
    fw = load_framework(df)
    assert fw.leaves == ("a1x", "a1y", "a2", "b1")
    assert fw.levels == (("idx",), ("A", "B"), ("a1",))
    assert fw.aggregates == ("idx", "A", "B", "a1")
    np.testing.assert_allclose(fw.global_weights().sum(), 1.0)


def _with(rows):
    return pd.DataFrame(rows, columns=["id", "parent", "weight", "direction", "name_zh", "name_en"])


@pytest.mark.parametrize("rows, match", [
    ([("r", "", 1, 1, "", ""), ("a", "r", 1, 1, "", ""), ("a", "r", 1, 1, "", "")], "Duplicate id 'a'"),
    ([("r", "", 1, 1, "", ""), ("a", "x", 1, 1, "", "")], "unknown parent 'x'"),
    ([("r", "", 1, 1, "", ""), ("s", "", 1, 1, "", "")], "Several roots"),
    ([("r", "a", 1, 1, "", ""), ("a", "r", 1, 1, "", "")], "No root"),
    ([("r", "", 1, 1, "", ""), ("a", "b", 1, 1, "", ""), ("b", "a", 1, 1, "", "")], "Cycle"),
    ([("r", "", 1, 1, "", ""), ("a", "r", 0, 1, "", "")], "weights must be positive"),
    ([("r", "", 1, 1, "", ""), ("a", "r", -2, 1, "", "")], "weights must be positive"),
    ([("r", "", 1, 1, "", ""), ("a", "r", "", 1, "", "")], "has no weight"),
    ([("r", "", 1, 1, "", ""), ("a", "r", "abc", 1, "", "")], "not a number"),
    ([("r", "", 1, 1, "", ""), ("a", "r", 1, 2, "", "")], "direction"),
])
def test_validation_names_the_id(rows, match):
    with pytest.raises(FrameworkError, match=match) as exc:
        load_framework(_with(rows))
    assert exc.value.zh != exc.value.en  # a Chinese message too


def test_error_names_file_row_and_column(tmp_path):
    p = tmp_path / "fw.csv"
    p.write_text("id,parent,weight,direction,name_zh,name_en\nr,,1,1,根,root\na,r,abc,1,甲,a\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as exc:
        load_framework(p)
    assert exc.value.row == 3 and exc.value.column == "weight" and str(p) in exc.value.message()
    assert "第 3 行" in exc.value.message("zh")


def test_missing_columns(tmp_path):
    p = tmp_path / "fw.csv"
    p.write_text("id,parent,weight\nr,,1\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="Missing column"):
        load_framework(p)


def test_gbk_framework_and_optional_columns_kept(tmp_path):
    p = tmp_path / "fw.csv"
    text = "id,parent,weight,direction,name_zh,name_en,unit\nr,,100,1,指数,Index,\na,r,100,1,网络建设,Network,万户\n"
    p.write_bytes(text.encode("gbk"))
    fw = load_framework(p)
    assert fw.name("a", "zh") == "网络建设" and fw.node("a").extra["unit"] == "万户"


def test_default_framework_matches_report_table_1():
    """CAICT 2024 report, 表 1: 5 first-level and 19 second-level indicators."""
    fw = load_default_framework()
    assert len(fw.pillars) == 5 and len(fw.leaves) == 19
    assert [fw.name(p, "zh") for p in fw.pillars] == ["基础能力", "技术创新", "产业发展", "应用推广", "发展环境"]
    assert [len(fw.children(p)) for p in fw.pillars] == [5, 3, 4, 3, 4]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(0.01, 1000), min_size=1, max_size=5), min_size=1, max_size=5))
def test_property_weights_sum_to_one_within_each_parent(groups):
    rows = [("root", "", 1, 1, "", "")]
    for i, g in enumerate(groups):
        rows.append((f"p{i}", "root", sum(g), 1, "", ""))
        rows += [(f"p{i}_{j}", f"p{i}", w, 1, "", "") for j, w in enumerate(g)]
    fw = load_framework(_with(rows))
    for parent in fw.aggregates:
        assert abs(fw.local_weights(parent).sum() - 1) < 1e-12
        assert (fw.local_weights(parent) >= 0).all()
    assert abs(fw.global_weights().sum() - 1) < 1e-12
