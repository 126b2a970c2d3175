"""Many rows written by one INSERT ... SELECT, the rows passed as one parameter per column (PostgreSQL:
arrays, read with unnest) or as one JSON text (SQLite: json_each). An executemany binds and converts
every value of every row in Python (the same timestamps dozens of times) and, on PostgreSQL, is a
statement per row for the server; here the values shared by all rows are bound once.
"""
from __future__ import annotations

import json
from typing import Sequence

from sqlalchemy import Boolean, Float, Integer, Text, bindparam, func, select
from sqlalchemy.dialects import postgresql

#: Column types a row set may carry.
TYPES = {"int": Integer, "text": Text, "float": Float, "bool": Boolean}


def row_set(dialect: str, columns: Sequence[tuple[str, str]]):
    """A FROM-able of the rows given to params() at execution: (name, "int" | "text") columns."""
    if dialect == "postgresql":
        arrays = [bindparam(f"rows_{name}", type_=postgresql.ARRAY(TYPES[kind])) for name, kind in columns]
        return func.unnest(*arrays).table_valued(*[name for name, _ in columns]).render_derived(name="given")
    each = func.json_each(bindparam("rows", type_=Text)).table_valued("value").alias("given_json")
    return select(*[func.json_extract(each.c.value, f"$[{n}]").label(name)
                    for n, (name, _) in enumerate(columns)]).select_from(each).subquery("given")


def params(dialect: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]) -> dict:
    """The parameters of row_set(dialect, columns) for these rows (tuples in the columns' order)."""
    if dialect == "postgresql":
        return {f"rows_{name}": [row[n] for row in rows] for n, (name, _) in enumerate(columns)}
    return {"rows": json.dumps([list(row) for row in rows], ensure_ascii=False)}
