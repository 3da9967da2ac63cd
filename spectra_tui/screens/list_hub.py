"""A hub that is one list paged from SQL under a row of filters (Production,
Phone Calls, Tasks): the filters make a query, the list loads it page by page,
and a line above the list says how many rows there are and the keys to use.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ..data.errors import DomainError
from .base import HubScreen
from .widgets import Note, PagedTable

COUNT_CAP = 10000  # the lists count no further (data/ counts with a cap)


def counted(count: int, noun: str) -> str:
    """'1 order', '2,431 orders', '10,000+ orders'."""
    shown = f"{COUNT_CAP:,}+" if count >= COUNT_CAP else f"{count:,}"
    return f"{shown} {noun}{'' if count == 1 else 's'}"


class ListHub(HubScreen):
    """Subclasses name their table and message line, the noun counted, and
    say how to build the query from the filters, fetch a page and count."""

    TABLE_ID = ""
    MESSAGE_ID = ""
    NOUN = ""

    def __init__(self) -> None:
        super().__init__()
        self._query: Hashable | None = None
        self._select_after_load: Any = None  # a row just made, highlighted once the list is back

    # ------------------------------------------------------------ what a hub says

    def build_query(self) -> Hashable:
        """The query the filters say (raise DomainError on a filter typed wrong)."""
        raise NotImplementedError

    def fetch(self, query: Any, after: Any, limit: int) -> list:
        raise NotImplementedError

    def count(self, query: Any) -> int:
        raise NotImplementedError

    def noun(self) -> str:
        """What the count counts ("order"; "queued message")."""
        return self.NOUN

    def keys_hint(self) -> str:
        """The keys shown after the count."""
        return ""

    def loaded(self) -> None:
        """After each load (the details under the list, say)."""

    # ------------------------------------------------------------ the list

    def on_mount(self) -> None:
        super().on_mount()
        self.search()
        self.table.focus()

    def refresh_data(self) -> None:
        self.search(force=True)

    @property
    def table(self) -> PagedTable:
        return self.query_one(f"#{self.TABLE_ID}", PagedTable)

    def say(self, text: str, error: bool = False) -> None:
        self.query_one(f"#{self.MESSAGE_ID}", Note).say(text, error)

    def select_after_load(self, key: Any) -> None:
        self._select_after_load = key

    def search(self, force: bool = False) -> bool:
        """Load the list for the filters; not again when they did not change
        (unless forced: then the highlighted row stays highlighted)."""
        try:
            query = self.build_query()
        except DomainError as error:
            self.say(str(error), error=True)
            return False
        if query == self._query and not force:
            return True
        keep = self.table.selected_key if force else None
        self._query = query

        def show(count: int) -> None:
            highlight, self._select_after_load = self._select_after_load or keep, None
            if highlight is not None:
                self.table.move_to_key(highlight)
            self.loaded()
            hint = self.keys_hint()
            self.say(counted(count, self.noun()) + (f" · {hint}" if hint else ""))

        self.table.load(
            lambda after, limit: self.fetch(query, after, limit),
            show,
            lambda page: self.count(query),
        )
        return True
