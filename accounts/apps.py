from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and agencies")

    def ready(self) -> None:
        # Connects the receiver that holds password logins at the second-factor step.
        from accounts import mfa  # noqa: F401
        from accounts.models import Agency
        from accounts.selectors import AGENCIES
        from fastpaths.list_cache import invalidate_on_change

        # The cached agency list goes stale on any save or delete, admin and shell included.
        invalidate_on_change(Agency, namespace=AGENCIES)
