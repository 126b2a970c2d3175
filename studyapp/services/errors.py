"""Domain errors raised by services, named in the business's words; views map them to responses."""


class ServiceError(Exception):
    """Base of refusals a user can understand; the message is shown as is (Chinese)."""

    status = 400
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class Unauthorized(ServiceError):
    """Nobody is signed in: no session or token, or one that is stale (logged out, password changed)."""

    status = 401
    code = "unauthorized"


class PasswordChangeRequired(ServiceError):
    """Signed in, but the account must choose its own password before anything else."""

    status = 403
    code = "password_change_required"
