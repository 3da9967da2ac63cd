"""Two terminals reorder the same session's images at the same time: the
order never gets gaps, doubles or lost images, and a move that could not be
made is refused with a readable message (never half written).

Each terminal is a real process with its own connection to the same
database, released together by a "go" file (as in test_booking_concurrency).
"""
import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

from spectra_tui.data import prepare, sessions
from spectra_tui.data.models import AuditLog, SessionImage

from .test_prepare import START, add_images

REPO = Path(__file__).resolve().parents[2]
MOVES = 25

WORKER = textwrap.dedent('''
    import json, os, random, sys, time
    db_path, go_file, session_id, seed, moves = sys.argv[1:6]
    from spectra_tui.data.db import open_database
    from spectra_tui.data import prepare, users
    from spectra_tui.data.errors import DomainError
    from spectra_tui.data.models import Session

    open_database(db_path)
    users.sign_in(users.find_user("rita"))
    session = Session.get_by_id(int(session_id))
    chance = random.Random(int(seed))
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.0005)
    done, refused = 0, []
    for _ in range(int(moves)):
        images = prepare.prepared_images(session)  # what this terminal's list shows
        image = chance.choice(images)
        try:
            if chance.random() < 0.5:
                prepare.move(session, image, chance.choice((-1, 1)))
            else:
                prepare.move_to(session, image, chance.randint(1, len(images)))
            done += 1
        except DomainError as error:
            refused.append(str(error))
    print(json.dumps({"done": done, "refused": refused}), flush=True)
''')


def test_two_terminals_reordering_at_once_keep_the_order_whole(studio, db_target, tmp_path):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type, START)
    ids = {image.id for image in add_images(session, 8)}
    worker = tmp_path / "terminal.py"
    worker.write_text(WORKER)
    go = tmp_path / f"go-{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = [
        subprocess.Popen([sys.executable, str(worker), db_target, str(go), str(session.id), str(seed), str(MOVES)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO))
        for seed in (1, 2)
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            assert line == "ready", f"a terminal failed to start: {line} {proc.stderr.read()}"
        go.touch()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for result in results:
        assert result["done"] + len(result["refused"]) == MOVES
        assert all("changed in another terminal" in message for message in result["refused"]), result["refused"]
    assert sum(result["done"] for result in results) > 0
    rows = prepare.prepared_images(session)
    assert {row.id for row in rows} == ids
    assert [row.position for row in rows] == list(range(1, 9))  # whole: no gap, no double
    assert AuditLog.select().where(AuditLog.action == "image.move").count() <= sum(r["done"] for r in results)
    assert SessionImage.select().where(SessionImage.session == session.id).count() == 8
