"""Calendar hub (F4): the studio's bookings by day, week and month.

- Day view: one column per photographer (plus staff who have appointments
  that day, the "Studio" column for appointments with nobody assigned, and
  one column per room), one line per time slot (setting ``slot_minutes``).
- Week view: one column per day; overlapping bookings side by side.
- Month view: six weeks, each day with its bookings as far as they fit.

Sessions are solid blocks in their session type's colour (``▌`` edge);
appointments are italic on the plain background with a dotted ``┆`` edge.
Studio hours, closed weekdays and holidays are shaded and labelled. When the
terminal is narrow (80 columns), fewer days or columns are shown and the
window follows the cursor (◀ ▶ say there is more); names end in … rather
than being cut.

The grid is ONE widget drawn with the Line API from the rows of
``data.calendar.calendar_week`` / ``bookings_between`` (a handful of
queries per view), never a widget per booking.

Keys: arrows move between slots (day/week) or days (month), PgUp/PgDn a
period, t today, g go to a date typed naturally, v cycles the views, p
chooses whose bookings are shown, c shows cancelled ones. Enter (or a
double click) on an empty slot opens the Scheduling Wizard for that
photographer and time; on a booking it opens it (a session's record, an
appointment's dialog). m moves a booking with the arrows (Enter drops it
there), r gives it a new time typed naturally, x cancels it with a reason, o
marks a no-show. Every change goes through data.booking under the studio's
conflict policy (never / ask / always).

The rooms of this package: ``view`` (what a view shows, loaded from
data.calendar), ``grid`` and ``month`` (the grid widget), ``labels`` (text
fitted to cells), ``hub`` and ``status`` (the screen, its title and status
bar), ``changes`` (the keys that change a booking), ``policy`` (the
conflict-policy flow), and the dialogs: ``pickers`` (go to, people),
``booking_dialogs`` (new time, cancel, no-show), ``appointment``.
"""

from .appointment import AppointmentDialog
from .booking_dialogs import RescheduleDialog, input_format
from .grid import CalendarGrid
from .hub import CalendarHub
from .labels import fit
from .pickers import GoToDialog, PeopleFilterDialog
from .policy import run_under_policy
from .view import DAY, MONTH, WEEK, load_view

__all__ = [
    "DAY",
    "MONTH",
    "WEEK",
    "AppointmentDialog",
    "CalendarGrid",
    "CalendarHub",
    "GoToDialog",
    "PeopleFilterDialog",
    "RescheduleDialog",
    "fit",
    "input_format",
    "load_view",
    "run_under_policy",
]
