"""Preparing a session's images for the sales presentation: favourites,
hidden images and the order they are shown in.

It is stored on the ``SessionImage`` rows, so every terminal sees it:
``favourite`` and ``hidden`` marks, and ``position``, the place in the
presentation order (None: not placed yet; such images follow the placed ones
by number, so images imported after a reorder come at the end).

Decisions:
- The presentation shows the images in the order the photographer arranged,
  hidden ones left out. A favourite is a mark (a star beside the number), not
  a place: moving favourites to the front is a move the photographer makes.
- A mark is set to the value the user asked for (``set_favourite(image,
  True)``), never flipped blindly: when another terminal marked the image
  meanwhile, nothing changes twice.
- A move rewrites the whole session's order as 1..n in one transaction, each
  row guarded by its version (data/versions.py): two terminals moving images
  at once are serialised (SQLite's IMMEDIATE transaction; on PostgreSQL a
  deadlock or serialization failure runs the call again, @write_transaction)
  or the second is refused, and the order never gets gaps or doubles.
- Every change is audited (who hid image 7 before the client saw the set is a
  question a studio asks); the entries name the image, before and after.
"""

from __future__ import annotations

from pathlib import Path

from . import audit
from .db import write_transaction
from .errors import NotFound, ValidationError
from .images import ImageFile, image_files
from .models import Session, SessionImage
from .versions import write_changes


def prepared_images(session: Session) -> list[SessionImage]:
    """Every image of the session in presentation order, hidden ones included."""
    return list(
        SessionImage.select()
        .where(SessionImage.session == session.id)
        .order_by(SessionImage.position.is_null(), SessionImage.position, SessionImage.number)
    )


def presentation_images(session: Session) -> list[SessionImage]:
    """The images to show, in order: hidden ones left out."""
    return [image for image in prepared_images(session) if not image.hidden]


def presentation_files(session: Session, root: Path | str | None = None) -> list[ImageFile]:
    """``presentation_images`` with their files (what a viewer is given)."""
    return image_files(session, presentation_images(session), root)


def _stored(session: Session, image: SessionImage) -> SessionImage:
    """The image as stored now, checked to be one of ``session``'s."""
    if image.session_id != session.id:
        raise ValidationError(f"Image {image.number} is not an image of session {session.number}.")
    stored = SessionImage.get_or_none(SessionImage.id == image.id)
    if stored is None:
        raise NotFound(f"Image {image.number} of session {session.number} no longer exists: it was removed.")
    return stored


def _what(session: Session, image: SessionImage) -> str:
    return f"Image {image.number} of session {session.number}"


@write_transaction
def set_favourite(session: Session, image: SessionImage, favourite: bool) -> SessionImage:
    """Mark (or unmark) the image as a favourite; returns it as stored."""
    return _mark(session, image, "favourite", favourite, "image.favourite" if favourite else "image.unfavourite")


@write_transaction
def set_hidden(session: Session, image: SessionImage, hidden: bool) -> SessionImage:
    """Hide the image from the presentation (or show it again); returns it as stored."""
    return _mark(session, image, "hidden", hidden, "image.hide" if hidden else "image.show")


def _mark(session: Session, image: SessionImage, field: str, value: bool, action: str) -> SessionImage:
    """Set a mark to ``value`` (never flipped blindly), audited when it changes."""
    stored = _stored(session, image)
    before = getattr(stored, field)
    if write_changes(stored, _what(session, stored), **{field: value}):
        audit.record(action, "session_image", stored.id, {field: before}, {field: value})
    return stored


@write_transaction
def move_to(session: Session, image: SessionImage, position: int) -> int:
    """Put the image at ``position`` (1 = shown first) of the session's order,
    the others keeping their order; returns the position it has now."""
    return _place(session, _stored(session, image), prepared_images(session), position)


def move_to_typed(session: Session, image: SessionImage, typed: str) -> int:
    """``move_to`` with the position as typed in a form ("3")."""
    text = (typed or "").strip()
    if not text.isdigit():
        raise ValidationError(f"Type the position as a number, 1 for the first image (not '{text}').", "position")
    try:
        return move_to(session, image, int(text))
    except ValidationError as error:
        raise ValidationError(error.message, "position") from None


@write_transaction
def move(session: Session, image: SessionImage, step: int) -> int:
    """Move the image ``step`` places (-1: up, one earlier; 1: down), stopping
    at either end; returns the position it has now."""
    stored = _stored(session, image)
    order = prepared_images(session)
    index = next((i for i, row in enumerate(order) if row.id == stored.id), 0)
    return _place(session, stored, order, min(max(index + 1 + step, 1), len(order)))


def _place(session: Session, stored: SessionImage, order: list[SessionImage], position: int) -> int:
    """Write ``order`` (the session's, as read now) with ``stored`` at ``position``, as 1..n."""
    if not 1 <= position <= len(order):
        raise ValidationError(
            f"Session {session.number} has {len(order)} image{'s' if len(order) != 1 else ''}: "
            f"a position is 1 to {len(order)}, not {position}."
        )
    was = next(index for index, row in enumerate(order) if row.id == stored.id) + 1
    moved = order.pop(was - 1)
    order.insert(position - 1, moved)
    for place, row in enumerate(order, 1):
        write_changes(row, _what(session, row), position=place)
    if was != position:
        audit.record("image.move", "session_image", stored.id, {"position": was}, {"position": position})
    return position
