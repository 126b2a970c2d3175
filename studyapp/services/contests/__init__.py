"""Contest use cases: definitions (organizers), rounds (members), standings and fair play.

Re-exported here so web pages, the API and the CLI import one place.
"""
from .definitions import (  # noqa: F401
    ContestInput, audience_sizes, contests_for, create_contest, in_audience, managed_contest, running_for,
    visible_contest,
)
from .fairplay import clear_round, disqualify_round, flagged_rounds  # noqa: F401
from .rounds import AnswerResult, QuestionView, RoundState, answer, my_rounds, round_for_member, start_round, state  # noqa: F401
from .standings import Board, BoardRow, branch_standings, cached_branch_standings, export_rows, leaderboard  # noqa: F401
from .rounds import SettledQuestion, settled_question  # noqa: F401
from .standings import branch_standings_read_only, with_own_branch  # noqa: F401
