"""Cells of the case indicators from the units kept beside the facts (`case_units`).

Each case has one unit per kind and period. The units of a person with no
other case (`shared` false: most) add up: their cells are sums, their persons a
count, their cell key a sum of record keys, all by hash. Only the units of the
persons with several cases are summed per cell and person first, to count
those persons distinct. (Sums kept per kind, period and dimension values would
answer faster still, but keeping them costs every batch an upsert per unit it
changes: measured in BENCHMARKS.md, "Indicator queries at 100,000 cases".)
"""

# ruff: noqa: S608 - the SQL is put together from constants only; values are parameters.
from __future__ import annotations

from collections.abc import Sequence

from services.metrics.indicators.case_sql import dimension_keys, values_or_none

# A unit's dimensions: columns of one value each, and arrays of any number of values.
_ONE_VALUE = {"period": "label", "field_of_action": "field_of_action", "district": "district",
              "age_band": "age_band"}
_VALUES = {"target_group": "target_groups", "agreement": "agreements",
           "provider": "providers", "budget_product": "budget_products"}


def _expanded(by: Sequence[str], provider: bool, measures: Sequence[str], where: str) -> str:
    """The units of kind $1 in the periods labelled $2 that meet `where`, as their
    dimension values d0, d1 ... and `measures`: a unit once under each value of each
    dimension (`-` for none). One set-returning function per SELECT: two in one would be
    zipped, not crossed; and a lateral join of `unnest` per unit costs three times as
    much."""
    keys = [f"d{index}" for index in range(len(by))]
    columns = [f"u.{_ONE_VALUE.get(name) or _VALUES[name]} AS {key}"
               for name, key in zip(by, keys, strict=True)]
    sql = (f"SELECT {', '.join([*columns, *(f'u.{m}' for m in measures)])} FROM case_units u "
           f"WHERE u.kind = $1 AND u.label = ANY($2::text[]){where}"
           + (" AND u.providers = ARRAY[$3::text]" if provider else ""))
    for index, name in enumerate(by):
        if name in _VALUES:
            kept = [key if key != keys[index] else f"unnest({values_or_none(key)}) AS {key}"
                    for key in keys]
            sql = f"SELECT {', '.join([*kept, *measures])} FROM ({sql}) e"
    return sql


_UNIT = ("record_key", "numerator", "denominator", "value")


def cells_sql(by: Sequence[str], provider: bool, median: bool = False) -> str:
    """The cells of a unit kind ($1) in the periods labelled $2 along `by` (the only
    provider $3 if `provider`; the median of the units' values if `median`), as
    `in_database.cells_sql` counts them from the facts: the unshared units summed
    straight, and the units of persons with several cases summed per cell and person
    first."""
    keys = dimension_keys(by)
    group = f" GROUP BY {keys[:-2]}" if by else ""
    alone = (f"SELECT {keys}sum(numerator) AS numerator, sum(denominator) AS denominator, "
             "count(value) AS values, count(*) AS persons, sum(record_key) AS person_keys "
             f"FROM ({_expanded(by, provider, _UNIT, ' AND NOT u.shared')}) e{group}")
    together = (f"SELECT {keys}sum(numerator), sum(denominator), sum(values), count(*), "
                f"sum(record_key) FROM (SELECT {keys}client, record_key, "
                "sum(numerator) AS numerator, sum(denominator) AS denominator, "
                "count(value) AS values FROM "
                f"({_expanded(by, provider, ('client', *_UNIT), ' AND u.shared')})"
                f" e GROUP BY {keys}client, record_key) p{group}")
    totals = (f"SELECT {keys}sum(numerator) AS numerator, sum(denominator) AS denominator, "
              "0.0::float8 AS reference_numerator, 0.0::float8 AS reference_denominator, "
              "sum(values)::bigint AS values, sum(persons)::bigint AS persons, "
              f"sum(person_keys) AS person_keys FROM ({alone} UNION ALL {together}) t{group} "
              "HAVING sum(persons) > 0")
    if not median:
        return f"SELECT *, NULL::float8 AS median FROM ({totals}) c"
    medians = (f"SELECT {keys}percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median "
               f"FROM ({_expanded(by, provider, _UNIT, '')}) e{group}")
    matched = " AND ".join(["true", *(f"c.d{index} = m.d{index}" for index in range(len(by)))])
    return f"SELECT c.*, m.median FROM ({totals}) c JOIN ({medians}) m ON {matched}"
