"""data/prepare.py: favourites, hidden images and the presentation order of a
session's images, stored for every terminal, guarded and audited."""

import datetime as dt

import pytest

from spectra_tui.data import images, prepare, sessions
from spectra_tui.data.errors import NotFound, ValidationError
from spectra_tui.data.models import AuditLog, SessionImage
from spectra_tui.data.versions import ChangedElsewhere, write_changes

from .test_images import jpeg_bytes

START = dt.datetime(2026, 3, 2, 10, 0)


def add_images(session, count: int, first: int = 1) -> list[SessionImage]:
    return [
        SessionImage.create(session=session, number=n, stored_name=f"{n:04d}.jpg", sha256=f"{session.id}-{n}")
        for n in range(first, first + count)
    ]


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type, START)


@pytest.fixture
def five(session):
    return add_images(session, 5)


def numbers(rows) -> list[int]:
    return [row.number for row in rows]


def order(session) -> list[int]:
    return numbers(prepare.prepared_images(session))


def test_unprepared_images_are_in_number_order(session, five):
    assert order(session) == [1, 2, 3, 4, 5]
    assert numbers(prepare.presentation_images(session)) == [1, 2, 3, 4, 5]


def test_favourite_is_stored_and_audited_once(session, five):
    stored = prepare.set_favourite(session, five[2], True)
    assert stored.favourite and SessionImage.get_by_id(five[2].id).favourite
    prepare.set_favourite(session, five[2], True)  # another terminal asked too: nothing twice
    entries = list(AuditLog.select().where(AuditLog.action == "image.favourite"))
    assert [(e.entity, e.entity_id, e.user_name) for e in entries] == [("session_image", five[2].id, "rita")]
    assert '"favourite":false' in entries[0].before and '"favourite":true' in entries[0].after
    prepare.set_favourite(session, five[2], False)
    assert not SessionImage.get_by_id(five[2].id).favourite
    assert AuditLog.select().where(AuditLog.action == "image.unfavourite").count() == 1


def test_a_favourite_keeps_its_place(session, five):
    prepare.set_favourite(session, five[3], True)
    assert numbers(prepare.presentation_images(session)) == [1, 2, 3, 4, 5]


def test_hidden_images_are_left_out_of_the_presentation_only(session, five):
    prepare.set_hidden(session, five[1], True)
    assert numbers(prepare.presentation_images(session)) == [1, 3, 4, 5]
    assert order(session) == [1, 2, 3, 4, 5]  # still in the list being prepared, in its place
    assert AuditLog.select().where(AuditLog.action == "image.hide").count() == 1
    prepare.set_hidden(session, five[1], False)
    assert numbers(prepare.presentation_images(session)) == [1, 2, 3, 4, 5]
    assert AuditLog.select().where(AuditLog.action == "image.show").count() == 1


def test_move_up_and_down_stop_at_the_ends(session, five):
    assert prepare.move(session, five[3], -1) == 3
    assert order(session) == [1, 2, 4, 3, 5]
    assert prepare.move(session, five[0], -1) == 1  # already first
    assert prepare.move(session, five[4], 1) == 5  # already last
    assert order(session) == [1, 2, 4, 3, 5]
    assert prepare.move(session, five[0], 1) == 2
    assert order(session) == [2, 1, 4, 3, 5]
    positions = [row.position for row in prepare.prepared_images(session)]
    assert positions == [1, 2, 3, 4, 5]  # no gaps, no doubles
    moves = list(AuditLog.select().where(AuditLog.action == "image.move").order_by(AuditLog.id))
    assert len(moves) == 2  # the moves that stayed put are not audited
    assert '"position":4' in moves[0].before and '"position":3' in moves[0].after


def test_move_to_a_position(session, five):
    assert prepare.move_to(session, five[4], 1) == 1
    assert order(session) == [5, 1, 2, 3, 4]
    prepare.move_to(session, five[4], 3)
    assert order(session) == [1, 2, 5, 3, 4]


def test_a_position_out_of_range_is_refused(session, five):
    for position in (0, 6, -1):
        with pytest.raises(ValidationError, match="a position is 1 to 5, not"):
            prepare.move_to(session, five[0], position)
    assert order(session) == [1, 2, 3, 4, 5]


def test_images_imported_after_a_reorder_come_at_the_end(session, five):
    prepare.move_to(session, five[4], 1)
    add_images(session, 2, first=6)
    assert order(session) == [5, 1, 2, 3, 4, 6, 7]
    prepare.move(session, SessionImage.get(SessionImage.number == 7), -1)
    assert order(session) == [5, 1, 2, 3, 4, 7, 6]


def test_an_image_of_another_session_is_refused(session, five, studio):
    other = sessions.create_session(
        studio.client, studio.photographer, studio.session_type, START + dt.timedelta(days=1)
    )
    foreign = add_images(other, 1)[0]
    for change in (
        lambda: prepare.set_favourite(session, foreign, True),
        lambda: prepare.set_hidden(session, foreign, True),
        lambda: prepare.move(session, foreign, 1),
        lambda: prepare.move_to(session, foreign, 1),
    ):
        with pytest.raises(ValidationError, match=f"Image 1 is not an image of session {session.number}"):
            change()
    assert not SessionImage.get_by_id(foreign.id).favourite and order(session) == [1, 2, 3, 4, 5]


def test_a_removed_image_is_refused(session, five):
    SessionImage.delete().where(SessionImage.id == five[2].id).execute()  # removed in another terminal
    for change in (
        lambda: prepare.set_favourite(session, five[2], True),
        lambda: prepare.set_hidden(session, five[2], True),
        lambda: prepare.move(session, five[2], -1),
    ):
        with pytest.raises(NotFound, match="Image 3 of session .* no longer exists"):
            change()


def test_a_move_rewrites_only_the_positions_that_change(session, five):
    prepare.move(session, five[1], -1)  # everything placed: 2 1 3 4 5
    versions = {row.number: row.version for row in prepare.prepared_images(session)}
    prepare.move(session, five[4], -1)  # 2 1 3 5 4: only 4 and 5 change
    after = {row.number: row.version for row in prepare.prepared_images(session)}
    assert sorted(n for n in after if after[n] != versions[n]) == [4, 5]


def test_a_mark_from_another_terminal_is_kept_by_a_move(session, five):
    screen_copy = SessionImage.get_by_id(five[2].id)  # loaded by this terminal
    prepare.set_favourite(session, SessionImage.get_by_id(five[2].id), True)  # another terminal
    prepare.move(session, screen_copy, -1)  # this terminal's stale copy
    stored = SessionImage.get_by_id(five[2].id)
    assert stored.favourite and order(session) == [1, 3, 2, 4, 5]


def test_a_stale_write_of_a_position_is_refused_not_merged(session, five):
    stale = SessionImage.get_by_id(five[0].id)
    prepare.move(session, five[0], 1)  # another terminal moved it
    with pytest.raises(ChangedElsewhere):
        write_changes(stale, "Image 1", position=9)
    assert [row.position for row in prepare.prepared_images(session)] == [1, 2, 3, 4, 5]


def test_presentation_files_follow_the_order(session, tmp_path):
    root = tmp_path / "images"
    store = images.session_store(session, root)
    for seed in (1, 2, 3):
        store.add_bytes(jpeg_bytes(seed), f"IMG_{seed}.JPG")
    rows = images.session_images(session)
    prepare.move_to(session, rows[2], 1)
    prepare.set_hidden(session, rows[1], True)
    files = prepare.presentation_files(session, root)
    assert [f.number for f in files] == [3, 1]
    assert all(f.shown is not None for f in files)


def test_a_typed_position_is_a_number_in_range(session, five):
    assert prepare.move_to_typed(session, five[0], " 4 ") == 4
    assert order(session) == [2, 3, 4, 1, 5]
    for typed, message in (("", "Type the position as a number"), ("two", "Type the position as a number"),
                           ("-1", "Type the position as a number"), ("9", "a position is 1 to 5, not 9")):
        with pytest.raises(ValidationError, match=message) as refused:
            prepare.move_to_typed(session, five[0], typed)
        assert refused.value.field == "position"
    assert order(session) == [2, 3, 4, 1, 5]
