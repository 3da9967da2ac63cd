"""Import Clients (from the Clients hub): a CSV or vCard file from another
program brought in as clients.

The screen shows what was detected in the file, the mapping (each column ->
the client field it fills, with the first row's value), a preview of the
first rows as they will be imported and the duplicates choice. Check runs
the import as a dry run and lists the bad rows; Import runs it for real.
Both run in a worker thread (one transaction, data.client_import), with the
progress bar fed from there, so the screen never freezes. Reading the file is
data.client_files's; every rule (names, emails, dates, duplicates) is
data.client_import's.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, ProgressBar, Static

from ...data.client_files import (
    IMPORT_FIELDS,
    ClientFile,
    Mapping,
    check_mapping,
    count_rows,
    guess_mapping,
    load_mapping,
    open_client_file,
    preview,
    save_mapping,
)
from ...data.client_import import Duplicates, ImportResult, import_clients, save_rejects
from ...data.images import thread_connection
from ...data.permissions import Permission, why_not
from .. import keymap
from ..base import KeyBar, SpectraScreen, TitleBar
from ..dialogs import WRITE_ERRORS, ConfirmDialog, readable
from ..widgets import Note
from .import_dialogs import NOT_IMPORTED, CheckReport, FieldDialog, PathDialog, chosen_field, counts_line, field_label

PREVIEW_ROWS = 5
DUPLICATE_CHOICES = [
    (Duplicates.SKIP, "skip"),
    (Duplicates.MERGE, "merge"),
    (Duplicates.IMPORT, "import anyway"),
]
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


def cell(text: str, width: int) -> Text:
    """A value in a table cell of ``width``: one line (a note's lines joined), cut with an ellipsis."""
    if "\n" in text or "\r" in text:
        text = " ⏎ ".join(part.strip() for part in text.splitlines())
    shown = Text(text, no_wrap=True)
    shown.truncate(width, overflow="ellipsis")
    return shown


def detected(file: ClientFile, rows: int | None) -> str:
    """What the file was found to be: "CSV, semicolon, Windows-1252, 12 rows" / "vCard, 3 cards"."""
    if file.kind == "vcard":
        kind, unit = "vCard", "card"
    else:
        delimiter = DELIMITERS.get(file.delimiter, repr(file.delimiter))
        kind, unit = f"CSV, {delimiter}, {ENCODINGS.get(file.encoding, file.encoding)}", "row"
    count = "counting rows…" if rows is None else f"{rows:,} {unit}{'s' if rows != 1 else ''}"
    return f"{kind}, {count}"


class ImportClientsScreen(SpectraScreen):
    """The file's mapping, preview, check and import (see the module's docstring)."""

    DEFAULT_CSS = """
    ImportClientsScreen #ic-body { height: 1fr; padding: 0 1; }
    ImportClientsScreen #ic-file { height: 1; }
    ImportClientsScreen #ic-mapping { height: 1fr; min-height: 4; }
    ImportClientsScreen #ic-mapping-note { height: auto; color: $text-muted; }
    ImportClientsScreen #ic-mapping-note.-error { color: $error; }
    ImportClientsScreen #ic-preview-title { height: 1; text-style: bold; }
    ImportClientsScreen #ic-preview { height: auto; max-height: 40%; }
    ImportClientsScreen #ic-duplicates { height: 1; }
    ImportClientsScreen #ic-progress-row { height: 1; }
    ImportClientsScreen #ic-bar { width: auto; }
    ImportClientsScreen #ic-bar Bar { width: 24; }
    ImportClientsScreen #ic-progress-text { width: 1fr; padding-left: 1; }
    ImportClientsScreen #ic-result { height: auto; text-style: bold; }
    ImportClientsScreen #ic-result.-error { color: $error; }
    ImportClientsScreen .-hidden { display: none; }
    """
    BINDINGS = keymap.bindings("import_clients")

    def __init__(self, file: ClientFile) -> None:
        super().__init__()
        self.file = file
        self.mapping: Mapping = guess_mapping(file.headers)
        self.duplicates = Duplicates.SKIP
        self.rows: int | None = None  # the file's client rows, once counted
        self.running = False  # a check or an import is running in the worker
        self.imported = False  # the clients went in: done with this file
        self.last_check: tuple[Mapping, Duplicates, ImportResult] | None = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="ic-body"):
            yield Static("", id="ic-file")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="ic-mapping")
            yield Note("", id="ic-mapping-note")
            yield Label(
                f"Preview: the first {PREVIEW_ROWS} {self.unit}s as they will be imported", id="ic-preview-title"
            )
            yield DataTable(cursor_type="row", id="ic-preview")
            yield Static("", id="ic-duplicates")
            with Horizontal(id="ic-progress-row", classes="-hidden"):
                yield ProgressBar(id="ic-bar", show_eta=False)
                yield Static("", id="ic-progress-text")
            yield Note("", id="ic-result")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Spectra · Import Clients"
        self._show_file()
        self._show_duplicates()
        self._show_mapping()
        self.mapping_table.focus()
        self._count_rows()

    def on_resize(self) -> None:
        self._show_mapping(keep_cursor=True)

    @property
    def unit(self) -> str:
        """What the file holds: rows (CSV) or cards (vCard); the check and the rejects file number them so."""
        return "card" if self.file.kind == "vcard" else "row"

    @property
    def mapping_table(self) -> DataTable:
        return self.query_one("#ic-mapping", DataTable)

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#ic-result", Note).say(text, error)

    def _show_file(self) -> None:
        line = Text.assemble((self.file.path.name, "bold"), "  ", (detected(self.file, self.rows), ""))
        self.query_one("#ic-file", Static).update(line)

    @work(thread=True, group="import-clients-count")
    def _count_rows(self) -> None:
        """Count the rows in a worker thread (a big file takes a moment): for the bar and the line above."""
        try:
            rows = count_rows(self.file)
        except (*WRITE_ERRORS, OSError):
            return  # the check and the import say what is wrong with the file
        self.app.call_from_thread(self._counted, rows)

    def _counted(self, rows: int) -> None:
        self.rows = rows
        self._show_file()
        if self.running:  # started before the count was in: the bar gets its end now
            self.query_one("#ic-bar", ProgressBar).update(total=rows)

    def _show_duplicates(self) -> None:
        line = Text("Duplicates: ")
        for choice, words in DUPLICATE_CHOICES:
            line.append(f" {words} ", style="reverse bold" if choice == self.duplicates else "dim")
            line.append(" ")
        line.append(f" {keymap.key('import_clients.duplicates')} changes", style="dim")
        self.query_one("#ic-duplicates", Static).update(line)

    # ------------------------------------------------------------ the mapping and the preview

    def _widths(self, fixed: list[int]) -> int:
        """The room left for a table's last column after ``fixed`` columns (cell padding counted)."""
        room = self.query_one("#ic-body").content_region.width or self.app.size.width - 2
        return max(10, room - sum(width + 2 for width in fixed) - 2 - 2)  # the scrollbar, the last cell's padding

    def _show_mapping(self, keep_cursor: bool = False) -> None:
        """The mapping table (column, field, first row's value), the mapping's
        problem if it has one, and the preview."""
        try:
            shown = preview(self.file, self.mapping, limit=PREVIEW_ROWS)
        except (*WRITE_ERRORS, OSError) as error:
            shown = []
            self._say(readable(error) if not isinstance(error, OSError) else str(error), error=True)
        first = shown[0][0].values if shown else {}
        table = self.mapping_table
        cursor = table.cursor_row if keep_cursor or table.row_count else 0
        table.clear(columns=True)
        table.add_column("Field of the card" if self.file.kind == "vcard" else "Column in the file", width=22)
        table.add_column("Imported as", width=14)
        example_width = self._widths([22, 14])
        table.add_column(f"First {self.unit}", width=example_width)
        for heading in self.file.headers:
            field = self.mapping.get(heading, NOT_IMPORTED)
            table.add_row(
                cell(heading, 22),
                Text(field_label(field), style="" if field else "dim"),
                cell(first.get(heading, ""), example_width),
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)
        self._show_problem()
        self._show_preview(shown)

    def _show_problem(self) -> None:
        note = self.query_one("#ic-mapping-note", Note)
        try:
            check_mapping(self.mapping, self.file.headers)
        except WRITE_ERRORS as error:
            note.say(readable(error), error=True)
            return
        note.say(
            keymap.hint(
                ("import_clients.field", "changes the column's field"),
                ("import_clients.check", f"checks every {self.unit}"),
                ("import_clients.run", "imports"),
            )
        )

    def _show_preview(self, shown: list) -> None:
        """The first rows as they will be imported: a line per field, a column per row."""
        table = self.query_one("#ic-preview", DataTable)
        table.clear(columns=True)
        values = [mapped for _row, mapped in shown]
        label_width = 14
        table.add_column("Field", width=label_width)
        count = max(1, len(shown))
        width = max(6, (self._widths([label_width]) + 2) // count - 2)
        for row, _mapped in shown:
            table.add_column(f"{self.unit.capitalize()} {row.number}", width=width)
        if not shown:
            table.add_row("", Text("The file has no client rows.", style="dim"))
            return
        for field in IMPORT_FIELDS:
            if any(mapped.get(field) for mapped in values):
                table.add_row(field_label(field), *(cell(mapped.get(field, ""), width) for mapped in values))

    CHANGES_THE_IMPORT = {"choose_field", "next_duplicates", "check", "run_import", "load_template"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter chooses a field only in the mapping (the preview's Enter is its
        own). While a check or the import runs, and once the file is imported,
        the keys that would change or start one are shown dimmed."""
        if action == "choose_field" and self.focused is not self.mapping_table:
            return False
        if action in self.CHANGES_THE_IMPORT and (self.running or self.imported):
            return None
        return True

    def action_choose_field(self) -> None:
        if self.running or self.imported or not self.file.headers:
            return
        heading = self.file.headers[self.mapping_table.cursor_row]

        def chosen(field: str | None) -> None:
            if field is None:
                return
            field = chosen_field(field)
            if field == NOT_IMPORTED:
                self.mapping.pop(heading, None)
            else:
                self.mapping[heading] = field
            self._show_mapping(keep_cursor=True)

        filled_by = {field: other for other, field in self.mapping.items() if other != heading}
        self.app.push_screen(FieldDialog(heading, self.mapping.get(heading, NOT_IMPORTED), filled_by), chosen)

    def action_next_duplicates(self) -> None:
        if self.running or self.imported:
            return
        choices = [choice for choice, _words in DUPLICATE_CHOICES]
        self.duplicates = choices[(choices.index(self.duplicates) + 1) % len(choices)]
        self._show_duplicates()

    # ------------------------------------------------------------ templates

    def _template_path(self) -> str:
        return str(self.file.path.with_name(f"{self.file.path.stem}-mapping.json"))

    def action_load_template(self) -> None:
        if self.running or self.imported:
            return

        def loaded(mapping: Mapping | None) -> None:
            if mapping is not None:
                self.mapping = {heading: field for heading, field in mapping.items() if heading in self.file.headers}
                self._show_mapping(keep_cursor=True)
                left_out = sorted(set(mapping) - set(self.file.headers))
                self._say("Template loaded." + (f" Not in this file: {', '.join(left_out)}." if left_out else ""))

        self.app.push_screen(
            PathDialog(
                "Load a mapping template",
                "The template file (a mapping saved before):",
                load_mapping,
                initial=self._template_path(),
                confirm="Load",
            ),
            loaded,
        )

    def action_save_template(self) -> None:
        if self.running:
            return

        def saved(path: Path | None) -> None:
            if path:
                self._say(f"Mapping saved as {path}.")

        def save(path: Path) -> Path:
            save_mapping(self.mapping, path)
            return path

        self.app.push_screen(
            PathDialog(
                "Save the mapping as a template",
                "Save to (a JSON file; it is replaced if there):",
                save,
                initial=self._template_path(),
                confirm="Save",
            ),
            saved,
        )

    # ------------------------------------------------------------ check and import

    def _ready(self) -> bool:
        """Nothing running, not imported yet, and a mapping the import takes (else say why)."""
        if self.running:
            return False
        if self.imported:
            self._say(f"This file has been imported: {keymap.key('import_clients.close')} leaves.")
            return False
        try:
            check_mapping(self.mapping, self.file.headers)
        except WRITE_ERRORS as error:
            self._say(readable(error), error=True)
            return False
        return True

    def action_check(self) -> None:
        if self._ready():
            self._start(dry_run=True, accept_valid=False)

    def action_run_import(self) -> None:
        if not self._ready():
            return
        check = self.last_check
        if check and check[0] == self.mapping and check[1] == self.duplicates and check[2].rejected:
            self._ask_accept(check[2])  # the check found bad rows: ask first, not after a second pass
        else:
            self._start(dry_run=False, accept_valid=False)

    def _ask_accept(self, result: ImportResult) -> None:
        bad = len(result.rejected)
        first = result.rejected[0]
        question = (
            f"{bad:,} row{'s' if bad != 1 else ''} cannot be imported (row {first.number}: {first.reason.rstrip('.')}"
            f"{'; the check lists them all' if bad > 1 else ''}).\n\n"
            "Import the valid rows, and write the rejected ones to a file? Or import nothing?"
        )

        def answered(accept: bool | None) -> None:
            if accept:
                self._start(dry_run=False, accept_valid=True)
            else:
                self._finish_without_import(result)

        self.app.push_screen(ConfirmDialog(question, "Import the valid rows", "Import nothing"), answered)

    def _start(self, dry_run: bool, accept_valid: bool) -> None:
        self.running = True
        self.refresh_bindings()
        self._say("")
        self.query_one("#ic-progress-row").remove_class("-hidden")
        bar = self.query_one("#ic-bar", ProgressBar)
        bar.update(total=self.rows, progress=0)
        doing = "Checking" if dry_run else "Importing"
        self.query_one("#ic-progress-text", Static).update(f"{doing}…")
        self._run(dry_run, accept_valid)

    @work(thread=True, exclusive=True, group="import-clients")
    def _run(self, dry_run: bool, accept_valid: bool) -> None:
        """The worker thread: its own database connection; progress and the end reported to the screen."""
        doing = "Checking" if dry_run else "Importing"

        def progress(done: int) -> None:
            self.app.call_from_thread(self._progressed, done, doing)

        with thread_connection():
            try:
                result = import_clients(
                    self.file,
                    dict(self.mapping),
                    duplicates=self.duplicates,
                    accept_valid=accept_valid,
                    dry_run=dry_run,
                    progress=progress,
                )
            except WRITE_ERRORS as error:
                self.app.call_from_thread(self._failed, readable(error))
                return
            except Exception as error:  # the file changed or broke since it was opened: a message, not a crash
                self.app.call_from_thread(self._failed, f"The import stopped ({error}); nothing was imported.")
                return
        self.app.call_from_thread(self._finished, result, dry_run)

    def _progressed(self, done: int, doing: str) -> None:
        """A progress report from the worker: the rows read so far (then the clients are written in one go)."""
        bar = self.query_one("#ic-bar", ProgressBar)
        bar.update(progress=done)
        if self.rows is not None and done >= self.rows:
            line = f"{doing}: all {self.rows:,} rows read; finishing in one go…"
        else:
            line = f"{doing}: {done:,}{f' of {self.rows:,}' if self.rows is not None else ''} rows read…"
        self.query_one("#ic-progress-text", Static).update(line)

    def _failed(self, message: str) -> None:
        self.running = False
        self.refresh_bindings()
        self.query_one("#ic-progress-row").add_class("-hidden")
        self._say(message, error=True)

    def _finished(self, result: ImportResult, dry_run: bool) -> None:
        self.running = False
        self.refresh_bindings()
        bar = self.query_one("#ic-bar", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#ic-progress-text", Static).update("Check done." if dry_run else "Import done.")
        if dry_run:
            self.last_check = (dict(self.mapping), self.duplicates, result)
            self._say(f"Check: {counts_line(result, would=True)}. Nothing has been imported.")
            self.app.push_screen(CheckReport(result, self.unit))
        elif result.committed:
            self._finish_imported(result)
        elif result.rejected:
            self._ask_accept(result)
        else:
            self._failed("Nothing was imported.")

    def _finish_imported(self, result: ImportResult) -> None:
        self.imported = True
        self.refresh_bindings()
        text = f"{counts_line(result, would=False)}."
        if result.rejected:
            text += f" {self._rejects_where(result)}"
        self._say(text)

    def _finish_without_import(self, result: ImportResult) -> None:
        self.imported = False
        self._say(
            f"Nothing was imported. {self._rejects_where(result)}",
            error=True,
        )

    def _rejects_where(self, result: ImportResult) -> str:
        """Where the rejected rows were written, as a sentence."""
        count = len(result.rejected)
        where = self._write_rejects(result)
        return (
            f"The rejected {self.unit} is in {where}"
            if count == 1
            else f"The {count:,} rejected {self.unit}s are in {where}"
        )

    def _write_rejects(self, result: ImportResult) -> str:
        try:
            return str(save_rejects(result, self.file))
        except OSError as error:
            return f"no file: it could not be written ({error.strerror or error})"

    def action_close(self) -> None:
        """Leave: nothing is imported unless Import ran (nothing is lost by leaving)."""
        if self.running:
            self.notify("The import is running; it ends in one go (one transaction). Leave when it is done.")
            return
        self.dismiss(self.imported)


def import_clients_from_a_file(screen: SpectraScreen) -> None:
    """The Clients hub's action: refused with the permission's words, else
    the file's path asked (the dialog stays open on a file it cannot read),
    then the Import Clients screen."""
    refused = why_not(Permission.IMPORT_CLIENTS)
    if refused:
        screen.notify(refused, title="Import clients", severity="error", timeout=8)
        return

    def opened(file: ClientFile | None) -> None:
        if file is not None:
            screen.app.push_screen(ImportClientsScreen(file))

    screen.app.push_screen(
        PathDialog(
            "Import clients",
            "The file to import: a CSV file (from a spreadsheet, an address book, a mail program) or vCards (.vcf).",
            open_client_file,
            confirm="Open",
        ),
        opened,
    )
