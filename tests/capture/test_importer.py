import hashlib
import threading

import pytest
from PIL import Image

from spectra_tui.capture import ImportSourceError, import_folder
from spectra_tui.capture.import_worker import PrepareJob, init_worker, prepare_file

from .conftest import make_jpeg


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def card(tmp_path):
    """A memory card: two folders of JPEGs, a sidecar, a RAW, a hidden macOS file."""
    root = tmp_path / "card"
    make_jpeg(root / "DCIM/100CANON/IMG_0001.JPG", seed=1)
    make_jpeg(root / "DCIM/100CANON/IMG_0002.JPG", seed=2)
    make_jpeg(root / "DCIM/101CANON/IMG_0003.JPG", seed=3)
    (root / "DCIM/101CANON/IMG_0003.xmp").write_text("<x:xmpmeta/>")
    (root / "DCIM/101CANON/IMG_0004.CR2").write_bytes(b"II*\x00raw sensor data" * 100)
    (root / "DCIM/101CANON/._IMG_0003.JPG").write_bytes(b"resource fork")
    return root


def test_copies_never_moves_and_verifies_checksums(card, store):
    sources = sorted(card.rglob("IMG_000[1-3].JPG"))
    before = {path: (sha256(path), path.stat().st_mtime_ns) for path in sources}

    result = import_folder(card, store)

    assert [image.original_name for image in result.imported] == [
        "IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.CR2",
    ]
    assert [image.number for image in result.imported] == [1, 2, 3, 4]
    for path in sources:  # the card is untouched
        assert (sha256(path), path.stat().st_mtime_ns) == before[path]
    for image, path in zip(result.imported[:3], sources, strict=True):
        assert image.sha256 == before[path][0] == sha256(image.original_path)
        assert image.source == str(path)
    assert store.registry.images == result.imported
    assert not result.failed and not result.duplicates and not result.cancelled


def test_previews_thumbnails_and_raw_without_previews(card, store):
    result = import_folder(card, store)
    jpeg, raw = result.imported[0], result.imported[3]
    assert Image.open(jpeg.preview_path).size == (1200, 800)  # smaller than 1600: kept
    assert Image.open(jpeg.thumb_path).size == (320, 213)
    assert (jpeg.width, jpeg.height) == (1200, 800)
    assert raw.stored_name == "0004.cr2"
    assert raw.preview_path is None and raw.thumb_path is None
    assert result.without_previews == [raw]
    assert "1 RAW file without previews" in result.summary()


def test_large_picture_gets_a_screen_sized_preview(tmp_path, store):
    make_jpeg(tmp_path / "in/big.jpg", size=(4000, 2500))
    (image,) = import_folder(tmp_path / "in", store).imported
    assert Image.open(image.preview_path).size == (1600, 1000)
    assert Image.open(image.thumb_path).size == (320, 200)
    assert (image.width, image.height) == (4000, 2500)


def test_other_files_and_hidden_files_are_left_alone(card, store):
    result = import_folder(card, store)
    assert [path.name for path in result.ignored] == ["._IMG_0003.JPG", "IMG_0003.xmp"]  # counted, not imported
    assert "2 other files ignored (not pictures, or hidden)" in result.summary()
    assert all(not image.original_name.startswith("._") for image in result.imported)
    stored = sorted(p.name for p in store.originals_dir.iterdir())
    assert stored == ["0001.jpg", "0002.jpg", "0003.jpg", "0004.cr2"]


def test_already_imported_pictures_are_skipped(card, store):
    first = import_folder(card, store)
    second = import_folder(card, store)
    assert second.imported == []
    assert [(d.path.name, d.number) for d in second.duplicates] == [
        ("IMG_0001.JPG", 1), ("IMG_0002.JPG", 2), ("IMG_0003.JPG", 3), ("IMG_0004.CR2", 4)]
    assert str(second.duplicates[1]) == "IMG_0002.JPG is already image 2"
    assert "4 already in the session (skipped)" in second.summary()
    assert len(list(store.originals_dir.iterdir())) == len(first.imported)


def test_same_picture_twice_in_one_card_is_stored_once(tmp_path, store):
    original = make_jpeg(tmp_path / "in/a/IMG_0001.JPG", seed=5)
    (tmp_path / "in/b").mkdir()
    (tmp_path / "in/b/copy.jpg").write_bytes(original.read_bytes())
    result = import_folder(tmp_path / "in", store)
    assert len(result.imported) == 1
    assert [(d.path.name, d.number) for d in result.duplicates] == [("copy.jpg", 1)]  # matched within the card


def test_corrupt_files_are_listed_with_a_reason_and_the_rest_goes_on(tmp_path, store):
    folder = tmp_path / "in"
    make_jpeg(folder / "IMG_0001.JPG", seed=1)
    (folder / "IMG_0002.JPG").write_text("this is a text file, not a picture")
    good = make_jpeg(folder / "IMG_0003.JPG", seed=3)
    truncated = folder / "IMG_0004.JPG"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    make_jpeg(folder / "IMG_0005.JPG", seed=5)

    result = import_folder(folder, store)

    assert [image.original_name for image in result.imported] == ["IMG_0001.JPG", "IMG_0003.JPG", "IMG_0005.JPG"]
    assert [image.number for image in result.imported] == [1, 2, 3]
    reasons = {failure.path.name: failure.reason for failure in result.failed}
    assert reasons["IMG_0002.JPG"] == "not a readable JPG picture (the file is damaged or is not really an image)"
    assert reasons["IMG_0004.JPG"].startswith("the JPG picture is damaged or incomplete")
    assert "PNG" in reasons["scan.png"]
    assert str(result.failed[0]).startswith("IMG_0002.JPG: not a readable JPG picture")
    assert "3 failed" in result.summary()
    # nothing of the failed files lands in the session
    assert sorted(p.name for p in store.originals_dir.iterdir()) == ["0001.jpg", "0002.jpg", "0003.jpg"]
    assert not list(store.session_dir.rglob("*.tmp"))


def test_exif_orientation_is_applied_to_previews(tmp_path, store):
    make_jpeg(tmp_path / "in/portrait.jpg", size=(1200, 800), orientation=6)
    (image,) = import_folder(tmp_path / "in", store).imported
    assert (image.width, image.height) == (800, 1200)
    assert Image.open(image.thumb_path).size == (213, 320)
    assert Image.open(image.preview_path).size == (800, 1200)
    # the original is kept as shot, orientation tag and all
    assert Image.open(image.original_path).size == (1200, 800)
    assert Image.open(image.original_path).getexif()[0x0112] == 6


def test_numbering_continues_after_existing_images(tmp_path, store):
    make_jpeg(tmp_path / "first/a.jpg", seed=1)
    make_jpeg(tmp_path / "first/b.jpg", seed=2)
    make_jpeg(tmp_path / "second/c.jpg", seed=3)
    import_folder(tmp_path / "first", store)
    result = import_folder(tmp_path / "second", store)
    assert [(image.number, image.stored_name) for image in result.imported] == [(3, "0003.jpg")]
    assert "number 3" in result.summary()


def test_progress_reports_counts_bytes_speed_and_eta(card, store):
    reports = []
    import_folder(card, store, progress=reports.append)
    assert reports[0].done == 0 and reports[0].total == 4
    assert [report.done for report in reports] == [0, 1, 2, 3, 4]
    last = reports[-1]
    assert last.bytes_done == last.bytes_total == sum(
        p.stat().st_size for p in card.rglob("IMG_000?.*") if p.suffix != ".xmp"
    )
    assert last.fraction == 1.0 and last.eta_seconds == 0
    assert last.images_per_second > 0 and last.elapsed > 0
    assert reports[2].eta_seconds > 0
    assert reports[1].current == "IMG_0001.JPG"


def test_cancel_stops_the_import_and_keeps_what_is_done(tmp_path, store):
    for index in range(12):
        make_jpeg(tmp_path / f"in/IMG_{index:04d}.JPG", seed=index)
    cancel = threading.Event()

    def cancel_after_two(report):
        if report.done == 2:
            cancel.set()

    result = import_folder(tmp_path / "in", store, progress=cancel_after_two, cancel=cancel)

    assert result.cancelled
    assert [image.number for image in result.imported] == [1, 2]
    assert "Cancelled before the end" in result.summary()
    assert sorted(p.name for p in store.originals_dir.iterdir()) == ["0001.jpg", "0002.jpg"]
    assert sorted(p.name for p in store.thumbs_dir.iterdir()) == ["0001.jpg", "0002.jpg"]
    assert not list(store.session_dir.rglob("*.tmp"))
    # importing again brings in the rest, numbered on
    rest = import_folder(tmp_path / "in", store)
    assert [image.number for image in rest.imported] == list(range(3, 13))
    assert len(rest.duplicates) == 2


def test_missing_or_wrong_source_is_a_readable_error(tmp_path, store):
    with pytest.raises(ImportSourceError, match="does not exist \\(is the memory card mounted\\?\\)"):
        import_folder(tmp_path / "no-card", store)
    (tmp_path / "file.jpg").write_bytes(b"x")
    with pytest.raises(ImportSourceError, match="is not a folder"):
        import_folder(tmp_path / "file.jpg", store)


def test_empty_card_imports_nothing_and_says_so(tmp_path, store):
    (tmp_path / "empty").mkdir()
    result = import_folder(tmp_path / "empty", store)
    assert result.imported == [] and not result.cancelled and result.found_no_pictures
    assert result.summary() == f"No pictures found in {tmp_path / 'empty'}."
    (tmp_path / "empty/notes.txt").write_text("x")
    assert import_folder(tmp_path / "empty", store).summary() == (
        f"No pictures found in {tmp_path / 'empty'}; 1 other file ignored (not a picture, or hidden).")


def test_copy_that_does_not_match_is_refused(tmp_path, store, monkeypatch):
    """The verification reads the copy back; a mismatch fails the file, leaves nothing."""
    source = make_jpeg(tmp_path / "in/IMG_0001.JPG")
    store.prepare_folders()
    monkeypatch.setattr("spectra_tui.capture.checksums.sha256_of_file", lambda path: "0" * 64)
    init_worker(frozenset())
    paths = store.staging_paths("test", source.name)
    outcome = prepare_file(PrepareJob(source, paths, 1600, 320))
    assert outcome.staged is None
    assert "checksum mismatch" in outcome.failure
    assert not paths.original.exists() and not paths.preview.exists() and not paths.thumb.exists()  # previews made beside the check go too


def test_worker_skips_known_content_without_keeping_a_copy(tmp_path, store):
    source = make_jpeg(tmp_path / "in/IMG_0001.JPG")
    store.prepare_folders()
    init_worker(frozenset({sha256(source)}))
    try:
        paths = store.staging_paths("test", source.name)
        outcome = prepare_file(PrepareJob(source, paths, 1600, 320))
    finally:
        init_worker(frozenset())
    assert outcome.duplicate
    assert store.staging_files() == []
