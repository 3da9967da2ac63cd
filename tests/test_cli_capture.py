"""`spectra sessions`, `spectra import-images` and `spectra capture` as a
photographer runs them at a shell: output, exit codes, readable errors (never
a traceback), rows in the database and files in the session folder.
`spectra capture` runs against libgphoto2's REAL virtual camera (a Nikon D750
over its vusb driver), switched on by VCAMERADIR in the command's environment.
"""
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
import shell



# capture and import-images run as a user (the demo's photographer Ava, its PIN)
AS_AVA = {"SPECTRA_USER": "ava", "SPECTRA_PASSWORD": "1234"}


def spectra(*args, env=None, timeout=300):
    return shell.spectra(*args, env={**AS_AVA, **(env or {})}, timeout=timeout)


def query(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def make_jpeg(path: Path, seed: int) -> Path:
    image = Image.new("RGB", (320, 240), ((seed * 60) % 256, (seed * 30) % 256, (seed * 90) % 256))
    image.putpixel((seed, seed), (255, 255, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG")
    return path


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-capture") / "demo.db"
    result = spectra("--db", path, "demo", "--clients", 40)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def studio_db(demo_template, tmp_path):
    path = tmp_path / "studio.db"
    source, dest = sqlite3.connect(demo_template), sqlite3.connect(path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return path


@pytest.fixture
def image_env(tmp_path):
    root = tmp_path / "images"
    return root, {"SPECTRA_IMAGE_ROOT": str(root)}


def a_session(db, offset: int = 0) -> int:
    return query(db, "SELECT number FROM session WHERE status != 'Cancelled' ORDER BY number LIMIT 1 OFFSET ?",
                 offset)[0][0]


# ---------------------------------------------------------------- spectra sessions

def test_sessions_prints_a_days_sessions_with_their_numbers(studio_db):
    day, count = query(studio_db, "SELECT date(start) AS d, COUNT(*) FROM session WHERE status != 'Cancelled' "
                                  "GROUP BY d ORDER BY COUNT(*) DESC, d LIMIT 1")[0]
    expected = [row[0] for row in query(
        studio_db, "SELECT number FROM session WHERE date(start) = ? AND status != 'Cancelled' ORDER BY start, number",
        day)]
    when = dt.date.fromisoformat(day)
    result = spectra("--db", studio_db, "sessions", "--date", when.strftime("%m/%d/%Y"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Sessions on {when:%A %m/%d/%Y}:"
    assert lines[1].split()[:2] == ["No.", "Time"]
    assert [int(line.split()[0]) for line in lines[2:]] == expected
    assert len(expected) == count


def test_sessions_for_one_photographer(studio_db):
    day, name, number = query(studio_db, "SELECT date(s.start), u.full_name, s.number FROM session s "
                                         "JOIN user u ON u.id = s.photographer_id "
                                         "WHERE s.status != 'Cancelled' ORDER BY s.start LIMIT 1")[0]
    result = spectra("--db", studio_db, "sessions", "--date", day, "--photographer", name)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert str(number) in [row.split()[0] for row in rows]
    assert all(name in row for row in rows)


def test_sessions_defaults_to_today_and_says_when_there_are_none(studio_db):
    result = spectra("--db", studio_db, "sessions", "--date", "1/1/2001")
    assert (result.returncode, result.stdout.strip()) == (0, "No sessions on Monday 01/01/2001.")
    today = spectra("--db", studio_db, "sessions")
    assert today.returncode == 0
    studio_today = dt.datetime.now(ZoneInfo("America/Chicago")).date()  # the studio's zone, not this machine's
    assert f"{studio_today:%A %m/%d/%Y}" in today.stdout


def test_sessions_errors_are_readable(studio_db):
    result = spectra("--db", studio_db, "sessions", "--photographer", "nobody at all")
    assert result.returncode == 2 and "No active user named 'nobody at all'" in result.stderr
    result = spectra("--db", studio_db, "sessions", "--date", "someday soon")
    assert result.returncode == 2 and "could not read 'someday soon' as a day" in result.stderr


def test_sessions_prints_old_data_without_its_control_characters(studio_db):
    """A name stored before control characters were stripped on the way in
    must not retitle the terminal (ESC ]0; ... BEL) when listed."""
    day, client_id, type_id = query(studio_db, "SELECT date(start), client_id, session_type_id FROM session "
                                               "WHERE status != 'Cancelled' ORDER BY start LIMIT 1")[0]
    conn = sqlite3.connect(studio_db)
    with conn:
        conn.execute("UPDATE client SET first_name = 'Ann' || char(27) || ']0;pwned' || char(7) || char(0) "
                     "WHERE id = ?", (client_id,))
        conn.execute("UPDATE session_type SET name = name || char(155) || '31m' WHERE id = ?", (type_id,))
    conn.close()
    result = spectra("--db", studio_db, "sessions", "--date", day)
    assert result.returncode == 0, result.stderr
    assert "Ann]0;pwned" in result.stdout and "31m" in result.stdout
    assert not set(result.stdout) & {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n"}


def test_sessions_takes_days_back_in_time_as_the_app_reads_them(studio_db):
    studio_today = dt.datetime.now(ZoneInfo("America/Chicago")).date()
    monday = studio_today - dt.timedelta(days=studio_today.weekday())
    for typed, day in (("-1d", studio_today - dt.timedelta(days=1)), ("- 2w", studio_today - dt.timedelta(weeks=2)),
                       ("last fri", monday - dt.timedelta(days=3)), ("+2d", studio_today + dt.timedelta(days=2)),
                       ("next fri", monday + dt.timedelta(days=11))):
        result = spectra("--db", studio_db, "sessions", "--date", typed)
        assert result.returncode == 0, (typed, result.stderr)
        assert f"{day:%A %m/%d/%Y}" in result.stdout.splitlines()[0], typed
    assert f"{studio_today - dt.timedelta(days=1):%m/%d/%Y}" in spectra("--db", studio_db, "sessions", "--date=-1d").stdout


def test_an_empty_date_is_refused_not_taken_for_today(studio_db):
    for typed in ("", "  "):
        result = spectra("--db", studio_db, "sessions", "--date", typed)
        assert result.returncode == 2 and result.stdout == ""
        assert "--date is empty" in result.stderr and "-1d" in result.stderr


# ---------------------------------------------------------------- spectra import-images

def test_import_images_copies_registers_and_lists_the_corrupt_file(studio_db, image_env, tmp_path):
    root, env = image_env
    card = tmp_path / "card"
    for seed in (1, 2, 3):
        make_jpeg(card / "DCIM" / "100CANON" / f"IMG_000{seed}.JPG", seed)
    (card / "DCIM" / "100CANON" / "IMG_0004.JPG").write_bytes(b"\xff\xd8\xff\xe0 cut short")
    (card / "DCIM" / "100CANON" / "IMG_0004.XMP").write_text("<x/>")
    number = a_session(studio_db)
    result = spectra("--db", studio_db, "import-images", number, card, "--workers", 2, env=env)
    assert result.returncode == 1, result.stderr  # some failed: the summary says which
    assert "Imported 3 images (numbers 1–3), 1 failed, 1 other file ignored (not a picture, or hidden)." \
        in result.stdout
    assert "failed:" in result.stdout and "IMG_0004.JPG" in result.stdout
    assert "Importing: 4 of 4 images" in result.stderr
    rows = query(studio_db, "SELECT i.number, i.original_name, i.source FROM session_image i "
                            "JOIN session s ON s.id = i.session_id WHERE s.number = ? ORDER BY i.number", number)
    assert rows == [(1, "IMG_0001.JPG", "import"), (2, "IMG_0002.JPG", "import"), (3, "IMG_0003.JPG", "import")]
    originals = root / str(number) / "originals"
    assert sorted(p.name for p in originals.iterdir()) == ["0001.jpg", "0002.jpg", "0003.jpg"]
    # Again: nothing new, nothing failed twice over.
    again = spectra("--db", studio_db, "import-images", number, card / "DCIM" / "100CANON" / "..", env=env)
    assert "Imported 0 images, 3 already in the session (skipped), 1 failed, 1 other file" in again.stdout
    assert [line.strip() for line in again.stdout.splitlines() if "skipped:" in line] == [
        f"skipped: IMG_000{n}.JPG is already image {n}" for n in (1, 2, 3)]
    assert spectra("--db", studio_db, "check").returncode == 0


def test_import_images_all_good_exits_zero(studio_db, image_env, tmp_path):
    _root, env = image_env
    make_jpeg(tmp_path / "folder" / "a.jpg", 5)
    result = spectra("--db", studio_db, "import-images", a_session(studio_db), tmp_path / "folder", env=env)
    assert result.returncode == 0 and "Imported 1 image (number 1)." in result.stdout
    assert query(studio_db, "SELECT user_name FROM audit_log WHERE action = 'image.add'") == [("ava",)]


def test_import_images_names_each_duplicate_and_counts_what_it_ignored(studio_db, image_env, tmp_path):
    _root, env = image_env
    number, card = a_session(studio_db), tmp_path / "card"
    make_jpeg(card / "a.jpg", 5)
    first = spectra("--db", studio_db, "import-images", number, card, env=env)
    assert first.returncode == 0 and "Imported 1 image (number 1)." in first.stdout
    (card / "b.jpg").write_bytes((card / "a.jpg").read_bytes())
    make_jpeg(card / "c.jpg", 6)
    (card / "c.xmp").write_text("<x/>")
    (card / "._c.jpg").write_bytes(b"resource fork")
    (card / ".DS_Store").write_bytes(b"finder")
    (card / "d\x1b]0;pwned\x07.jpg").write_bytes((card / "a.jpg").read_bytes())  # a name no terminal should get
    result = spectra("--db", studio_db, "import-images", number, card, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Imported 1 image (number 2), 3 already in the session (skipped), 3 other files ignored "
        "(not pictures, or hidden).",
        "  skipped: a.jpg is already image 1",
        "  skipped: b.jpg is already image 1",
        "  skipped: d]0;pwned.jpg is already image 1",
    ]


def test_import_images_of_a_folder_without_pictures_says_so(studio_db, image_env, tmp_path):
    _root, env = image_env
    folder = tmp_path / "empty"
    folder.mkdir()
    result = spectra("--db", studio_db, "import-images", a_session(studio_db), folder, env=env)
    assert (result.returncode, result.stdout) == (1, "")
    assert f"spectra: No pictures found in {folder}." in result.stderr
    (folder / "IMG_0001.xmp").write_text("<x/>")
    result = spectra("--db", studio_db, "import-images", a_session(studio_db), folder, env=env)
    assert result.returncode == 1
    assert f"No pictures found in {folder}; 1 other file ignored (not a picture, or hidden)." in result.stderr


def test_import_images_ctrl_c_stops_cleanly(studio_db, image_env, tmp_path):
    """Ctrl+C at a shell signals every process of the command (the workers too):
    a summary, exit 130, no temporary file left, and what came in is recorded."""
    root, env = image_env
    card = tmp_path / "card"
    card.mkdir()
    for index in range(40):
        Image.effect_noise((1600, 1200), 40 + index).convert("RGB").save(card / f"IMG_{index:04d}.JPG", quality=95)
    number = a_session(studio_db)
    environment = {key: value for key, value in os.environ.items() if key != "SPECTRA_USER"}
    process = subprocess.Popen(shell.COMMAND + ["--db", str(studio_db), "import-images", str(number), str(card),
                                          "--workers", "2"],
                               env={**environment, **AS_AVA, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    originals = root / str(number) / "originals"
    deadline = time.monotonic() + 120
    while not (originals.is_dir() and any(p.name.startswith("0001") for p in originals.iterdir())):
        assert process.poll() is None and time.monotonic() < deadline, "the import ended before Ctrl+C"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # as the terminal does: the whole foreground group
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err and "KeyError" not in err and "unexpected error" not in err, err
    assert process.returncode == 130, (out, err)
    assert "Stopping after the pictures in flight" in err
    assert "Cancelled before the end." in out and "Stopped by Ctrl+C" in out
    assert not list((root / str(number)).rglob(".incoming-*"))
    stored = sorted(p.name for p in originals.iterdir())
    rows = query(studio_db, "SELECT i.number FROM session_image i JOIN session s ON s.id = i.session_id "
                            "WHERE s.number = ? ORDER BY i.number", number)
    assert 1 <= len(rows) < 40 and stored == [f"{n:04d}.jpg" for (n,) in rows]
    assert f"Imported {len(rows)} image" in out


@pytest.mark.parametrize("problem", ["missing", "file", "session"])
def test_import_images_errors_are_readable(studio_db, image_env, tmp_path, problem):
    _root, env = image_env
    number, folder = a_session(studio_db), tmp_path / "card"
    if problem == "file":
        folder = make_jpeg(tmp_path / "one.jpg", 1)
    if problem == "session":
        number = 99999
        folder.mkdir()
    result = spectra("--db", studio_db, "import-images", number, folder, env=env)
    assert result.returncode == 2
    expected = {
        "missing": f"The folder {folder} does not exist (is the memory card mounted?)",
        "file": "is not a folder",
        "session": "There is no session number 99999.",
    }[problem]
    assert expected in result.stderr


# ---------------------------------------------------------------- spectra capture (real virtual camera)

def vusb_available() -> bool:
    """This gphoto2 build carries libgphoto2's virtual camera (vusb driver, libgphoto2 > 2.5.30)."""
    try:
        import gphoto2
    except ImportError:
        return False
    iolibs = os.environ.get("IOLIBS", "")
    version = tuple(int(p) for p in gphoto2.gp_library_version(gphoto2.GP_VERSION_SHORT)[0].split("."))
    return os.path.isdir(iolibs.replace("iolibs", "vusb")) and version > (2, 5, 30)


needs_vcam = pytest.mark.skipif(not vusb_available(), reason="this gphoto2 build has no virtual camera")


@pytest.fixture
def vcam_dir(tmp_path):
    return make_jpeg(tmp_path / "vcam" / "studio.jpg", 9).parent


@needs_vcam
def test_capture_with_the_virtual_camera_stores_and_registers(studio_db, image_env, vcam_dir):
    root, env = image_env
    number = a_session(studio_db)
    result = spectra("--db", studio_db, "capture", number, "--count", 2,
                     env={**env, "VCAMERADIR": str(vcam_dir)}, timeout=120)
    assert result.returncode == 0, result.stderr
    stored = root / str(number) / "originals" / "0001.jpg"
    assert result.stdout.splitlines() == [str(stored)]
    assert stored.read_bytes() == (vcam_dir / "studio.jpg").read_bytes()
    assert "Nikon DSC D750" in result.stderr
    # The virtual camera sends the same JPEG every time: the second shot is said to be a duplicate.
    assert "Shot 2: the camera returned the same picture as image 1" in result.stderr
    rows = query(studio_db, "SELECT i.number, i.source, i.width FROM session_image i "
                            "JOIN session s ON s.id = i.session_id WHERE s.number = ?", number)
    assert rows == [(1, "capture", 320)]
    assert (root / str(number) / "previews" / "0001.jpg").exists()


@needs_vcam
def test_capture_with_the_vcam_option(studio_db, image_env, vcam_dir):
    root, env = image_env
    number = a_session(studio_db, 1)
    result = spectra("--db", studio_db, "capture", number, "--vcam", vcam_dir, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(root / str(number) / "originals" / "0001.jpg")


@needs_vcam
def test_capture_without_a_camera_is_a_readable_error(studio_db, image_env):
    _root, env = image_env
    probe = subprocess.run([sys.executable, "-c", "import gphoto2; print(len(gphoto2.Camera.autodetect()))"],
                           capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                if k != "VCAMERADIR"})
    if probe.stdout.strip() != "0":
        pytest.skip("a real camera is connected")
    result = spectra("--db", studio_db, "capture", a_session(studio_db), env=env, timeout=120)
    assert result.returncode == 2
    assert "No camera found: check the USB cable and that the camera is on." in result.stderr
    assert result.stdout == ""


def test_capture_errors_before_the_camera_are_readable(studio_db, image_env, tmp_path):
    _root, env = image_env
    unknown = spectra("--db", studio_db, "capture", 99999, env=env)
    assert unknown.returncode == 2 and "There is no session number 99999." in unknown.stderr
    count = spectra("--db", studio_db, "capture", a_session(studio_db), "--count", 0, env=env)
    assert count.returncode == 2 and "--count must be from 1 to 999." in count.stderr
    folder = spectra("--db", studio_db, "capture", a_session(studio_db), "--vcam", tmp_path / "nowhere", env=env)
    assert folder.returncode == 2 and "is not a folder" in folder.stderr
