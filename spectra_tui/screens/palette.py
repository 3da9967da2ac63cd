"""The command palette's entries for the actions of the screen it was opened
on: a screen whose keys are not all in sight (a hub whose search field takes
letters) names them in ``PALETTE_ACTIONS`` (action ids of the registry) and
sets ``COMMANDS = {ScreenCommands}``. The app's own actions are listed by
app.SpectraCommands."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from . import keymap


class ScreenCommands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        for action_id in getattr(screen, "PALETTE_ACTIONS", ()):
            action = keymap.action_of(action_id)
            text = f"{action.description}  ({keymap.key(action_id)})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(screen.run_action, action.action), help=action.group)
