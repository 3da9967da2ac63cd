"""Drawing a session's pictures: the one way screens put an image on screen.

textual-image's widget draws kitty graphics / Sixel where the terminal has
them, half-blocks elsewhere. It is never handed a file: ``show_picture``
decodes the file first (``capture.previews.picture_for_screen``), so a
truncated, empty or non-picture file becomes a placeholder line instead of an
error inside the terminal's rendering (which closed the app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..capture.previews import UnreadablePicture, picture_for_screen

if TYPE_CHECKING:
    from pathlib import Path

    from textual.dom import DOMNode
    from textual_image.widget import AutoImage, SixelImage


def preview_widget(**kwargs: Any) -> AutoImage | SixelImage:
    """An empty textual-image widget; ``show_picture`` fills it."""
    from textual_image.widget import Image

    return Image(None, **kwargs)


def preview_at(node: DOMNode, selector: str) -> AutoImage | SixelImage:
    """The ``preview_widget`` at ``selector`` under ``node``."""
    from textual_image.widget import Image

    return node.query_one(selector, Image)


def cannot_be_shown(number: int, why: str) -> str:
    return f"Image {number} cannot be shown: {why}."


def show_picture(widget: AutoImage | SixelImage, path: Path, number: int, longest_side: int | None = None) -> str:
    """Draw image ``number`` (the file ``path``) in ``widget``.

    Returns "" when it is drawn; else the widget is emptied and the placeholder
    text (``cannot_be_shown``) is returned for the caller to show.
    """
    try:
        picture = picture_for_screen(path) if longest_side is None else picture_for_screen(path, longest_side)
    except UnreadablePicture as error:
        widget.image = None
        return cannot_be_shown(number, str(error))
    widget.image = picture
    return ""
