"""ORM models, one module per aggregate. Importing this package registers every table."""
from .content import Article, Chapter, ChapterVersion, Module, ModuleAudience  # noqa: F401
from .org import ROLES, ROLE_LABELS, OrganizerScope, Unit, User  # noqa: F401
from .questions import QUESTION_TYPES, TYPE_LABELS, Question, QuestionVersion  # noqa: F401
from .types import UTCDateTime, utcnow  # noqa: F401
from .group_study import Attendance, StudySession  # noqa: F401
from .progress import StudyProgress  # noqa: F401
from .exams import Answer, Attempt, AttemptQuestion, Exam, ExamFixedQuestion, ExamRule, Sitting, SittingChange, SittingMember, SittingUnit  # noqa: F401
from .practice import PracticeAnswer, WrongAnswer  # noqa: F401
from .contests import Contest, ContestAudience, ContestBranchCache, ContestRound, ContestStanding, RoundQuestion  # noqa: F401
from .daily import DailySet, ReviewCard  # noqa: F401
from .api_tokens import ApiToken  # noqa: F401
from .reports import ScoreChange  # noqa: F401
from .ledger import Activity, ActivityAttachment, ActivityAttendance, ActivityRevision, PartyGroup  # noqa: F401
from .assessment import AssessmentEntry, AssessmentEvidence, AssessmentIndicator, AssessmentProblem, AssessmentRound, AssessmentScheme, AssessmentScore, AssessmentScoreChange, DemoSite  # noqa: F401
