"""The steps of setting up the studio (screens/first_start.py hosts them)."""

from .lists import PriceListStep, RoomsStep, SessionTypesStep, StaffStep
from .step import SetupStep
from .studio import OwnerStep, StudioStep

STEP_CLASSES: list[type[SetupStep]] = [StudioStep, OwnerStep, StaffStep, RoomsStep, SessionTypesStep, PriceListStep]

__all__ = [
    "STEP_CLASSES",
    "OwnerStep",
    "PriceListStep",
    "RoomsStep",
    "SessionTypesStep",
    "SetupStep",
    "StaffStep",
    "StudioStep",
]
