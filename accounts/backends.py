"""Authentication by email and password, marking the logins that must pass a second factor."""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import Agency, User
from accounts.sso.policy import password_login_allowed
from fastpaths.compiled_queries import CompiledQuery, instance_of, model_columns

# A session's user with their agency, as `select_related("agency")` would load them.
_USER_WITH_AGENCY = CompiledQuery(
    lambda user_id: User._default_manager.filter(pk=user_id).values_list(
        *model_columns(User), *(f"agency__{column}" for column in model_columns(Agency))
    )
)


def session_user(user_id: object) -> User | None:
    """The active user a session names, with their agency: every backend's `get_user`.

    This runs on every request of a session, so its SQL is compiled once.
    """
    try:
        user = _user_with_agency(int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.is_active else None


def _user_with_agency(user_id: int) -> User | None:
    rows = _USER_WITH_AGENCY.rows(user_id=user_id)
    if not rows:
        return None
    user = instance_of(User, rows[0])
    if user.agency_id is not None:
        agency_row = rows[0][len(model_columns(User)) :]
        user.agency = instance_of(Agency, agency_row)
    return user


class PasswordBackend(ModelBackend):
    """Django's model backend; a user it returns carries `password_authenticated`.

    `accounts.mfa` reads the mark when the session is created: a session opened with a
    password is held at the second-factor step until a one-time code is given. A user
    whose agency logs in only through its identity provider is refused here, for the web,
    the admin and the API token alike; the request then carries `password_login_refused`
    so the form can say why.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> User | None:
        # Emails are stored lower-case: `CHEF@Myndighet.se` logs in as `chef@myndighet.se`.
        if isinstance(username, str):
            username = User.objects.normalize_email(username.strip()).lower()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if not password_login_allowed(user):
            if request is not None:
                request.password_login_refused = True
            return None
        user.password_authenticated = True
        return user

    def get_user(self, user_id: int) -> User | None:
        # With the agency: most pages name it.
        return session_user(user_id)
