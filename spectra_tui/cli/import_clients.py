"""`spectra import-clients FILE`: bring clients in from another program's CSV or vCard file.

Runs as a staff user (a manager or the owner: data/permissions.py); the
import's audit entry names them. The reading is data/client_files.py's, the
import data/client_import.py's: this module prints what they say."""

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..data.text import strip_controls

if TYPE_CHECKING:
    from ..data.client_files import ClientFile
    from ..data.client_import import ImportResult


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-clients",
        help="import clients from a CSV or vCard file",
        description="Read FILE (CSV: comma, semicolon or tab, any common encoding; or vCard), map its columns "
        "onto client fields (guessed from its headings, or --mapping), clean every row with the client form's "
        "rules and import it in one transaction. Rows that break a rule are listed with their row number and "
        "written to a rejects file; with any of them nothing is imported unless --accept-valid. Duplicates (the "
        "same name with the same phone or email) are skipped, merged or imported (--duplicates). Exit 0 when "
        "every row was imported, or skipped or merged as a duplicate; 1 when rows were rejected and the others "
        "imported (--accept-valid); 2 when nothing could be imported (not a client file, no column for a "
        "name, rejected rows without --accept-valid).",
    )
    parser.add_argument("file", metavar="FILE", help="the CSV or vCard (.vcf) file")
    parser.add_argument("--mapping", metavar="TEMPLATE.json", help="the columns' mapping saved with --save-mapping")
    parser.add_argument("--save-mapping", metavar="TEMPLATE.json", help="save the mapping used, for the next file")
    parser.add_argument("--dry-run", action="store_true", help="do everything but change nothing: say what would be")
    parser.add_argument(
        "--duplicates",
        choices=("skip", "merge", "import"),
        default="skip",
        help="a row that duplicates a client or an earlier row: skip it (default), merge it (fill the client's "
        "empty fields) or import it anyway",
    )
    parser.add_argument("--accept-valid", action="store_true", help="import the valid rows even if some are rejected")
    parser.add_argument(
        "--rejects", metavar="FILE.csv", help="where the rejected rows go (default: beside FILE, NAME.rejects.csv)"
    )
    parser.set_defaults(handler=run, needs_user=True)


def run(args: argparse.Namespace) -> int:
    from ..data.client_files import check_mapping, guess_mapping, load_mapping, open_client_file, save_mapping
    from ..data.client_import import Duplicates, import_clients, rejects_path, write_rejects
    from ..data.permissions import Permission, require

    require(Permission.IMPORT_CLIENTS)  # before the file is read: a refusal says so at once
    file = open_client_file(args.file)
    mapping = load_mapping(args.mapping) if args.mapping else guess_mapping(file.headers)
    print(shown(describe(file)))
    print(shown(describe_mapping(mapping, file.headers, args.mapping)))
    check_mapping(mapping, file.headers)
    if args.save_mapping:
        save_mapping(mapping, args.save_mapping)
        print(shown(f"Mapping saved to {args.save_mapping}"))
    with progress_bar(file) as progress:
        result = import_clients(
            file,
            mapping,
            duplicates=Duplicates(args.duplicates),
            accept_valid=args.accept_valid,
            dry_run=args.dry_run,
            progress=progress,
        )
    done = f"would be {DUPLICATE_DONE[args.duplicates]}" if args.dry_run else DUPLICATE_DONE[args.duplicates]
    lines = [(number, f"the same person as {duplicate}: {done}") for number, duplicate in result.duplicates]
    lines += [(rejected.number, rejected.reason) for rejected in result.rejected]
    for number, line in sorted(lines, key=lambda numbered: numbered[0]):
        print(shown(f"row {number}: {line}"))
    if result.rejected:
        path = Path(args.rejects) if args.rejects else rejects_path(file.path)
        try:
            write_rejects(result, file, path)
            print(shown(f"Rejected rows written to {path}"))
        except OSError as error:  # (the rows are listed above all the same)
            print(shown(f"spectra: cannot write the rejects file {path}: {error.strerror or error}"), file=sys.stderr)
    print(summary(result, args.accept_valid))
    if result.rejected and not args.accept_valid:
        return 2
    return 1 if result.rejected else 0


DUPLICATE_DONE = {"skip": "skipped", "merge": "merged", "import": "imported anyway"}


def shown(text: str) -> str:
    """Text from the file (its headings, names) never reaches the terminal with a control character in it."""
    return strip_controls(text, multiline=True)


def describe(file: "ClientFile") -> str:
    if file.kind == "vcard":
        return f"{file.path.name}: vCard, {file.encoding}"
    delimiter = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(file.delimiter, repr(file.delimiter))
    return f"{file.path.name}: CSV, {file.encoding}, {delimiter}-separated, {len(file.headers)} columns"


def describe_mapping(mapping: dict[str, str], headers: tuple[str, ...], template: str | None) -> str:
    from ..data.client_files import FULL_NAME, IMPORT_FIELDS

    where = f"from {template}" if template else "guessed from the headings"
    lines = [f"Mapping ({where}):"]
    for heading, field in mapping.items():
        lines.append(f"  {heading} -> {'Full name' if field == FULL_NAME else IMPORT_FIELDS.get(field, field)}")
    left = [heading for heading in headers if heading not in mapping]
    if left:
        lines.append(f"  not imported: {', '.join(left)}")
    return "\n".join(lines)


def summary(result: "ImportResult", accept_valid: bool) -> str:
    counts = (
        f"imported {result.imported:,}, skipped {result.skipped:,}, merged {result.merged:,}, "
        f"rejected {len(result.rejected):,}"
    )
    refused = bool(result.rejected) and not accept_valid
    if result.dry_run and refused:
        return f"Dry run, nothing changed. The file would be refused for its rejected rows; without them: {counts}."
    if result.dry_run:
        return f"Dry run, nothing changed. It would be: {counts}."
    if refused:
        return (
            f"Nothing was imported: {rows(len(result.rejected))} rejected. Fix them, or run again with "
            f"--accept-valid to import the other rows ({counts})."
        )
    return f"Done: {counts}."


def rows(count: int) -> str:
    return f"{count:,} row was" if count == 1 else f"{count:,} rows were"


@contextmanager
def progress_bar(file: "ClientFile") -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr while the rows are read, when stderr is a terminal (rich.progress)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..data.client_files import count_rows

    columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("rows", total=count_rows(file))
        yield lambda done: bar.update(task, completed=done)
