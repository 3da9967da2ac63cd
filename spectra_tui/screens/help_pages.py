"""The Help hub's pages: each HOW DO I task and the BASIC STEPS of the
desktop program's quick reference, written for this program's keys.

Every key is named through the registry (keymap.key), so a page follows the
user's remaps; a page's text is made when it is shown. The key counts were
taken by doing each task in the running app (the demo studio)."""

import re
from dataclasses import dataclass

from rich.markup import escape

from . import keymap

_KEY = re.compile(r"\{(all:)?([\w.]+)\}")


def _key(match: re.Match[str]) -> str:
    """{invoice_record.payment} -> the action's key in force; {all:new_quick_sale}:
    every key of it (a key most terminals cannot send, and its fallback);
    {submit}, {list}: a key of Textual's own widgets (keymap.WIDGET_KEYS). Bold."""
    every, name = match.group(1), match.group(2)
    if name in keymap.WIDGET_KEYS:
        shown = keymap.widget_key(name)
    else:
        shown = keymap.active().all_keys(name) if every else keymap.key(name)
    return f"[b]{escape(shown)}[/b]"


def _unwrap(text: str) -> str:
    """The source's lines joined again: paragraphs and bullets keep their own lines."""
    text = text.strip().replace("\n  ", " ")  # a bullet's next lines
    return re.sub(r"(?<!\n)\n(?!\n|• )", " ", text)


@dataclass(frozen=True)
class HelpPage:
    title: str
    template: str  # the text, each key written {action id} or {widget key name}
    words: str = ""  # more words it is found by

    def text(self) -> str:
        """The page as Rich markup, with the keys in force."""
        return _KEY.sub(_key, _unwrap(self.template))

    def matches(self, query: str) -> bool:
        """Every word of the query is in the title, the text or the words."""
        haystack = f"{self.title} {self.words} {self.text()}".casefold()
        return all(word in haystack for word in query.casefold().split())


NEW_CLIENT = """\
From anywhere: {new_client} opens New Client.
• Type the first name; {submit} (or {next_field}) goes to the next field. Names and addresses are capitalised
  as you leave them; {client_fields.next_as_typed} leaves a field exactly as typed ("McAdams", "LLC").
• Phones, email and birthday are checked as you leave them.
• {save_close} saves and closes; {dialog.cancel} leaves (it asks first if you typed anything).

Pat Quill with a mobile number: {new_client}, Pat, {submit}, {submit} (no middle name), Quill, {submit},
{submit} (no company), the number, {save_close}: 6 keys besides the typing.

Also: in Client Search ({client_search}) {new_client} makes a new client and takes it; the Scheduling Wizard's
first step offers "New client…" (created when you confirm the booking); on an invoice, Bill-To
({invoice_record.bill_to}) opens Client Search, where {new_client} works the same.

Many clients from another program (a manager or the owner): in the Clients hub ({hub_clients})
{clients_hub.import} imports a CSV or vCard file. Type its path, {submit}; the columns are matched to the
client fields ({import_clients.field} on a column changes its field, {import_clients.save} / {import_clients.load}
save and load the matching as a template); the first rows show as they will be imported.
{import_clients.duplicates} chooses what becomes of a client already here (skip, merge, import anyway);
{import_clients.check} checks every row and lists the bad ones by row number; {import_clients.run} imports
(asked first when rows are bad: the valid rows or nothing; the bad rows are written to a file beside it).
"""

FIND_CLIENT = """\
From anywhere: {client_search} opens Client Search. Type part of the last or first name (or {next_field} to
the phone, email or city), {submit} goes to the list, {submit} opens the client: {client_search}, the name,
{submit}, {submit} — 3 keys.

In the Clients hub ({hub_clients}) the same search group is at the top: {hub_clients}, the name, {submit} to
the list ({list} to another client), {submit} opens it — 3 keys.

In the client record, {client_record.next_tab} / {client_record.previous_tab} step through its tabs (General,
Family, Sessions, Appointments, Invoices, Phone Calls, Notes).
"""

NEW_BOOKING = """\
On the calendar ({hub_calendar}): move to the day and time with the arrows, {calendar.activate} on an empty
slot starts the Scheduling Wizard there ({calendar.new} too).

From anywhere: {new_booking} starts the Scheduling Wizard; its first step asks for the client (Find a client…,
or New client…).

From a client record: {client_record.new_session} books a session, {client_record.new_appointment} an
appointment, for that client.

The wizard: Client › What › When › Check › Fee › Payment › Follow-ups › Summary. {wizard.next} takes each step
(the choices keep their defaults), {choice} changes a choice, {wizard.back} goes back a step. The date is
typed naturally: "wed 3pm", "12/3 10:30", "+2w". Nothing is written until the Summary's {wizard.next}.

A Family session for a client whose record is open, with its session fee invoice: {client_record.new_session},
{submit} (client), {submit} (session), {submit} {submit} {submit} (type, photographer, room), the date,
{submit}, then {submit} through Check, Fee, Payment, Follow-ups and Summary: 12 keys besides the date.

A session always involves the camera; any other meeting is an appointment.
"""

FIND_SESSION = """\
From anywhere: {session_search} opens Session Search. {next_field} to Client, type the name, {submit} opens
the session (the first that matches; {search_sessions.results} goes to the list to choose another):
{session_search}, {next_field}, the name, {submit} — 3 keys. The session number, the dates, the photographer
and the status narrow it too.

The Sessions hub ({hub_sessions}) has the same search. On the calendar ({hub_calendar}), {calendar.activate}
on a booking opens it.

From a client record: its Sessions tab ({client_record.next_tab} twice), then {table.open} on the session.
"""

NEW_INVOICE = """\
For a session: open the session (see FIND AN EXISTING SESSION), then {session_record.invoice} (Session
invoice): Session Fee, Initial Order or Re-Order, {list} and {submit}. A Session Fee invoice:
{session_record.invoice}, {submit} — 2 keys; an Initial Order: {session_record.invoice}, {list}, {submit} — 3
keys.

The Scheduling Wizard makes the session fee invoice with the booking. A sales presentation's Order info
({workflow.order_info} in the Workflow hub) makes the order invoice.

Not about a session (an à la carte frame): in the client record, {client_record.new_generic} makes a Generic
invoice; {client_record.new_estimate} an estimate, {client_record.new_credit_memo} a credit memo.

Paid at the counter at once, from anywhere: {all:new_quick_sale} opens Quick Sale, sold to the walk-in customer
({quick_sale.client} chooses a client instead). {quick_sale.add} adds the highlighted item (quick picks first),
{quick_sale.more}/{quick_sale.less} the quantity, {save_close} the payment (cash, the total; cash above it
gives change), {submit} takes it and shows the receipt — 4 keys from the hub.

Lines: {invoice_record.add_line} adds one: the item code, {submit} looks it up (an empty {submit} or
{invoice_line.price_list}: the price list), {save_close} saves the line — {invoice_record.add_line}, the code,
{submit}, {save_close}: 3 keys. {invoice_record.edit_line} edits the selected line.

The price lists themselves (a manager or the owner): {price_lists} (or "Price lists" in the command palette):
{table.open} on a list shows its items and packages; type to find one; {catalog_items.new_item} new item,
{catalog_items.new_package} new package, {catalog_items.edit} edits (price, cost, taxable, quick pick…),
{catalog_items.contents} a package's pieces, {catalog_items.hide} hides it from orders. {session_types}: the
session types with the list each sells from. A new price never changes an invoice already made.
"""

FIND_INVOICE = """\
With its number: {hub_invoices} opens the Invoices hub with the cursor in the Invoice # box; type the number,
{submit} opens it ("E12" opens estimate 12): {hub_invoices}, the number, {submit} — 2 keys. Elsewhere in the
hub, {invoices.number} goes back to the box.

The list below shows every invoice; Show, From/To and Sort narrow and order it.

From a client record: its Invoices tab ({client_record.next_tab} four times), then {table.open} on the
invoice. From a session record: its Invoices tab ({session_record.tab_invoices}), {next_field} to the list,
{table.open}.
"""

PAYMENT = """\
Open the invoice (see FIND AN EXISTING INVOICE), then {invoice_record.payment}: the amount is the balance due
and the method the studio's usual one; {submit} takes it: {invoice_record.payment}, {submit} — 2 keys. More
than is due is asked about at the amount ({submit} again takes it) and stays as a credit on the invoice.

Another method: {next_field} to Method, {choice} chooses (a check needs its number in Reference, the next
field), then {submit} or {save_close} takes the payment.

{invoice_record.refund} refunds, {invoice_record.void_entry} voids a payment (a new entry: money records are
never edited). {invoice_record.file_menu} opens the File menu with every action of the invoice.
"""

DEPOSIT = """\
When the client has deposits on hand, {invoice_record.payment} first offers them: {deposits.apply_all} applies
them all, {deposit_list.apply_ticked} applies the ticked ones, {deposits.skip} skips to the payment. The
payment then asks only for what is still due: {invoice_record.payment}, {deposits.apply_all} — 2 keys;
{submit} then takes the rest.

{invoice_record.deposit} on the invoice applies deposits without taking a payment.

To take a deposit: in the client record, {client_record.new_deposit}, the amount, {submit} — 2 keys.
"""

TRANSFER = """\
Open the invoice with the credit balance, then {invoice_record.transfer} (also in its File menu,
{invoice_record.file_menu}): choose the invoice to receive the credit with {list}, {submit} moves it (the
amount is what that invoice needs, or the whole credit): {invoice_record.transfer}, {list}, {submit} — 3 keys.
"""

STEP_ADD_CLIENT = """\
From any hub: {new_client}, or {client_search} then {new_client}. You may skip this step: the Scheduling
Wizard adds the client as it books the session. See ENTER A NEW CLIENT.
"""

STEP_BOOK = """\
Open the calendar ({hub_calendar}), {calendar.people} chooses whose bookings are shown, move to the day and
time and press {calendar.activate}: the Scheduling Wizard books the session, its session fee invoice and
future appointments. Or from a client record, {client_record.new_session}. See ENTER A NEW SESSION OR
APPOINTMENT.
"""

STEP_INVOICE = """\
The Scheduling Wizard's Fee step makes the session fee invoice as you book. Or open the session (from the
Sessions hub {hub_sessions}, the client's Sessions tab or the calendar) and press {session_record.invoice}:
Session Fee, Initial Order or Re-Order. See CREATE A NEW INVOICE.
"""

STEP_CHECK_IN = """\
When the client arrives: the Workflow hub ({hub_workflow}) opens on stage 1, Check In ({workflow.stage_1}).
{list} to the session, {stage_list.go}: the check-in shows the client, the session and its invoices to verify;
{submit} (or {check_in.confirm}) moves it to Capture Images Pending: {hub_workflow}, {list}, {stage_list.go},
{submit}. From the session record, {session_record.advance} advances its status.
"""

STEP_CAPTURE = """\
The Workflow hub ({hub_workflow}), stage 2, Capture Images ({workflow.stage_2}): select the session, then
{workflow.capture} for tethered capture ({capture.shoot} takes a picture) or {workflow.import_images} to
import the pictures of a folder or memory card. When asked, advance the status to Sales Presentation Pending
({workflow.advance}). From an open session, {session_record.import_images} imports too.
"""

STEP_PRESENT = """\
The Workflow hub ({hub_workflow}), stage 3, Sales Presentation ({workflow.stage_3}): select the session,
{workflow.present} starts the presentation in an image viewer beside the app (on the display; mpv or
imv are driven from here, the app shows which image is on the viewer), {workflow.present_here} in the terminal
({presentation.next} / {presentation.previous} move, {presentation.go_to} goes to an image number,
{presentation.order_info} Order info, {presentation.end} ends it and closes the viewer).
{workflow.order_info} opens Order info (below).
Prepare the images first ({workflow.prepare}, or an open session's Images tab): {prepare.favourite} marks a
favourite, {prepare.hide} hides an image from the presentation, {prepare.up} / {prepare.down} move it earlier or
later ({prepare.to_position}: to a position typed), {prepare.compare} compares two side by side. Every terminal
sees the marks and the order.
"""

ORDER_INFO = """\
ORDER INFO. During the presentation, {presentation.order_info} opens Order info beside it (or
{workflow.order_info} in the Workflow hub, stage 3). The left list is the session type's price list, quick
picks first; {order_info.add} adds the highlighted item for the image in Image # (the image on screen; it
follows the viewer, and {order_info.previous_image} / {order_info.next_image} move the presentation).
{order_info.image} types another image number. A package comes with all its pieces from that image: on the
order ({next_field}), {order_info.pieces} gives each piece its image; each image past the package's minimum adds its
pose fee. {order_info.more} / {order_info.less} change a quantity, {order_info.remove} removes. The total with
tax is always shown.

{save_close} records the order: the session's Initial Order invoice (a Re-Order when it has one), one line per
item and image; its payment is offered at once, the client's deposits first. Nothing is written before that,
and {order_info.close} asks before throwing a half-built order away.
"""

PAGES: list[HelpPage] = [
    HelpPage("ENTER A NEW CLIENT", NEW_CLIENT, "add client customer create import csv vcard file"),
    HelpPage("FIND AN EXISTING CLIENT", FIND_CLIENT, "search look up customer"),
    HelpPage("ENTER A NEW SESSION OR APPOINTMENT", NEW_BOOKING, "book schedule wizard calendar"),
    HelpPage("FIND AN EXISTING SESSION", FIND_SESSION, "search look up"),
    HelpPage(
        "CREATE A NEW INVOICE",
        NEW_INVOICE,
        "order session fee generic estimate credit memo line price list item package session type quick sale",
    ),
    HelpPage("FIND AN EXISTING INVOICE", FIND_INVOICE, "search number look up"),
    HelpPage("ENTER A PAYMENT", PAYMENT, "pay money cash check card refund"),
    HelpPage("APPLY CLIENT DEPOSIT TO AN INVOICE", DEPOSIT, "deposits apply payment"),
    HelpPage("TRANSFER A CREDIT BALANCE", TRANSFER, "move credit invoice"),
    HelpPage("STEP 1 · ADD CLIENT", STEP_ADD_CLIENT, "basic steps new client"),
    HelpPage("STEP 2 · BOOK SESSION", STEP_BOOK, "basic steps calendar schedule"),
    HelpPage("STEP 3 · CREATE INVOICE", STEP_INVOICE, "basic steps session fee"),
    HelpPage("STEP 4 · CHECK IN", STEP_CHECK_IN, "basic steps workflow arrive"),
    HelpPage("STEP 5 · CAPTURE IMAGES", STEP_CAPTURE, "basic steps workflow camera tethered import"),
    HelpPage(
        "STEP 6 · DIGITAL PRESENTATION",
        STEP_PRESENT + "\n" + ORDER_INFO,
        "basic steps workflow sales order info package pose re-order sell",
    ),
]


def matching(query: str) -> list[HelpPage]:
    """The pages with every word of the query (all of them for an empty
    query); those with the words in their title first."""
    words = query.casefold().split()
    found = [page for page in PAGES if page.matches(query)]
    return sorted(found, key=lambda page: not all(word in page.title.casefold() for word in words))
