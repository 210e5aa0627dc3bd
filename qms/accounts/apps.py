from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from qms.accounts import mfa

        user_logged_in.connect(mfa.remember_enrolment, dispatch_uid="accounts.mfa.enrolment")
