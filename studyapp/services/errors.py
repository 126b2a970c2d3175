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
