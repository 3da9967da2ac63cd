"""What every step of the wizard is: a pane over the shared state that the
wizard screen shows, enters and leaves."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.containers import Vertical

from .state import WizardState

if TYPE_CHECKING:
    from .screen import SchedulingWizard


class WizardStep(Vertical):
    """One step. ``enter`` draws it from the state when it is shown; ``leave``
    checks what was entered and writes it into the state (False: stay here,
    the error is shown)."""

    step_id: ClassVar[str]  # the pane's id is "step-<step_id>"
    title: ClassVar[str]  # in the step bar

    def __init__(self, state: WizardState):
        super().__init__(id=f"step-{self.step_id}", classes="step")
        self.state = state

    @property
    def wizard(self) -> SchedulingWizard:
        return self.screen  # type: ignore[return-value]

    def applies(self) -> bool:
        """Whether this booking has this step (skipped steps are struck through)."""
        return True

    def fill(self) -> None:
        """Set the fields from the state once, when the wizard opens."""

    def enter(self) -> None:
        """Draw the step from the state as it is shown."""

    def leave(self) -> bool:
        return True

    def focus_first(self) -> None:
        """Focus the step's first field."""
        for widget in self.screen.focus_chain:
            if self in widget.ancestors:
                widget.focus()
                return
