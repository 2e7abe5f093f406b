"""Password hashing: Argon2id with parameters from settings.

Django's own Argon2 hasher uses RFC 9106's memory-heavy profile (100 MiB per hash); on a
small web host that makes every login a memory spike. OWASP's minimum profile (19 MiB,
two passes, one lane) is the default here, and stronger settings can be chosen per
deployment. Hashes made with other parameters are upgraded on the user's next login.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    # Same algorithm name as Django's hasher, so either can verify the other's hashes.
    algorithm = "argon2"

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_MEMORY_COST_KIB

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.ARGON2_PARALLELISM
