"""Password hashers Helpline adds to Django's.

Flicket exports bcrypt hashes (``$2b$12$...``); they are stored as Django's ``bcrypt$<hash>``
and checked by this hasher until the first successful login re-hashes them with argon2.
"""

from __future__ import annotations

import bcrypt
from django.contrib.auth.hashers import BCryptPasswordHasher as DjangoBCryptPasswordHasher

# bcrypt only ever looks at the first 72 bytes of a password.
BCRYPT_MAX_BYTES = 72


class BCryptPasswordHasher(DjangoBCryptPasswordHasher):
    """Django's ``bcrypt$`` hasher, with the truncation Flicket's bcrypt applied.

    The bcrypt library used to ignore everything after 72 bytes; since version 5 it raises
    ``ValueError`` instead, which would turn a login attempt with a long password into a
    server error. Truncating keeps such passwords working exactly as they did in Flicket.
    """

    def encode(self, password: str, salt: str | bytes) -> str:
        if isinstance(salt, str):
            salt = salt.encode("ascii")
        data = bcrypt.hashpw(password.encode()[:BCRYPT_MAX_BYTES], salt)
        return f"{self.algorithm}${data.decode('ascii')}"
