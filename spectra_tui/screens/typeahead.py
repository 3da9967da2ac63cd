"""Keys typed ahead of the screen: handled one at a time, in the order typed.

Textual hands a key from the terminal to the widget focused when the key
ARRIVES. A burst read in one go ("Cal", Tab, "Dee") is handed out at once:
the Tab moves the focus only when it has travelled up from the first name to
the app's bindings, and by then "Dee" is already queued in the first name
("CalDee"). Keys typed after Ctrl+N or Enter reached the screen being left
in the same way.

So the app hands out the next key only once the previous one is done with:
it has gone up from the widget it was given to (the bindings run at the
app), what its action posted along that way has been handled (a table's
Enter posts the row chosen, and the screen opens the record), a screen it
opened or closed has mounted, and the screen has been drawn once and taken
the focus (a wizard step focuses its field after a refresh). Each step is a
callback queued behind the key in a widget's own queue, so the wait is as
long as the work and no longer. A key that starts work in the background
which the next keys depend on (Enter going to search results still being
fetched, a list's End loading its last pages) holds them (``hold_keys``)
until that work is done (as long as a slow query; the watchdog below lets
the keys go after STUCK_AFTER seconds).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from time import monotonic

from textual import events
from textual.app import App, ScreenStackError
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

from .compat import key_stopped, parent_of

STUCK_AFTER = 2.0
"""Seconds after which a key still not done lets the next ones go (a widget
closed with our callback in its queue): a key may then come out of order,
but none is ever held for good."""


@dataclass(frozen=True)
class AfterRefresh:
    """A step of a key's path: the callbacks ``screen`` runs once drawn."""

    screen: Screen


Step = MessagePump | AfterRefresh


class KeyQueue:
    """The app's keys from the terminal, handed out one at a time."""

    def __init__(self, app: App, deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self._app = app
        self._deliver = deliver  # Textual's own handling of one key (App.on_event)
        self._waiting: deque[events.Key] = deque()
        self._steps: Iterator[Step] | None = None  # where the current key still has to be followed
        self._since = 0.0
        self._watchdog: Timer | None = None
        self._current: events.Key | None = None
        self._reached_app = False  # the current key came up to the app: a binding ran, or none took it
        self._holds: list[Callable[[Callable[[], None]], None]] = []  # work the next keys wait for
        self._key_screen: Screen | None = None  # the screen shown when the current key came

    @property
    def busy(self) -> bool:
        """A key is being handled."""
        return self._steps is not None

    @property
    def pending(self) -> int:
        """Keys not yet done with (the one being handled and those waiting)."""
        return len(self._waiting) + self.busy

    async def receive(self, key: events.Key) -> None:
        """A key from the terminal (or a click on the key bar): handled now, or
        after the ones before it. A key coming back up from a widget goes on at
        once (to the app's bindings)."""
        if key.is_forwarded:
            if key is self._current:
                self._reached_app = True
            await self._deliver_unless_closing(key)
            return
        self._waiting.append(key)
        if self._watchdog is None:
            self._watchdog = self._app.set_interval(STUCK_AFTER / 2, self._check_stuck, name="key queue watchdog")
        if not self.busy:
            await self._next()

    async def _next(self) -> None:
        if self.busy or not self._waiting:
            return
        key = self._waiting.popleft()
        screen = self._screen()
        if screen is None:  # the app is closing: nothing left to type into
            self._waiting.clear()
            return
        target: MessagePump = self._app.focused or screen
        self._steps = iter(())  # busy from here: keys read meanwhile wait their turn
        self._since = monotonic()
        self._current, self._reached_app = key, False
        try:
            delivered = await self._deliver_unless_closing(key)
        except BaseException:
            self._steps = None
            raise
        if not delivered:
            self._steps = None
            self._waiting.clear()
            return
        self._key_screen = screen
        self._steps = self._path(key, target, screen)
        self._step()

    def _path(self, key: events.Key, target: MessagePump, screen: Screen) -> Iterator[Step]:
        """The message queues to go through, in order, before the next key."""
        if key.is_forwarded:
            yield from self._upwards(target, key)  # the key itself, bubbling to the app's bindings
        if self._reached_app or not key.is_forwarded:  # a binding ran (not a letter taken by a field)
            yield from self._upwards(target)  # what its action posted on the way from the focus up
            yield from self._screen_and_focus(screen, drawn=True)
        else:
            yield from self._screen_and_focus(screen)

    def _screen_and_focus(self, screen: Screen, drawn: bool = False) -> Iterator[Step]:
        now = self._screen()
        if now is not None and now is not screen:
            yield now  # a screen opened or closed: mounted, resumed
        if drawn and now is not None:
            yield AfterRefresh(now)  # what waits for the screen to be drawn (a wizard step takes the focus so)
        yield self._app  # the focus, which widgets set through the app's queue

    def _after_work(self, screen: Screen) -> Iterator[Step]:
        """What held work set off when done (a row chosen, so a record opens)."""
        focused = self._app.focused
        if focused is not None:
            yield from self._upwards(focused)
        yield from self._screen_and_focus(screen, drawn=True)

    async def _deliver_unless_closing(self, key: events.Key) -> bool:
        """Hand ``key`` to Textual; False when the app closed its last screen
        meanwhile (keys typed as it quits have nothing left to go to)."""
        try:
            await self._deliver(key)
        except ScreenStackError:
            if self._screen() is not None:
                raise
            return False
        return True

    def _screen(self) -> Screen | None:
        try:
            return self._app.screen
        except ScreenStackError:  # none left: the app is closing
            return None

    @staticmethod
    def _upwards(node: MessagePump, key: events.Key | None = None) -> Iterator[MessagePump]:
        """``node`` and its parents up to the app; following ``key``, only as
        far as it goes (a screen always passes a key on to the app)."""
        current: MessagePump | None = node
        while current is not None:
            yield current
            if key is not None and key_stopped(key) and not isinstance(current, Screen):
                return
            current = parent_of(current)

    def _step(self) -> None:
        """Queue a callback behind what ``node`` has to handle; the last one frees the next key."""
        steps = self._steps
        if steps is None:
            return
        for node in steps:
            if isinstance(node, AfterRefresh):
                if node.screen.call_after_refresh(self._stepped, steps):
                    return
            elif node.call_later(self._stepped, steps):
                return
            # (a closed widget has nothing left to handle)
        if self._holds:
            self._holds.pop(0)(partial(self._released, steps))
        else:
            self._done()

    def _stepped(self, steps: Iterator[Step]) -> None:
        if steps is self._steps:  # not let go by the watchdog meanwhile
            self._step()

    def hold(self, until: Callable[[Callable[[], None]], None]) -> None:
        """The key being handled started work the next keys depend on:
        ``until(release)`` calls ``release`` once it is done."""
        if self.busy:
            self._holds.append(until)

    def _released(self, steps: Iterator[Step]) -> None:
        if steps is self._steps and self._key_screen is not None:
            self._steps = self._after_work(self._key_screen)
            self._step()

    def _done(self) -> None:
        self._steps, self._current, self._key_screen = None, None, None  # (nothing kept alive)
        self._holds.clear()
        if self._waiting:
            self._app.call_next(self._next)

    def _check_stuck(self) -> None:
        if self.busy and monotonic() - self._since > STUCK_AFTER:
            self._done()


def hold_keys(node: DOMNode, until: Callable[[Callable[[], None]], None]) -> None:
    """The next keys typed wait until ``until(release)`` calls ``release``
    (for a key whose work goes on in the background)."""
    queue = getattr(node.app, "typed_keys", None)
    if isinstance(queue, KeyQueue):
        queue.hold(until)
