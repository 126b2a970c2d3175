"""Constants written into a statement's text instead of bound as parameters.

SQLite prepares a statement again on every execution when a bound value could decide its plan: a
`status = ?` against the partial indexes on attempts.status is such a term. For the statements every
start and submit of a sitting runs, preparing cost more than running them; with the status written into
the text the prepared statement is reused. Use it only for the code's own constants, never for input.
"""
from __future__ import annotations

from sqlalchemy import literal_column


def constant(value: str | int):
    """`value` as SQL text: a quoted string or a number (the code's constants only: nothing is escaped)."""
    if isinstance(value, str):
        if "'" in value:
            raise ValueError(f"not a plain constant: {value!r}")
        return literal_column(f"'{value}'")
    return literal_column(str(int(value)))
