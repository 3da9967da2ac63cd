"""Rule 3 under load: two processes save 500 invoices each into one SQLite
file at the same moment. Every invoice gets a number, the numbers are
distinct and run without a gap, and neither process sees "database is locked"."""
import json
import subprocess
import sys
import time

from staff import add_user
from spectra_tui.data import check, clients
from spectra_tui.data.models import Invoice

PER_PROCESS = 500

WRITER = r"""
import json, sys, time
from pathlib import Path
from spectra_tui.data import invoices
from spectra_tui.data.db import open_database
from spectra_tui.data.models import Client, Invoice
from spectra_tui.data.users import find_user, sign_in

db_path, name, count, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
open_database(db_path)
sign_in(find_user(name))
client = Client.get()
(folder / f"ready-{name}").touch()
while not (folder / "go").exists():
    time.sleep(0.005)
numbers = []
started = time.time()
for i in range(count):
    if i % 2:
        time.sleep(0.001)  # a breath between saves, so the other terminal's waits end now and then
    invoice = invoices.create_invoice(Invoice.GENERIC, client=client, notes=f"{name} {i}")
    if i % 5 == 0:
        invoices.add_line(invoice, description="Frame", unit_price_cents=6000)
    numbers.append(invoice.number)
print(json.dumps({"numbers": numbers, "started": started, "ended": time.time()}))
"""


def test_two_processes_save_1000_invoices_without_gaps_or_locks(db, db_target, tmp_path):
    add_user("front1", "Front Desk One")
    add_user("front2", "Front Desk Two")
    clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
    db_path = db_target  # created and migrated by the db fixture, in this process
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_path, name, str(PER_PROCESS), str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("front1", "front2")]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in ("front1", "front2")):
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(w.poll() is None for w in writers), [w.communicate() for w in writers]
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = [w.communicate(timeout=240) for w in writers]
    for writer, (out, err) in zip(writers, results):
        assert "locked" not in err, err
        assert writer.returncode == 0, err
    reports = [json.loads(out) for out, _ in results]
    got = [report["numbers"] for report in reports]
    assert all(len(numbers) == PER_PROCESS for numbers in got)
    assert all(numbers == sorted(numbers) for numbers in got)  # each terminal sees its numbers rise
    everyone = got[0] + got[1]
    assert len(set(everyone)) == 2 * PER_PROCESS
    assert sorted(everyone) == list(range(1001, 1001 + 2 * PER_PROCESS))
    # both really wrote at the same time: their saves overlap and their numbers interleave
    assert reports[0]["started"] < reports[1]["ended"] and reports[1]["started"] < reports[0]["ended"]
    owner = {n: k for k, numbers in enumerate(got) for n in numbers}
    switches = sum(owner[n] != owner[n + 1] for n in range(1001, 1000 + 2 * PER_PROCESS))
    assert switches >= 2, f"the writers took turns only {switches} times"
    stored = [n for (n,) in Invoice.select(Invoice.number).order_by(Invoice.number).tuples()]
    assert stored == sorted(everyone)
    assert {i.created_by for i in Invoice.select()} == {"front1", "front2"}
    assert check.run_checks() == []
