"""The Scheduling Wizard: book a session or an appointment, with its fee
invoice, money taken now and follow-up appointments, in ONE transaction.

Opened by Ctrl+P from anywhere, by Enter (or a double click) on an empty
calendar slot (photographer and time filled in), and by New Session / New
Appointment in a client or session record (``app.open_scheduling_wizard``).

Steps: 1 client (search, or a new client entered on the fly: created only
when the booking is confirmed), 2 session or appointment (and what it is
linked to), 3 type / photographer / room / date and time typed naturally and
always shown back as an exact date, 4 the conflict check under the studio's
policy (never / ask / always), 5 the session fee invoice, 6 a payment or
deposit now, 7 future appointments linked to the booking, 8 the summary
(``data.booking.preview``). Confirm calls ``data.booking.book`` once: an
error or Cancel at any step leaves nothing behind.

Keys: Tab / Shift+Tab between fields, ←/→ (or Space, or a letter) change a
choice, Enter = next, Escape = back (on the first step: cancel, asking when
something was entered), Ctrl+W = confirm on the summary (elsewhere: go to the
summary). Fits 80x24.

The package: ``state`` (the booking being built), one module per step
(``client_step`` … ``summary_step``, each a ``step.WizardStep``), ``fields``
(the one-line choice field), ``new_client`` (a client entered on the fly) and
``screen`` (the wizard that hosts the steps).
"""

from .fields import ChoiceField
from .new_client import NewClientDialog
from .screen import SchedulingWizard

__all__ = ["ChoiceField", "NewClientDialog", "SchedulingWizard"]
