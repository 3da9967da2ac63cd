"""Staff sign in (issue 12): users get initials, a password hash (argon2id),
failed sign-ins and a lock, ``photographs`` and a row version; the roles
become front desk, photographer, manager and owner.

Old roles map as: admin -> owner, receptionist and assistant -> front desk,
photographer -> photographer (who also photographs). Existing users have no
password yet: the app's first start asks for the owner's, and an owner or a
manager sets the others' (or `spectra user passwd`).
"""
from peewee import *

ROLE_MAP = {"admin": "owner", "receptionist": "front_desk", "assistant": "front_desk"}


def up(migrator, db):
    columns = (
        ("initials", CharField(default="", constraints=[SQL("DEFAULT ''")])),
        ("photographs", BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])),
        ("password_hash", CharField(default="", constraints=[SQL("DEFAULT ''")])),
        ("failed_sign_ins", IntegerField(default=0, constraints=[SQL("DEFAULT 0")])),
        ("last_failed_at", DateTimeField(null=True)),
        ("locked_until", DateTimeField(null=True)),
        ("version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")])),
    )
    migrator.migrate(
        *[migrator.add_column("user", name, field, allow_not_null=True) for name, field in columns]
    )
    user = Table("user").bind(db)
    user.update(photographs=True).where(user.c.role == "photographer").execute()
    for old, new in ROLE_MAP.items():
        user.update(role=new).where(user.c.role == old).execute()
    rows = list(user.select(user.c.id, user.c.full_name).tuples())
    for user_id, full_name in rows:
        initials = "".join(part[0] for part in (full_name or "").split() if part[:1].isalpha()).upper()[:4]
        user.update(initials=initials).where(user.c.id == user_id).execute()


def down(migrator, db):
    user = Table("user").bind(db)
    for old, new in ROLE_MAP.items():
        user.update(role=old).where(user.c.role == new).execute()
    migrator.migrate(
        *[
            migrator.drop_column("user", name)
            for name in ("initials", "photographs", "password_hash", "failed_sign_ins", "last_failed_at",
                         "locked_until", "version")
        ]
    )
