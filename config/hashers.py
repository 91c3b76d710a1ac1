"""Django's Argon2 password hasher, run at a lower CPU priority (config/low_priority.py).

Same algorithm name, parameters and hashes as Django's: only where it runs changes.
"""

from django.contrib.auth import hashers

from . import low_priority


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    def encode(self, password, salt):
        return low_priority.run(super().encode, password, salt)

    def verify(self, password, encoded):
        return low_priority.run(super().verify, password, encoded)
