"""Queries behind the front desk: the Home hub (today's schedule, sessions
waiting at each stage, open balances) and the client record's lists."""
import datetime as dt

from spectra_tui.data import clients, invoices, ledger, sessions, settings
from spectra_tui.data.clock import set_clock, to_local, to_utc
from spectra_tui.data.models import Invoice
from spectra_tui.data.sessions import SessionQuery, search_sessions

DAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def test_day_schedule_mixes_sessions_and_appointments_in_time_order(studio):
    late = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(15))
    early = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(9))
    meeting = sessions.create_appointment("Staff meeting", at(12), 30, staff=studio.front)
    viewing = sessions.create_appointment("Sales presentation", at(11), 60, session=early)
    sessions.create_session(studio.client, studio.photographer, studio.session_type, at(10, day=DAY + dt.timedelta(days=1)))
    dropped = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(16))
    sessions.cancel_session(dropped, "Rescheduled")

    items = sessions.day_schedule(DAY)

    assert [(i.start.hour, i.kind) for i in items] == [(9, "session"), (11, "appointment"), (12, "appointment"), (15, "session")]
    assert items[0].session.id == early.id and items[0].what == "Family" and items[0].who == "Ava Reyes"
    assert items[0].client.id == studio.client.id and items[0].status == "Session Pending"
    assert items[1].appointment.id == viewing.id and items[1].session.id == early.id and items[1].who == "Ava Reyes"
    assert items[2].appointment.id == meeting.id and items[2].client is None and items[2].who == "Rita Gomez"
    assert items[3].session.id == late.id


def test_waiting_by_status_counts_every_open_stage_and_ignores_the_end(studio):
    statuses = settings.session_statuses()
    set_clock(lambda: to_utc(at(8)))
    first = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(9))
    second = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(10))
    done = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(11))
    gone = sessions.create_session(studio.client, studio.photographer, studio.session_type, at(12))
    set_clock(lambda: to_utc(at(13)))
    sessions.advance_status(first)
    set_clock(lambda: to_utc(at(14)))
    sessions.advance_status(second)
    sessions.set_status(done, statuses[-1])
    sessions.cancel_session(gone, "Moved away")

    stages = sessions.waiting_by_status()

    assert [s.status for s in stages] == statuses[:-1]
    by_status = {s.status: s for s in stages}
    assert by_status[statuses[0]].count == 0 and by_status[statuses[0]].oldest_change is None
    assert by_status[statuses[1]].count == 2
    assert to_local(by_status[statuses[1]].oldest_change) == at(13)


def test_open_balances_largest_first_oldest_first_on_ties_and_pages_cover_all_once(studio):
    made = []
    for days_ago, price, paid in ((10, 4500, 0), (30, 4500, 0), (5, 9000, 1000), (1, 2000, 2000), (2, 100, 0)):
        invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client,
                                          invoice_date=DAY - dt.timedelta(days=days_ago))
        invoices.add_line(invoice, description="Frame", unit_price_cents=price, taxable=False)
        if paid:
            ledger.take_payment(invoice, paid, "cash")
        made.append(invoice)
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=studio.client)
    invoices.add_line(estimate, description="Canvas", unit_price_cents=50000, taxable=False)
    voided = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(voided, description="Album", unit_price_cents=70000, taxable=False)
    invoices.void_invoice(voided, "Typed twice")

    first = invoices.open_balances(limit=2)
    rest = invoices.open_balances(limit=2, after=first[-1])
    rest += invoices.open_balances(limit=2, after=rest[-1])

    rows = first + rest
    assert [r.invoice.id for r in rows] == [made[2].id, made[1].id, made[0].id, made[4].id]
    assert [r.balance for r in rows] == [8000, 4500, 4500, 100]
    assert all(r.balance == ledger.invoice_money(r.invoice).due for r in rows)
    assert rows[0].invoice.client.id == studio.client.id
    assert invoices.open_balances(limit=2, after=rows[-1]) == []


def test_one_clients_sessions_and_appointments(studio):
    other = clients.save_client(None, {"first_name": "Bo", "last_name": "Kim"})
    mine = [sessions.create_session(studio.client, studio.photographer, studio.session_type, at(9 + h)) for h in range(3)]
    sessions.create_session(other, studio.photographer, studio.session_type, at(14))
    found = search_sessions(SessionQuery(client_id=studio.client.id))
    assert [s.id for s in found] == [s.id for s in reversed(mine)]

    appointments = [sessions.create_appointment("Consult", at(8, day=DAY + dt.timedelta(days=d)), client=studio.client)
                    for d in range(3)]
    sessions.create_appointment("Consult", at(8), client=other)
    page = sessions.client_appointments(studio.client, limit=2)
    page += sessions.client_appointments(studio.client, limit=2, after=page[-1])
    assert [a.id for a in page] == [a.id for a in reversed(appointments)]


def test_client_search_pages_match_the_plain_query_whichever_way_it_walks(studio, monkeypatch):
    """search_clients finds a page by walking the name index or by sorting a few
    matches; either way the pages are exactly the plain query's, in name order."""
    import random

    from spectra_tui.data.clients import ClientQuery, _query_filter, search_clients
    from spectra_tui.data.models import Client

    rng = random.Random(3)
    firsts, lasts = ["Sam", "Sara", "Joe", "Ann", "Zoë", "Mary"], ["Smith", "Sanchez", "Jones", "O'Brien", "Mason"]
    cities = ["Austin", "Round Rock", "San Marcos"]
    for n in range(90):
        clients.save_client(None, {"first_name": rng.choice(firsts), "last_name": rng.choice(lasts),
                                   "city": rng.choice(cities), "phone_mobile": f"(512) 555-{1000 + n}"},
                            allow_duplicate=True)

    def plain(query):
        select = Client.select()
        for condition in _query_filter(query):
            select = select.where(condition)
        return [c.id for c in select.order_by(Client.last_key, Client.first_key, Client.id)]

    queries = [ClientQuery(), ClientQuery(name="s"), ClientQuery(name="sa"), ClientQuery(name="zo"),
               ClientQuery(name="o'b"), ClientQuery(name="sam smi"), ClientQuery(name="m", city="ro"),
               ClientQuery(city="sa"), ClientQuery(phone="512555"), ClientQuery(name="q")]
    for few in (500, 3):  # 3: every search counts as "many" and walks the name index
        monkeypatch.setattr(clients, "FEW_MATCHES", few)
        for query in queries:
            pages, after = [], None
            while True:
                page = search_clients(query, limit=7, after=after)
                pages += [c.id for c in page]
                if len(page) < 7:
                    break
                after = page[-1]
            assert pages == plain(query), (few, query)
