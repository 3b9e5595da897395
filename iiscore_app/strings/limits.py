"""Strings of issue 17: what a page says where a view does not apply to the data or framework in use,
and the limits of what one request may ask."""
STRINGS = {
    "w.ahp.none": ("当前框架中没有含两个及以上下级的节点，无需构建 AHP 判断矩阵。",
                   "No node of this framework has two or more parts, so there is no AHP judgement to make."),
    "w.oat.none": ("当前框架中每个节点都是其上级的唯一下级，权重恒为 1，无法做单因素扫描。",
                   "Every node of this framework is the only part of its parent (its weight is always 1): "
                   "there is no weight to sweep."),
    "t.silhouette.show": ("计算各 k 的轮廓系数（地区较多，需数秒）",
                          "Compute the silhouettes for each k (many regions: a few seconds)"),
}
