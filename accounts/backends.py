"""Authentication by email and password, marking the logins that must pass a second factor."""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User


class PasswordBackend(ModelBackend):
    """Django's model backend; a user it returns carries `password_authenticated`.

    `accounts.mfa` reads the mark when the session is created: a session opened with a
    password is held at the second-factor step until a one-time code is given.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            user.password_authenticated = True
        return user

    def get_user(self, user_id: int) -> User | None:
        # With the agency: most pages name it, and this runs on every request of a session.
        try:
            user = User._default_manager.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
