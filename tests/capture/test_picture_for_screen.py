"""picture_for_screen: a file decoded in full before a screen draws it, or an
UnreadablePicture saying why in words."""
import io

import pytest
from PIL import Image

from spectra_tui.capture.previews import UnreadablePicture, picture_for_screen


def noisy_jpeg(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 50).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_good_picture_is_decoded_and_made_small(tmp_path):
    path = tmp_path / "big.jpg"
    path.write_bytes(noisy_jpeg((3200, 2400)))
    picture = picture_for_screen(path, 400)
    assert picture.size == (400, 300) and picture.mode == "RGB"


@pytest.mark.parametrize(("data", "why"), [
    (noisy_jpeg()[:5000], "the file is cut short (truncated)"),
    (b"", "the file is empty (0 bytes)"),
    (b"not a picture at all", "the file is not a picture"),
])
def test_unreadable_files_say_why(tmp_path, data, why):
    path = tmp_path / "bad.jpg"
    path.write_bytes(data)
    with pytest.raises(UnreadablePicture) as caught:
        picture_for_screen(path)
    assert str(caught.value) == why


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(UnreadablePicture, match="^the file is missing$"):
        picture_for_screen(tmp_path / "gone.jpg")
