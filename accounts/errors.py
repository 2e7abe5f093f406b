"""The one family of rule violations every service raises.

The API maps them to 404/403/409/400 and the web to its error pages or inline form
errors, so a rule is decided once, in the service, whatever the entry point.
"""


class DomainError(Exception):
    status_code = 400
    default_message = "The request breaks a rule."

    def __init__(self, message: str | None = None, *, field_errors: dict | None = None) -> None:
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(self.message)


class NotFound(DomainError):
    """The object does not exist or the caller may not see it."""

    status_code = 404
    default_message = "Not found."


class Forbidden(DomainError):
    """The caller may see the object but not do this to it."""

    status_code = 403
    default_message = "You do not have permission to do this."


class Conflict(DomainError):
    """The current state does not allow this (status transition, capacity)."""

    status_code = 409
    default_message = "The current state does not allow this."


class InvalidInput(DomainError):
    """Input that breaks a business rule; `field_errors` names the fields."""

    status_code = 400
    default_message = "Invalid input."


class TooManyAttempts(DomainError):
    """Too many failed logins for this account from this address (django-axes lockout)."""

    status_code = 429
    default_message = "Too many failed login attempts. Try again later."
