import os
import threading
import time
from dataclasses import replace

import pytest
from PIL import Image

from spectra_tui.capture import InMemoryRegistry, ManifestRegistry, SessionImageStore, StoreError
from spectra_tui.capture.checksums import sha256_of_file
from spectra_tui.capture.fake import fake_picture

from .conftest import make_jpeg


def all_files(store):
    """Every file in the session folder but the store's own bookkeeping."""
    return sorted(
        path.relative_to(store.session_dir).as_posix()
        for path in store.session_dir.rglob("*")
        if path.is_file() and path.name not in (".last-number", ".lock")
    )


def test_layout_and_record_of_a_stored_picture(store):
    data = fake_picture(1)
    record = store.add_bytes(data, "DSC_0042.JPG", source="camera:/DCIM/DSC_0042.JPG")

    assert record.number == 1
    assert record.stored_name == "0001.jpg"  # extension lowercased
    assert record.original_name == "DSC_0042.JPG"
    assert record.session_number == "1042"
    assert record.original_path == store.session_dir / "originals" / "0001.jpg"
    assert record.original_path.read_bytes() == data
    assert record.sha256 == sha256_of_file(record.original_path)
    assert (record.width, record.height) == (96, 64)
    assert record.preview_path == store.session_dir / "previews" / "0001.jpg"
    assert record.thumb_path == store.session_dir / "thumbs" / "0001.jpg"
    assert Image.open(record.thumb_path).format == "JPEG"
    assert store.registry.images == [record]


def test_numbers_continue_after_files_and_registry_and_are_never_reused(tmp_path):
    registry = InMemoryRegistry()
    store = SessionImageStore(tmp_path, "77", registry)
    store.prepare_folders()
    (store.originals_dir / "0004.jpg").write_bytes(b"picture copied in by hand")
    fifth = store.add_bytes(fake_picture(1), "a.jpg")
    assert fifth.number == 5

    # The database knows a number 9 (recorded by another terminal).
    registry.images.append(replace(fifth, number=9, sha256="recorded-elsewhere"))
    tenth = store.add_bytes(fake_picture(2), "b.jpg")
    assert tenth.number == 10

    # Number 10 is deleted from disk and from the registry: it is still not reused.
    tenth.original_path.unlink()
    registry.images = [image for image in registry.images if image.number < 9]
    assert store.add_bytes(fake_picture(3), "c.jpg").number == 11


def test_same_content_is_stored_once(store):
    assert store.add_bytes(fake_picture(1), "one.jpg") is not None
    assert store.add_bytes(fake_picture(1), "again.jpg") is None
    assert all_files(store) == ["originals/0001.jpg", "previews/0001.jpg", "thumbs/0001.jpg"]


def test_no_temporary_file_is_left_behind(store):
    store.add_bytes(fake_picture(1), "x.jpg")
    store.add_bytes(b"\x00RAW DATA", "x.NEF")
    assert not list(store.session_dir.rglob("*.tmp"))
    assert store.staging_files() == []


def test_raw_file_is_kept_without_previews(store):
    record = store.add_bytes(b"raw sensor data", "DSC_0001.NEF")
    assert record.stored_name == "0001.nef"
    assert record.preview_path is None and record.thumb_path is None
    assert (record.width, record.height) == (None, None)
    assert not record.has_previews


def test_undecodable_camera_jpeg_is_still_kept(store):
    """A camera's shot may be the only copy: keep it even without previews."""
    record = store.add_bytes(b"not really a jpeg", "IMG_0001.JPG")
    assert record.original_path.read_bytes() == b"not really a jpeg"
    assert record.preview_path is None
    assert not list(store.session_dir.rglob("*.tmp"))


def test_registry_refusal_removes_the_files_and_says_why(tmp_path):
    class FailingRegistry(InMemoryRegistry):
        def register(self, image):
            raise RuntimeError("database is locked")

    store = SessionImageStore(tmp_path, 5, FailingRegistry())
    with pytest.raises(StoreError, match="Could not record image 1 of session 5: database is locked"):
        store.add_bytes(fake_picture(1), "a.jpg")
    assert all_files(store) == []


def test_concurrent_writers_get_distinct_numbers(tmp_path):
    registry = InMemoryRegistry()
    stores = [SessionImageStore(tmp_path, 3, registry) for _ in range(4)]
    numbers = []

    def shoot(store, offset):
        for index in range(5):
            numbers.append(store.add_bytes(fake_picture(offset * 100 + index), f"{offset}-{index}.jpg").number)

    threads = [threading.Thread(target=shoot, args=(store, i)) for i, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 21))


def test_manifest_registry_survives_a_new_store(tmp_path):
    store = SessionImageStore(tmp_path, 8)
    first = store.add_bytes(fake_picture(1), "a.jpg")
    reopened = SessionImageStore(tmp_path, 8)
    assert isinstance(reopened.registry, ManifestRegistry)
    assert reopened.registry.known_hashes() == {first.sha256}
    assert reopened.registry.highest_number() == 1
    assert reopened.add_bytes(fake_picture(1), "a-again.jpg") is None
    assert reopened.add_bytes(fake_picture(2), "b.jpg").number == 2
    entry = reopened.registry.entries()[0]
    assert entry["original_name"] == "a.jpg" and entry["stored_name"] == "0001.jpg"


def test_manifest_tolerates_a_line_cut_short(tmp_path):
    registry = ManifestRegistry(tmp_path)
    registry.path.write_text('{"number": 3, "sha256": "abc"}\n{"number": 4, "sha2')
    assert registry.highest_number() == 3
    assert registry.known_hashes() == {"abc"}


@pytest.mark.parametrize("bad", ["", "..", "12/13", "a\\b"])
def test_session_number_must_be_a_folder_name(tmp_path, bad):
    with pytest.raises(StoreError, match="not a usable session number"):
        SessionImageStore(tmp_path, bad)


def test_unwritable_root_is_reported_in_words(tmp_path):
    blocker = tmp_path / "images"
    blocker.write_text("a file where the folder should be")
    store = SessionImageStore(blocker, 1)
    with pytest.raises(StoreError, match="Cannot create the session image folder"):
        store.add_bytes(fake_picture(1), "a.jpg")


def test_stale_temporary_files_from_a_crash_are_cleared(store):
    store.prepare_folders()
    stale = store.originals_dir / ".incoming-crashed.jpg.tmp"
    fresh = store.originals_dir / ".incoming-running.jpg.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    old = time.time() - 13 * 3600
    os.utime(stale, (old, old))
    assert store.remove_stale_staging_files() == 1
    assert not stale.exists() and fresh.exists()


def test_orientation_swaps_recorded_size(store, tmp_path):
    source = make_jpeg(tmp_path / "portrait.jpg", size=(300, 200), orientation=6)
    record = store.add_bytes(source.read_bytes(), "portrait.jpg")
    assert (record.width, record.height) == (200, 300)
    assert Image.open(record.preview_path).size == (200, 300)
