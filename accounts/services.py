"""Writes to user accounts: invitations, edits, passwords and API tokens.

`accounts` imports no other app; its writes reach the audit trail through
`accounts.audit`.
"""

import logging
from collections.abc import Mapping
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from accounts import mfa
from accounts.audit import audit_record
from accounts.errors import Forbidden, InvalidInput, NotFound, TooManyAttempts
from accounts.models import Agency, Role, User
from accounts.permissions import (
    can_invite_users,
    can_set_password_directly,
    can_view_user,
    editable_user_fields,
    invite_errors,
)
from accounts.throttling import api_lockout_message

logger = logging.getLogger(__name__)

ROLES_WITH_AGENCY = (Role.SPECIALIST, Role.MANAGER)
ROLE_NAMES_SV = {
    Role.SPECIALIST: "specialist",
    Role.MANAGER: "myndighetsansvarig",
    Role.COORDINATOR: "samordnare",
    Role.ADMIN: "administratör",
}
ROLE_NAMES_EN = {
    Role.SPECIALIST: "specialist",
    Role.MANAGER: "agency manager",
    Role.COORDINATOR: "coordinator",
    Role.ADMIN: "administrator",
}
LOGIN_FAILED_MESSAGE = "Unable to log in with the given email and password."
MFA_SETUP_MESSAGE = (
    "Your role requires two-factor authentication. Set it up on the web first "
    "(log in at /login/ and follow the steps), then give the code here as `otp`."
)
MFA_MISSING_MESSAGE = "Give the 6-digit code from your authenticator app as `otp`."
PASSWORD_LOGIN_OFF_MESSAGE = (
    "Your agency has switched password login off, for the API too: log in on the web "
    "through its identity provider and take a token from there."
)
MFA_INVALID_MESSAGE = "The code is not valid. Give the 6 digits your app shows now."


def _password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _apply_role_flags(user: User) -> None:
    # Administrators work through Django admin too, which needs the staff and superuser flags.
    is_admin_role = user.role == Role.ADMIN
    user.is_staff = is_admin_role
    user.is_superuser = is_admin_role


def _audit_snapshot(user: User) -> dict[str, Any]:
    """The account fields the audit trail follows (never the password hash)."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "agency": user.agency_id,
        "language": user.language,
        "is_active": user.is_active,
    }


def invitation_link(user: User) -> str:
    """An absolute one-time link for `user` to choose a password (valid until one is set)."""
    path = reverse(
        "accounts:invite-accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(user: User, inviter: User) -> None:
    link = invitation_link(user)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    agency_sv = f" vid {user.agency.name}" if user.agency else ""
    agency_en = f" at {user.agency.name}" if user.agency else ""
    body = (
        f"Hej {user.name}!\n\n"
        f"{inviter.name} har bjudit in dig till Delad kompetens, där myndigheter delar "
        f"digitala specialister med varandra. Du är inbjuden som "
        f"{ROLE_NAMES_SV[user.role]}{agency_sv}.\n\n"
        f"Välj ditt lösenord via länken nedan. Den fungerar en gång och i {days} dagar:\n"
        f"{link}\n\n"
        f"Om du inte väntade dig det här mejlet kan du bortse från det.\n\n"
        f"----\n\n"
        f"Hello {user.name},\n\n"
        f"{inviter.name} has invited you to Delad kompetens, where Swedish government "
        f"agencies share digital specialists. You are invited as "
        f"{ROLE_NAMES_EN[user.role]}{agency_en}.\n\n"
        f"Choose your password with the link below. It works once and for {days} days:\n"
        f"{link}\n\n"
        f"If you did not expect this email, you can ignore it.\n"
    )
    send_mail(
        subject="Inbjudan till Delad kompetens / Invitation to Delad kompetens",
        message=body,
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    name: str,
    role: str | None,
    agency: Agency | None,
    password: str | None = None,
    language: str = "sv",
) -> User:
    """Create a user and, unless an admin set a password, email them a link to choose one.

    A manager's invitation defaults to a specialist of the manager's own agency; asking
    for another role or agency is refused field by field. The email is sent after commit,
    so a rolled-back invitation never reaches anybody.
    """
    if not can_invite_users(actor):
        raise Forbidden("You may not invite users.")
    if not actor.is_admin:
        role = role or Role.SPECIALIST
        agency = agency or actor.agency
    role = role or Role.SPECIALIST
    email = User.objects.normalize_email(email).strip().lower()

    errors: dict[str, list[str]] = {
        field: [message]
        for field, message in invite_errors(
            actor, role=role, agency_id=agency.pk if agency else None
        ).items()
    }
    if role in ROLES_WITH_AGENCY and agency is None:
        errors.setdefault("agency", []).append("Specialists and managers belong to an agency.")
    if password is not None and not can_set_password_directly(actor):
        errors["password"] = ["Only administrators may set a password directly."]
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with this email already exists."]

    user = User(email=email, name=name, role=role, agency=agency, language=language)
    _apply_role_flags(user)
    if password is not None and "password" not in errors:
        password_errors = _password_errors(password, user)
        if password_errors:
            errors["password"] = password_errors
    if errors:
        raise InvalidInput("The invitation is not valid.", field_errors=errors)

    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.invite",
        target=user,
        after={**_audit_snapshot(user), "password_set": password is not None},
    )
    logger.info("user %s invited by %s as %s", user.pk, actor.pk, role)
    if password is None:
        transaction.on_commit(lambda: _send_invitation(user, actor))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, data: Mapping[str, Any]) -> User:
    """Change the fields in `data` that differ from the stored user, if `actor` may.

    Changing a password signs the user out of the API (their token is deleted).
    """
    if not can_view_user(actor, user):
        raise NotFound("No such user.")
    allowed = editable_user_fields(actor, user)
    if not allowed:
        raise Forbidden("You may not change this user.")
    user = User.objects.select_for_update().get(pk=user.pk)
    snapshot_before = _audit_snapshot(user)

    changes = {
        field: value
        for field, value in data.items()
        if field == "password" or getattr(user, field) != value
    }
    errors: dict[str, list[str]] = {
        field: ["You may not change this field."] for field in changes if field not in allowed
    }
    if errors:
        raise InvalidInput("The change is not allowed.", field_errors=errors)

    password = changes.pop("password", None)
    for field, value in changes.items():
        setattr(user, field, value)
    if user.role in ROLES_WITH_AGENCY and user.agency_id is None:
        errors["agency"] = ["Specialists and managers belong to an agency."]
    if password is not None:
        password_errors = _password_errors(password, user)
        if password_errors:
            errors["password"] = password_errors
    if errors:
        raise InvalidInput("The change is not valid.", field_errors=errors)

    if "role" in changes:
        _apply_role_flags(user)
    if password is not None:
        user.set_password(password)
        Token.objects.filter(user=user).delete()
    user.save()
    snapshot_after = _audit_snapshot(user)
    changed = [name for name in snapshot_after if snapshot_after[name] != snapshot_before[name]]
    before = {name: snapshot_before[name] for name in changed}
    after = {name: snapshot_after[name] for name in changed}
    if password is not None:
        # That it changed, never the hash.
        before["password"], after["password"] = "(earlier)", "(changed)"
    if after:
        audit_record(actor=actor, action="user.update", target=user, before=before, after=after)
    logger.info("user %s changed by %s: %s", user.pk, actor.pk, sorted(data))
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    """Set a password chosen by the user (already validated), as from an invitation link."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    audit_record(
        actor=user, action="user.set_password", target=user, after={"password": "(changed)"}
    )
    return user


def auth_token_obtain(
    *, request: HttpRequest, email: str, password: str, otp: str | None = None
) -> Token:
    """The API token of the user with this email and password (created on first login).

    Emails match case-insensitively; a wrong password, an unknown email and an inactive
    account all get the same answer, so the endpoint does not reveal who has an account.
    Failures are counted by django-axes per email and address: after
    settings.AXES_FAILURE_LIMIT of them the pair is locked out (TooManyAttempts, 429).
    Users with a second factor (required for coordinators and admins) also give `otp`,
    the current code of their authenticator app; a wrong code counts as a failed login.

    Not one transaction on purpose: the failure records must survive the refusal.
    """
    stored = User.objects.filter(email__iexact=email.strip()).values_list("email", flat=True)
    user = authenticate(request, username=stored.first() or email, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts(api_lockout_message())
        if getattr(request, "password_login_refused", False):
            raise InvalidInput(
                PASSWORD_LOGIN_OFF_MESSAGE,
                field_errors={"non_field_errors": [PASSWORD_LOGIN_OFF_MESSAGE]},
            )
        raise InvalidInput(
            LOGIN_FAILED_MESSAGE, field_errors={"non_field_errors": [LOGIN_FAILED_MESSAGE]}
        )
    if mfa.mfa_required(user) or mfa.mfa_enabled(user):
        if not mfa.mfa_enabled(user):
            raise InvalidInput(MFA_SETUP_MESSAGE, field_errors={"otp": [MFA_SETUP_MESSAGE]})
        if not otp:
            raise InvalidInput(MFA_MISSING_MESSAGE, field_errors={"otp": [MFA_MISSING_MESSAGE]})
        if mfa.totp_verify(user=user, token=otp) is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": user.email}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                raise TooManyAttempts(api_lockout_message())
            raise InvalidInput(MFA_INVALID_MESSAGE, field_errors={"otp": [MFA_INVALID_MESSAGE]})
    # As a web login does: clears this account's failure count from this address.
    AxesProxyHandler.user_logged_in(sender=__name__, request=request, user=user)
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def auth_token_rotate(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="user.token_rotate", target=user)
    logger.info("api token of user %s rotated", user.pk)
    return token


@transaction.atomic
def auth_token_revoke(*, actor: User, user: User) -> None:
    """Delete `user`'s API token: their own, or anyone's by an admin (a lost laptop)."""
    if actor.pk != user.pk:
        if not can_view_user(actor, user):
            raise NotFound("No such user.")
        if not actor.is_admin:
            raise Forbidden("Only administrators may revoke another user's token.")
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action="user.token_revoke", target=user)
    logger.info("api token of user %s revoked by %s", user.pk, actor.pk)
