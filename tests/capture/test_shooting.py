import pytest

from spectra_tui.capture import CameraBusy, FakeCamera, capture_to_session, save_camera_file


def test_capture_to_session_stores_count_pictures_in_number_order(store):
    camera = FakeCamera().connect()
    seen = []
    paths = capture_to_session(camera, store, 3, on_image=seen.append)
    assert paths == [store.originals_dir / f"000{n}.jpg" for n in (1, 2, 3)]
    assert all(path.exists() for path in paths)
    assert [image.original_name for image in seen] == ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"]
    assert all(image.thumb_path.exists() for image in seen)


def test_raw_partner_file_is_stored_too(store):
    camera = FakeCamera(raw_plus_jpeg=True).connect()
    paths = capture_to_session(camera, store, 2)
    assert [path.name for path in paths] == ["0001.jpg", "0002.nef", "0003.jpg", "0004.nef"]


def test_error_stops_but_keeps_what_was_stored(store):
    camera = FakeCamera().connect()
    capture_to_session(camera, store, 1)
    camera.fail_next("capture", -110)
    with pytest.raises(CameraBusy):
        capture_to_session(camera, store, 2)
    assert [p.name for p in store.originals_dir.iterdir()] == ["0001.jpg"]


def test_file_downloaded_twice_is_stored_once(store):
    camera = FakeCamera().connect()
    ref = camera.capture()
    assert save_camera_file(camera, ref, store).number == 1
    assert save_camera_file(camera, ref, store) is None
