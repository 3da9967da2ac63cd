"""`spectra backup DEST` and `spectra backup --daily`: a copy of the studio.

SQLite: a consistent copy taken while other terminals keep writing, checked
before it is called done (data/backup.py); PostgreSQL: through pg_dump. The
studio is opened read-only: a backup never writes to it. --daily makes the
day's automatic backup, as the app does when it starts (for a cron job).
"""

import os
from pathlib import Path

from ..data.errors import ValidationError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="copy the studio to a file or folder (safe while terminals work), or make the daily backup",
        description="Copy the studio to DEST (a file, or a folder where the copy is named after the studio "
        "and the time) while other terminals keep working; the copy is owner-only (0600), checked, and never "
        "overwrites a file. A PostgreSQL studio is dumped with pg_dump. --daily makes today's backup in the "
        "folder DEST (default: 'backups' beside the database; on PostgreSQL DEST is required) and removes the "
        "oldest beyond the setting 'backups kept'.",
    )
    parser.add_argument(
        "dest", metavar="DEST", nargs="?", help="the backup file, or a folder to put it in (--daily: the folder)"
    )
    parser.add_argument("--daily", action="store_true", help="make today's automatic backup (for a cron job)")
    parser.set_defaults(handler=run, read_only=True)


def run(args) -> int:
    from ..data.backup import backup_studio, daily_backup, daily_folder, size_text
    from ..data.db import is_postgres

    if args.daily:
        if is_postgres() and not args.dest:
            raise ValidationError("on PostgreSQL the daily backups go to a folder you name: backup --daily FOLDER.")
        folder = Path(args.dest).expanduser() if args.dest else daily_folder()
        made = daily_backup(folder)
        if made is None:
            print(f"Nothing to do: today's backup is in {folder} already (or backups kept is 0).")
        else:
            print(f"Daily backup written: {made.path} ({size_text(made.size)}), checked.")
        return 0
    if not args.dest:
        raise ValidationError("give DEST (a file or a folder), or --daily.")
    made = backup_studio(Path(args.dest).expanduser(), folder=args.dest.endswith(("/", os.sep)))
    print(f"Backup written: {made.path} ({size_text(made.size)}), checked.")
    return 0
