"""Clients: the Clients hub (F5), Client Search (Ctrl+L), New Client (Ctrl+N)
and the client record.

Every rule is the data layer's (data.clients, data.ledger, data.invoices):
this module collects what was typed, calls the service, and shows the
service's message next to the field it names. Nothing typed is lost.

Auto-capitalisation happens as the receptionist LEAVES a name or address
field (smith -> Smith, mcdonald -> McDonald, o'brien -> O'Brien). F3 leaves
the field WITHOUT capitalising it, and the save keeps it as typed (the
desktop program's "While adding a client, F3 is used to prevent
auto-capitalization"). F3 is also the Workflow hub's key app-wide; screens
holding client fields set ``CAPTURES_F3`` while the focus is in a field, and
the app's hub action steps aside for them (see SpectraApp.action_open_hub).

The package, one module per room: ``search`` (the search panel, the hub,
the Client Search dialog), ``fields`` (the client fields widget and saving
them), ``form`` (New Client), ``record`` (the client record) with
``record_parts`` (its tab strip, ribbon, lists, family dialog) and
``cells`` (list cells). Other screens open a client through
``screens.open_record``.
"""

from .cells import all_at_once, fit, money_cell
from .fields import (
    BIRTHDAY_FORMAT,
    CAPITALIZED,
    CHECK_FIELDS,
    COLUMNS,
    FORM_FIELDS,
    ClientFields,
    rebase_on_stored,
    save_fields,
)
from .form import ClientForm
from .record import ClientRecord
from .record_parts import CallsTable, FamilyMemberDialog, FamilyTable, KeyRibbon, TabStrip, tab_label
from .search import ClientSearch, ClientSearchDialog, ClientsHub

__all__ = [
    "BIRTHDAY_FORMAT",
    "CAPITALIZED",
    "CHECK_FIELDS",
    "COLUMNS",
    "FORM_FIELDS",
    "CallsTable",
    "ClientFields",
    "ClientForm",
    "ClientRecord",
    "ClientSearch",
    "ClientSearchDialog",
    "ClientsHub",
    "FamilyMemberDialog",
    "FamilyTable",
    "KeyRibbon",
    "TabStrip",
    "all_at_once",
    "fit",
    "money_cell",
    "rebase_on_stored",
    "save_fields",
    "tab_label",
]
