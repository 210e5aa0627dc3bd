"""Development: DEBUG on unless said otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo's admins may sign in without a code; set True to try the enforced enrolment.
EISO_MFA_REQUIRED_FOR_ADMINS = env.bool("EISO_MFA_REQUIRED_FOR_ADMINS", default=False)
