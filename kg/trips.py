"""Trips: what a map or a panel counts when it counts journeys rather than statements.

A provisional definition kept in this one place (issue 14 will replace it):
a trip is the visits of one lead official reported in one source article,
i.e. the visit rows grouped by (official, article), keeping the groups in
which the official leads. An article about 石建平 going to 城北区 and 大通县 is
one trip that touches two divisions; the officials accompanying him make no
trip of their own.
"""
from __future__ import annotations


def trips(rows) -> list[dict]:
    """Trips from visit rows (kg.tables.visit_rows): {official_id, official, article_id, visits}, in order.

    `visits` are the official's rows in that article, all of them (a row an
    article states with another role still belongs to the journey it leads).
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["official_id"], r["article_id"]), []).append(r)
    return [{"official_id": o, "official": rs[0]["official"], "article_id": a, "visits": rs}
            for (o, a), rs in sorted(groups.items()) if any(r["role"] == "lead" for r in rs)]
