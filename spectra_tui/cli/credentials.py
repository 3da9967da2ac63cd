"""Who runs a command that needs a user: a name and a password, found in order

1. the environment: $SPECTRA_USER and $SPECTRA_PASSWORD;
2. a credentials file: ``--credentials FILE``, else ``credentials`` in the
   config folder (~/.config/spectra-tui/credentials on Linux) when there is
   one. As ssh does with a private key, a file others may read or write, or
   that belongs to someone else, is refused. It holds two lines,
   ``user = NAME`` and ``password = SECRET`` (a value may be a quoted TOML
   string; lines starting with # are comments; an unquoted value is taken
   whole, # included);
3. at a terminal (standard input is one), the password is asked for, not echoed.

``--user NAME`` (else $SPECTRA_USER) names the user; the password still comes
from these sources, and a file naming someone else is passed over. A password
is never a command-line argument (``ps`` shows those to everyone) and no
message repeats it. This module reads no database: the caller checks the
credentials with accounts.authenticate (the lockout applies).
"""

import getpass
import os
import stat
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..data.errors import DomainError

ENV_USER = "SPECTRA_USER"
ENV_PASSWORD = "SPECTRA_PASSWORD"
MAX_FILE_BYTES = 64 * 1024
KEYS = ("user", "password")


class CredentialsRefused(DomainError):
    """No usable credentials: a missing, unsafe or malformed file, or nothing to ask with."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never in a repr, a log or a traceback's message
    source: str = ""  # where they came from, named in a refusal


def default_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("spectra-tui", appauthor=False) / "credentials"


def find_credentials(
    user: str | None = None,
    file: str | Path | None = None,
    environ: Mapping[str, str] = os.environ,
    ask: Callable[[str | None], Credentials] | None = None,
) -> Credentials:
    """The credentials of ``user`` (else whoever the sources name); ``ask`` is
    called last, when given (at a terminal); else CredentialsRefused."""
    named = (user or "").strip()
    env_user = environ.get(ENV_USER, "").strip()
    password = environ.get(ENV_PASSWORD)
    if password is not None:
        if named and env_user and named.lower() != env_user.lower():
            raise CredentialsRefused(
                f"--user says '{named}' but ${ENV_USER} says '{env_user}': ${ENV_PASSWORD} is whose? "
                f"Leave out one of them."
            )
        if not (named or env_user):
            raise CredentialsRefused(f"${ENV_PASSWORD} is set without ${ENV_USER}: set both (or give --user NAME).")
        if not password:
            raise CredentialsRefused(f"${ENV_PASSWORD} is empty.")
        return Credentials(named or env_user, password, f"${ENV_USER} and ${ENV_PASSWORD}")
    named = named or env_user
    path = Path(file).expanduser() if file else default_path()
    if file or path.exists():
        found = read_file(path)
        if not named or found.user.lower() == named.lower():
            return found
        if file:
            raise CredentialsRefused(f"{path} holds the credentials of '{found.user}', not of '{named}'.")
    if ask is not None:
        return ask(named or None)
    raise CredentialsRefused(
        f"This command runs as a staff user: set ${ENV_USER} and ${ENV_PASSWORD}, or write a credentials "
        f"file (chmod 600) at {path} or give it with --credentials FILE, or run the command at a terminal."
    )


def read_file(path: Path) -> Credentials:
    """The credentials in ``path``, refused when the file is missing, unsafe or malformed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO does not hang the command
    except FileNotFoundError:
        raise CredentialsRefused(f"There is no credentials file at {path}.") from None
    except OSError as error:
        raise CredentialsRefused(f"Cannot read the credentials file {path}: {error.strerror}.") from None
    try:
        check_private(path, os.fstat(fd))  # the file opened, not whatever the path names a moment later
        data = os.read(fd, MAX_FILE_BYTES + 1)  # a regular file: one read gives it all
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise CredentialsRefused(f"The credentials file {path} is too large to be one (over 64 KiB).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CredentialsRefused(f"The credentials file {path} is not UTF-8 text.") from None
    return parse(text, path)


def check_private(path: Path, info: os.stat_result) -> None:
    """Refuse a file that is not a regular file of this user, readable by them alone."""
    if not stat.S_ISREG(info.st_mode):
        raise CredentialsRefused(f"The credentials file {path} is not a file.")
    if info.st_uid != os.geteuid():
        raise CredentialsRefused(
            f"The credentials file {path} belongs to another user (uid {info.st_uid}): "
            "it must be yours, readable by you alone."
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise CredentialsRefused(
            f"Permissions {mode:04o} for the credentials file {path} are too open: it must be readable "
            f"by you alone (chmod 600 {path})."
        )


def parse(text: str, path: Path) -> Credentials:
    """``user = NAME`` and ``password = SECRET`` lines. A refusal names the
    line by its number, never its content (it may hold the password)."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        key = key.strip().strip("\"'")
        if not equals or key not in KEYS:
            raise CredentialsRefused(
                f"Line {number} of the credentials file {path} is not `user = NAME` or `password = SECRET`."
            )
        if key in values:
            raise CredentialsRefused(f"The credentials file {path} gives the {key} twice (line {number}).")
        value = value.strip()
        if value[:1] in ('"', "'"):
            try:
                value = tomllib.loads(f"value = {value}")["value"]
            except tomllib.TOMLDecodeError:
                raise CredentialsRefused(
                    f"Line {number} of the credentials file {path}: the quoted {key} is not a TOML string "
                    '(close its quote; inside double quotes write \\" and \\\\).'
                ) from None
        if not isinstance(value, str) or not value:
            raise CredentialsRefused(f"Line {number} of the credentials file {path}: the {key} is empty.")
        values[key] = value
    missing = [key for key in KEYS if key not in values]
    if missing:
        raise CredentialsRefused(f"The credentials file {path} has no `{missing[0]} = ...` line.")
    return Credentials(values["user"], values["password"], f"the credentials file {path}")


def ask_at_terminal(user: str | None) -> Credentials:
    """Ask for the user (unless named) and the password, the password not echoed."""
    if not user:
        sys.stderr.write("User name or initials: ")
        sys.stderr.flush()
        user = sys.stdin.readline().strip()
        if not user:
            raise CredentialsRefused("No user name given.")
    password = getpass.getpass(f"Password or PIN for {user}: ")
    return Credentials(user, password, "the terminal")


def terminal_asker() -> Callable[[str | None], Credentials] | None:
    """``ask_at_terminal`` when standard input is a terminal, else None (cron, a pipe)."""
    return ask_at_terminal if sys.stdin is not None and sys.stdin.isatty() else None
