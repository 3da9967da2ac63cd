"""The steps of setting up the studio (screens/first_start.py hosts them)."""

from .lists import RoomsStep, SessionTypesStep, StaffStep
from .step import SetupStep
from .studio import OwnerStep, StudioStep

STEP_CLASSES: list[type[SetupStep]] = [StudioStep, OwnerStep, StaffStep, RoomsStep, SessionTypesStep]

__all__ = ["STEP_CLASSES", "OwnerStep", "RoomsStep", "SessionTypesStep", "SetupStep", "StaffStep", "StudioStep"]
