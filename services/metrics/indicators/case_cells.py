"""Cells of the case indicators from the units kept beside the facts (`case_units`), and
the sums kept beside those.

Each case has one unit per kind and period. The units of a person with no
other case (`shared` false: most) add up: their cells are sums, their persons a
count, their cell key a sum of record keys. So the consumer also keeps those
units summed per kind, period and the values of one family of dimensions, in
the same statement that changes the units:

- `unit_sums_by_case`: by the case's own dimensions (field of action, target
  groups, district, age band): about a fiftieth of the units at a city's size;
- `unit_sums_by_service`: by the dimensions of its services (agreements,
  providers, budget products): about a thirtieth.

A question whose breakdowns lie in one family (the period goes with either)
groups those sums instead of the units, and adds the units of the persons with
several cases, summed per cell and person first to count them distinct; any
other question (across the families, or a median, which does not add up)
groups the units. The sums are numeric, so that taking a unit out and putting
it back in leaves them exactly as they were. A batch changes them by the units
it changed only (`summing_all`, with a sign): a delivery changes a few units of
its case, not all of them, so keeping the sums costs a live batch little.
"""

# ruff: noqa: S608 - the SQL is put together from constants only; values are parameters.
from __future__ import annotations

from collections.abc import Sequence

from services.metrics.indicators.case_sql import dimension_keys, values_or_none
from shared.projection import Connection

# A unit's dimensions: columns of one value each, and arrays of any number of values.
_ONE_VALUE = {"period": "label", "field_of_action": "field_of_action", "district": "district",
              "age_band": "age_band"}
_VALUES = {"target_group": "target_groups", "agreement": "agreements",
           "provider": "providers", "budget_product": "budget_products"}


# Per table of sums, the columns it sums the units by beside kind and label.
SUMS = {"unit_sums_by_case": ("field_of_action", "target_groups", "district", "age_band"),
        "unit_sums_by_service": ("agreements", "providers", "budget_products")}
_SUMMED = ("numerator", "denominator", "values", "persons", "person_keys")


def _summing(table: str, units: str) -> str:
    """Add the unshared units of the relation `units`, each times its `sign` (1 or -1), to
    the sums of `table` (an upsert)."""
    columns = ", ".join(("kind", "label", *SUMS[table]))
    return (
        f"INSERT INTO {table} AS s ({columns}, {', '.join(_SUMMED)}) SELECT {columns}, "
        "coalesce(sum(sign * numerator::numeric), 0), "
        "coalesce(sum(sign * denominator::numeric), 0), "
        "sum(sign * (value IS NOT NULL)::int), sum(sign), sum(sign * record_key) "
        f"FROM {units} u WHERE NOT shared GROUP BY {columns} "
        # (A unit changed in another family's dimensions only changes no sum of this one.)
        "HAVING coalesce(sum(sign * numerator::numeric), 0) <> 0 "
        "OR coalesce(sum(sign * denominator::numeric), 0) <> 0 "
        "OR sum(sign * (value IS NOT NULL)::int) <> 0 OR sum(sign) <> 0 "
        "OR sum(sign * record_key) <> 0 "
        f"ON CONFLICT ({columns}) "
        "DO UPDATE SET " + ", ".join(f"{name} = s.{name} + excluded.{name}" for name in _SUMMED))


def summing_all(units: str) -> str:
    """The end of a WITH list (after its last comma) that adds the units of the relation
    `units` (with a column `sign`) to every table of sums."""
    first, second = SUMS
    return f"first AS ({_summing(first, units)})\n{_summing(second, units)}"


async def forget_empty(connection: Connection) -> None:
    """Remove the sums no unit adds to any more (found by their partial index)."""
    for table in SUMS:
        await connection.execute(f"DELETE FROM {table} WHERE persons = 0")


async def count_all(connection: Connection) -> None:
    """The sums of every unit kept, counted anew (after all units were)."""
    for table, columns in SUMS.items():
        grain = ", ".join(("kind", "label", *columns))
        await connection.execute(f"DELETE FROM {table}")
        await connection.execute(  # (an empty table: a plain INSERT, no upsert)
            f"INSERT INTO {table} ({grain}, {', '.join(_SUMMED)}) SELECT {grain}, "
            "coalesce(sum(numerator::numeric), 0), coalesce(sum(denominator::numeric), 0), "
            f"count(value), count(*), sum(record_key) FROM case_units WHERE NOT shared "
            f"GROUP BY {grain}")


def _table_for(by: Sequence[str], provider: bool) -> str | None:
    """The table of sums that answers a question along `by` (None: none does)."""
    names = {_ONE_VALUE.get(name) or _VALUES[name] for name in by} - {"label"}
    if provider:
        names.add("providers")
    for table, columns in SUMS.items():
        if names <= set(columns):
            return table
    return None


def _expanded(by: Sequence[str], provider: bool, source: str, measures: Sequence[str],
              where: str) -> str:
    """The rows of `source` (case_units or a table of sums) of kind $1 in the periods
    labelled $2 that meet `where`, as their dimension values d0, d1 ... and `measures`:
    a row once under each value of each dimension (`-` for none). One set-returning
    function per SELECT: two in one would be zipped, not crossed; and a lateral join of
    `unnest` per unit costs three times as much."""
    keys = [f"d{index}" for index in range(len(by))]
    columns = [f"u.{_ONE_VALUE.get(name) or _VALUES[name]} AS {key}"
               for name, key in zip(by, keys, strict=True)]
    sql = (f"SELECT {', '.join([*columns, *(f'u.{m}' for m in measures)])} FROM {source} u "
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
    `in_database.cells_sql` counts them from the facts: the unshared units' sums (from a
    table of sums where one answers, else summed straight from the units), and the units
    of persons with several cases summed per cell and person first."""
    keys = dimension_keys(by)
    group = f" GROUP BY {keys[:-2]}" if by else ""
    table = None if median else _table_for(by, provider)
    if table is None:
        alone = (f"SELECT {keys}sum(numerator) AS numerator, sum(denominator) AS denominator, "
                 "count(value) AS values, count(*) AS persons, sum(record_key) AS person_keys "
                 f"FROM ({_expanded(by, provider, 'case_units', _UNIT, ' AND NOT u.shared')})"
                 f" e{group}")
    else:
        alone = (f"SELECT {keys}sum(numerator)::float8 AS numerator, "
                 "sum(denominator)::float8 AS denominator, sum(values) AS values, "
                 "sum(persons) AS persons, sum(person_keys) AS person_keys "
                 f"FROM ({_expanded(by, provider, table, _SUMMED, '')}) e{group}")
    together = (f"SELECT {keys}sum(numerator), sum(denominator), sum(values), count(*), "
                f"sum(record_key) FROM (SELECT {keys}client, record_key, "
                "sum(numerator) AS numerator, sum(denominator) AS denominator, "
                "count(value) AS values FROM "
                f"({_expanded(by, provider, 'case_units', ('client', *_UNIT), ' AND u.shared')})"
                f" e GROUP BY {keys}client, record_key) p{group}")
    totals = (f"SELECT {keys}sum(numerator) AS numerator, sum(denominator) AS denominator, "
              "0.0::float8 AS reference_numerator, 0.0::float8 AS reference_denominator, "
              "sum(values)::bigint AS values, sum(persons)::bigint AS persons, "
              f"sum(person_keys) AS person_keys FROM ({alone} UNION ALL {together}) t{group} "
              "HAVING sum(persons) > 0")
    if not median:
        return f"SELECT *, NULL::float8 AS median FROM ({totals}) c"
    medians = (f"SELECT {keys}percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median "
               f"FROM ({_expanded(by, provider, 'case_units', _UNIT, '')}) e{group}")
    matched = " AND ".join(["true", *(f"c.d{index} = m.d{index}" for index in range(len(by)))])
    return f"SELECT c.*, m.median FROM ({totals}) c JOIN ({medians}) m ON {matched}"
