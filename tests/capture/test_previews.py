from PIL import Image

from spectra_tui.capture.previews import is_importable, is_previewable, make_previews


def previews_of(tmp_path, image, name):
    source = tmp_path / name
    image.save(source)
    preview, thumb = tmp_path / "preview.jpg", tmp_path / "thumb.jpg"
    size = make_previews(source, preview, thumb)
    return size, Image.open(preview), Image.open(thumb)


def test_png_with_transparency_gets_a_white_background(tmp_path):
    image = Image.new("RGBA", (400, 200), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 200, 200))
    size, preview, thumb = previews_of(tmp_path, image, "logo.png")
    assert size == (400, 200)
    assert preview.mode == "RGB" and preview.format == "JPEG"
    right = preview.getpixel((300, 100))
    left = preview.getpixel((100, 100))
    assert all(channel > 240 for channel in right)  # transparent -> white
    assert left[2] > 200 and left[0] < 40
    assert thumb.size == (320, 160)


def test_sixteen_bit_greyscale_tiff_is_scaled_not_clipped(tmp_path):
    image = Image.new("I;16", (300, 300), 32768)  # mid grey in 16 bits
    size, preview, _ = previews_of(tmp_path, image, "scan.tif")
    assert size == (300, 300)
    red, green, blue = preview.getpixel((150, 150))
    assert 120 <= red <= 136 and red == green == blue


def test_palette_and_cmyk_pictures_become_rgb(tmp_path):
    _, preview, _ = previews_of(tmp_path, Image.new("P", (50, 40), 3), "icon.png")
    assert preview.mode == "RGB" and preview.size == (50, 40)
    _, preview, _ = previews_of(tmp_path, Image.new("CMYK", (60, 30), (0, 0, 0, 0)), "print.tif")
    assert preview.mode == "RGB" and preview.size == (60, 30)


def test_icc_profile_is_kept_on_previews(tmp_path):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "tagged.jpg"
    Image.new("RGB", (100, 100), (10, 200, 30)).save(source, icc_profile=profile)
    make_previews(source, tmp_path / "p.jpg", tmp_path / "t.jpg")
    assert Image.open(tmp_path / "p.jpg").info.get("icc_profile") == profile
    assert Image.open(tmp_path / "t.jpg").info.get("icc_profile") == profile


def test_which_files_are_pictures():
    assert is_previewable("IMG_0001.JPG") and is_previewable("scan.TIFF") and is_previewable("a.png")
    assert not is_previewable("DSC_0001.NEF")
    assert is_importable("DSC_0001.NEF") and is_importable("x.dng") and is_importable("A.CR2")
    assert not is_importable("IMG_0001.xmp") and not is_importable("notes.txt") and not is_importable("clip.mov")
