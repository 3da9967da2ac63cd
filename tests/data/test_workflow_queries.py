"""The Workflow hub's stage list: sessions waiting at one status, paged from SQL."""
import datetime as dt

from spectra_tui.data import sessions

DAY = dt.datetime(2026, 3, 2, 10, 0)


def test_sessions_at_a_status_earliest_first_in_keyset_pages(studio):
    made = [sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                    DAY + dt.timedelta(days=offset)) for offset in (3, 0, 2, 1, 0)]
    sessions.set_status(made[2], "Capture Images Pending")
    waiting = [s for s in made if s is not made[2]]
    expected = [s.number for s in sorted(waiting, key=lambda s: (s.start, s.id))]
    first = sessions.sessions_at_status("Session Pending", limit=2)
    rest = sessions.sessions_at_status("Session Pending", limit=2, after=first[-1])
    assert [s.number for s in first + rest] == expected
    assert sessions.sessions_at_status("Session Pending", limit=2, after=rest[-1]) == []
    assert [s.number for s in sessions.sessions_at_status("Capture Images Pending")] == [made[2].number]
    assert first[0].client.last_name == "Lee"  # joined, no query per row


def test_no_sessions_at_a_status_nobody_is_at(studio):
    assert sessions.sessions_at_status("In Production") == []


def test_is_later_status_follows_the_workflow_order(studio):
    session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                      dt.datetime(2026, 12, 1, 10, 0))
    assert sessions.is_later_status(session, "Sales Presentation Pending")
    assert not sessions.is_later_status(session, "Session Pending")  # where it is now
    assert not sessions.is_later_status(session, "No such status")
    sessions.cancel_session(session, "Client moved away")
    assert not sessions.is_later_status(session, "Sales Presentation Pending")
