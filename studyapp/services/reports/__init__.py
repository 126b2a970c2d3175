"""Results and reports for organizers: participation by branch, chase lists, distributions, member
detail and transcripts, item analysis, weak articles, regrades, and the live monitor.

Every query is restricted to a scope: the set of unit ids the caller manages (None = everything, for
the command line). Figures are aggregated in SQL with GROUP BY; no query runs once per member.
"""
from .audience import (  # noqa: F401
    Audience, Scope, audience_for, reportable_exam, reportable_member, reportable_sitting, visible_sittings,
)
