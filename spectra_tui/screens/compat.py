"""Where Spectra leans on Textual's internals: every such place, in one module.

Each function works around something Textual 8.2.8 does that costs a studio
memory, time or privacy, and names the upstream issue. They touch private
names (``__watchers``, ``textual._styles_cache``, ``App._exception``...), so
``tests/screens/test_compat.py`` fails as soon as the Textual installed is not
TESTED_TEXTUAL: on an upgrade, read each one again, keep it only while the
issue is open, and move the pin.
"""

from __future__ import annotations

import gc

from textual import events
from textual.screen import Screen

TESTED_TEXTUAL = "8.2.8"


def forget_closed_watchers(node) -> None:
    """Drop the watchers that closed widgets left on ``node`` (Textualize/textual#6666).

    Textual drops a closed widget's watcher only when the watched value next
    changes, and the app's theme never does: every TextArea watches it (the
    notes of a client or a session). Without this each record opened kept its
    dead widgets alive: memory grew all day and each garbage collection took
    longer (pauses of 100+ ms)."""
    for entries in getattr(node, "__watchers", {}).values():
        entries[:] = [(reactable, callback) for reactable, callback in entries if not reactable._closing]


def release_closed_widgets(app) -> None:
    """After a screen closed: let its widgets go (called when a screen resumes).

    Besides the app's watchers (``forget_closed_watchers``), Textual's
    ``StylesCache.get_inner_outer`` is an lru_cache keyed by the widget's own
    styles cache (Textualize/textual#6665), so it holds up to 1,024 closed
    widgets with their drawn lines; emptying it costs nothing (it caches two
    small Style objects).

    Then the closed screen's widgets (cycles: parents and children) are
    collected at once, while the screen below is already drawn: left to the
    garbage collector, they reached its oldest generation and a full
    collection of 20-40 ms fell into every second record being opened."""
    forget_closed_watchers(app)
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()
    gc.collect()


def end_without_crash_screen(app, error: Exception) -> None:
    """End the app on an unexpected error WITHOUT Textual's crash screen,
    which prints every frame's local variables (client data among them).
    What Textual's own ``App._handle_exception`` does, less the printing:
    the error is kept for ``App.run`` (Pilot tests still see it raised) and
    the app closes; `spectra` then logs the traceback and says one line
    (cli/crash.py)."""
    app._return_code = 1
    if app._exception is None:
        app._exception = error
        app._exception_event.set()
    app._close_messages_no_wait()


def screens_of_mode(app, mode: str) -> list[Screen]:
    """The screen stack of ``mode`` (the app's current one or not; [] when
    the mode was never opened). Textual shows only the current mode's."""
    return list(app._screen_stacks.get(mode, []))


def lift_screens(app, mode: str) -> list[Screen]:
    """Take the screens above ``mode``'s first one (its hub) off its stack,
    ALIVE: what they hold (typed fields, result callbacks) stays. Textual has
    no call for this (pop_screen closes a screen and drops its callbacks),
    so the stack list is changed here, with the suspend and resume that
    push_screen and switch_mode send. ``put_back_screens`` restores them."""
    stack = app._screen_stacks.get(mode)
    if not stack or len(stack) < 2:
        return []
    lifted = stack[1:]
    shown = app.current_mode == mode
    del stack[1:]
    if shown:
        lifted[-1].post_message(events.ScreenSuspend())
        _show_top(app, stack[-1])
    return lifted


def put_back_screens(app, mode: str, screens: list[Screen]) -> None:
    """Put lifted screens back on top of ``mode``'s stack, as they were."""
    stack = app._screen_stacks[mode]
    shown = app.current_mode == mode
    if shown:
        stack[-1].post_message(events.ScreenSuspend())
    stack.extend(screens)
    if shown:
        _show_top(app, screens[-1])


def _show_top(app, screen: Screen) -> None:
    screen._screen_resized(app.size)  # (the terminal may have been resized meanwhile)
    screen.post_message(events.ScreenResume())
    screen.refresh()
    app.screen_change_signal.publish(screen)


def key_stopped(key) -> bool:
    """Whether a handler stopped ``key`` on its way up (Textual keeps that
    flag private; screens/typeahead.py follows a key only as far as it goes)."""
    return bool(key._stop_propagation)


def parent_of(node):
    """A message pump's parent (a widget's, a screen's: the app), which
    Textual keeps private on MessagePump; None at the app."""
    return node._parent
