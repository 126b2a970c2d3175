"""ORM models, one module per aggregate. Importing this package registers every table."""
from .org import ROLES, ROLE_LABELS, OrganizerScope, Unit, User  # noqa: F401
from .types import UTCDateTime, utcnow  # noqa: F401
