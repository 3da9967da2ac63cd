"""data/images.py: the database-backed ImageRegistry behind capture's image store.

Images captured or imported into a session become SessionImage rows with an
audit entry, numbers never come back, a refused row takes its files with it,
and worker threads get (and give back) their own connection.
"""
import datetime as dt
import io
import threading

import pytest
from PIL import Image

from spectra_tui.capture import (FakeCamera, ImportedImage, StoreError, capture_to_session, import_folder)
from spectra_tui.data import audit, images, sessions, settings
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import AuditLog, SessionImage, database

START = dt.datetime(2026, 3, 2, 10, 0)


def jpeg_bytes(seed: int, size=(120, 80)) -> bytes:
    image = Image.new("RGB", size, ((seed * 40) % 256, (seed * 90) % 256, (seed * 10) % 256))
    image.putpixel((seed % size[0], 0), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type, START)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "images"


def test_image_root_is_the_setting_else_the_capture_default(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "from-env"))
    assert images.image_root() == tmp_path / "from-env"
    settings.put("image_root", str(tmp_path / "studio"))
    assert images.image_root() == tmp_path / "studio"
    settings.put("image_root", "  ")
    assert images.image_root() == tmp_path / "from-env"


def test_stored_bytes_become_rows_with_an_audit_entry(session, root):
    store = images.session_store(session, root)
    first = store.add_bytes(jpeg_bytes(1), "IMG_0001.JPG", source="camera:/DCIM/IMG_0001.JPG")
    second = store.add_bytes(jpeg_bytes(2), "IMG_0002.JPG", source="/media/card/IMG_0002.JPG")
    assert (first.number, second.number) == (1, 2)
    rows = images.session_images(session)
    assert [(r.number, r.original_name, r.stored_name, r.source, r.width, r.height) for r in rows] == [
        (1, "IMG_0001.JPG", "0001.jpg", "capture", 120, 80),
        (2, "IMG_0002.JPG", "0002.jpg", "import", 120, 80),
    ]
    assert rows[0].sha256 == first.sha256
    assert (root / str(session.number) / "originals" / "0002.jpg").exists()
    entries = [entry for entry in AuditLog.select().where(AuditLog.action == "image.add")]
    assert [entry.entity_id for entry in entries] == [rows[0].id, rows[1].id]
    assert entries[0].user_name == "rita" and '"number":1' in entries[0].after
    assert images.image_count(session) == 2


def test_same_picture_again_is_not_recorded_twice(session, root):
    store = images.session_store(session, root)
    store.add_bytes(jpeg_bytes(1), "IMG_0001.JPG")
    again = images.session_store(session, root)  # e.g. another terminal, or after a restart
    assert again.add_bytes(jpeg_bytes(1), "COPY.JPG") is None
    assert images.image_count(session) == 1


def test_numbers_continue_from_the_database_even_when_the_folder_is_new(session, root, tmp_path):
    images.session_store(session, root).add_bytes(jpeg_bytes(1), "a.jpg")
    images.session_store(session, root).add_bytes(jpeg_bytes(2), "b.jpg")
    # The studio moved its image folder: numbers printed on invoices never come back.
    moved = images.session_store(session, tmp_path / "new-root")
    assert moved.add_bytes(jpeg_bytes(3), "c.jpg").number == 3


def test_a_refused_row_takes_its_files_back(session, root, studio):
    store = images.session_store(session, root)
    store.add_bytes(jpeg_bytes(1), "a.jpg")
    # Another terminal recorded image 2 behind this store's back (its folder elsewhere).
    SessionImage.create(session=session, number=2, stored_name="0002.jpg", sha256="x" * 64)
    store.registry.highest_number = lambda: 1  # this store did not see it
    with pytest.raises(StoreError, match="already has an image numbered 2"):
        store.add_bytes(jpeg_bytes(2), "b.jpg")
    assert not (root / str(session.number) / "originals" / "0002.jpg").exists()
    assert not (root / str(session.number) / "previews" / "0002.jpg").exists()
    assert SessionImage.select().where(SessionImage.number == 2).get().sha256 == "x" * 64


def test_an_image_of_another_session_is_refused(session, studio):
    registry = images.SessionImageRegistry(session)
    other = ImportedImage(str(session.number + 1), 1, "a.jpg", "0001.jpg", "0" * 64, 1, 1, 1,
                          dt.datetime.now(dt.UTC), None, None, None)
    with pytest.raises(ValidationError, match="belongs to session"):
        registry.register(other)


def test_session_image_files_point_at_originals_previews_and_thumbs(session, root):
    store = images.session_store(session, root)
    store.add_bytes(jpeg_bytes(1), "IMG_0001.JPG")
    store.add_bytes(b"RAW-DATA" + bytes(64), "IMG_0002.NEF")
    files = images.session_image_files(session, root)
    folder = root / str(session.number)
    assert [f.number for f in files] == [1, 2]
    assert files[0].original == folder / "originals" / "0001.jpg"
    assert files[0].preview == folder / "previews" / "0001.jpg" and files[0].thumb == folder / "thumbs" / "0001.jpg"
    assert files[0].shown == files[0].preview and files[0].for_viewer == files[0].original
    assert files[1].preview is None and files[1].shown is None  # RAW: nothing to show on a screen
    assert files[1].original.suffix == ".nef"


def test_import_folder_registers_rows_and_lists_a_corrupt_file(session, root, tmp_path):
    card = tmp_path / "card" / "DCIM"
    card.mkdir(parents=True)
    for seed in (1, 2):
        (card / f"IMG_000{seed}.JPG").write_bytes(jpeg_bytes(seed))
    (card / "IMG_0003.JPG").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    result = import_folder(card.parent, images.session_store(session, root), workers=1)
    assert [image.number for image in result.imported] == [1, 2]
    assert [failed.path.name for failed in result.failed] == ["IMG_0003.JPG"]
    assert [row.original_name for row in images.session_images(session)] == ["IMG_0001.JPG", "IMG_0002.JPG"]


def test_capture_to_session_with_a_fake_camera_records_captures(session, root):
    camera = FakeCamera().connect()
    paths = capture_to_session(camera, images.session_store(session, root), 2)
    assert [path.name for path in paths] == ["0001.jpg", "0002.jpg"]
    assert {row.source for row in images.session_images(session)} == {"capture"}


def test_a_worker_thread_opens_and_closes_its_own_connection(session, root):
    store = images.session_store(session, root)
    seen = {}

    def work():
        seen["before"] = database.is_closed()
        store.add_bytes(jpeg_bytes(5), "w.jpg")
        seen["after"] = database.is_closed()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == {"before": True, "after": True}
    assert not database.is_closed()  # this thread's connection was left alone
    assert images.image_count(session) == 1


def test_thread_connection_keeps_an_open_connection_open(db):
    assert not database.is_closed()
    with images.thread_connection():
        pass
    assert not database.is_closed()


def test_audit_chain_still_verifies_after_images(session, root):
    store = images.session_store(session, root)
    for seed in range(3):
        store.add_bytes(jpeg_bytes(seed), f"{seed}.jpg")
    from spectra_tui.data.check import run_checks

    assert run_checks() == []
    assert len(audit.history("session_image", images.session_images(session)[0].id)) == 1


def test_progress_line_says_count_speed_and_time_left():
    from spectra_tui.capture import ImportProgress

    running = ImportProgress(12, 240, 0, 0, 1.5, 8.25, 27.6, "IMG_0012.JPG")
    assert images.progress_line(running) == "12 of 240 images · 8.2 images/s · 0:28 left"
    starting = ImportProgress(0, 1500, 0, 0, 0.0, 0.0, None)
    assert images.progress_line(starting) == "0 of 1,500 images · … left"
    finished = ImportProgress(3, 3, 0, 0, 3725.0, 0.001, 0.0)
    assert images.progress_line(finished).endswith("· 1:02:05")
    assert images.format_duration(float("nan")) == "…"
