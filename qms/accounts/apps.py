from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from qms.accounts import mfa, permissions
        from qms.core import menu

        user_logged_in.connect(mfa.remember_enrolment, dispatch_uid="accounts.mfa.enrolment")
        menu.register(
            menu.MenuItem(
                "accounts.users",
                _("Users"),
                "accounts:user_list",
                "bi-people",
                "administration",
                20,
                visible=lambda user: permissions.has_any_role(user, "accounts.manage_users"),
                active=lambda m: m.namespace == "accounts" and "user" in (m.url_name or ""),
            )
        )
