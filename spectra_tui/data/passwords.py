"""Passwords and PINs: checked for strength, kept only as argon2id hashes.

The secret itself is never stored, logged or audited: only ``hash_secret``'s
result reaches the database. A PIN is four or more digits (a quick sign-in
at the front desk, safe enough with the lockout in accounts.py); any other
password needs eight or more characters.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import ValidationError

MIN_PIN = 4
MIN_PASSWORD = 8
MAX_SECRET = 128

# argon2-cffi's defaults (RFC 9106's low-memory profile): argon2id, 64 MiB, 3 passes.
hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name takes as
# long as a wrong password (made on first use).
_decoy: list[str] = []


def check_secret(secret: str, username: str = "") -> str:
    """``secret`` if it may be a password or PIN, else a ValidationError saying why."""
    if not isinstance(secret, str) or not secret:
        raise ValidationError("Type a password or a PIN.", "password")
    if len(secret) > MAX_SECRET:
        raise ValidationError(f"A password is at most {MAX_SECRET} characters long.", "password")
    if any(ord(c) < 32 or ord(c) == 127 for c in secret):
        raise ValidationError("A password cannot hold control characters (tabs, new lines).", "password")
    if secret.isdigit() and secret.isascii():
        if len(secret) < MIN_PIN:
            raise ValidationError(f"A PIN needs at least {MIN_PIN} digits.", "password")
    elif len(secret) < MIN_PASSWORD:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD} characters (or use a PIN of {MIN_PIN} or more digits).",
            "password",
        )
    if username and secret.strip().lower() == username.strip().lower():
        raise ValidationError("A password cannot be the user name.", "password")
    return secret


def hash_secret(secret: str) -> str:
    return hasher.hash(secret)


def matches(stored_hash: str, secret: str) -> bool:
    """Does ``secret`` match the stored hash? (False for an empty or damaged hash.)"""
    if not stored_hash:
        return False
    try:
        return hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker settings than today's."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def spend_time_as_if_checking(secret: str) -> None:
    """Take as long as checking a real password (for an unknown user name)."""
    if not _decoy:
        _decoy.append(hasher.hash("not a password of anyone"))
    matches(_decoy[0], secret)
