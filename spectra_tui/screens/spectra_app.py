"""The app a screen runs in, as the Spectra app: Textual types ``node.app``
as any App, and a few screens call the Spectra app's own methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from ..app import SpectraApp


def spectra_app(node: DOMNode) -> SpectraApp:
    """``node.app``, typed as what it is when Spectra runs."""
    return cast("SpectraApp", node.app)
