"""Messages on screen: New Email (Ctrl+E) and New SMS (Ctrl+M, Alt+M where
the terminal sends Ctrl+M as Enter) from anywhere, with a template, the
merge fields, a preview before sending and the refusals at their field;
the F9 hub's outbox (by status, the server's answer, retry now, the
client); the templates; the client record's Messages tab and its
do-not-email / do-not-text flags."""

from textual.widgets import Checkbox, Input, Select, Static, TextArea

from spectra_tui.data import clients as client_data
from spectra_tui.data import messages as message_data
from spectra_tui.data.delivery_settings import read_delivery_settings, settings_path
from spectra_tui.data.models import Client, Message, MessageTemplate
from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientForm, ClientRecord, ClientSearchDialog
from spectra_tui.screens.compose import ComposeDialog, PreviewDialog
from spectra_tui.screens.delivery_settings import DeliverySettingsDialog
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.message_templates import TemplateDialog, TemplatesScreen
from spectra_tui.screens.messages import MessagesHub
from spectra_tui.screens.widgets import PagedTable

SIZE = (120, 40)


def reachable_client(number: int = 0) -> Client:
    """A demo client with an email address and a mobile phone."""
    return (
        Client.select()
        .where((Client.email != "") & (Client.phone_mobile != "") & (Client.walk_in == False))  # noqa: E712
        .order_by(Client.id)
        .offset(number)
        .first()
    )


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_ctrl_e_in_a_client_record_previews_then_queues_the_email(app):
    client = reachable_client()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog) and dialog.client.id == client.id
        assert "{first_name}" in text_of(dialog, "#c-fields") and "{balance}" in text_of(dialog, "#c-fields")
        await pilot.press(*"Hello {first_name}", "tab", *"Your balance: {balance}.")
        await pilot.press("ctrl+w")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewDialog)
        assert client.email in text_of(preview, "#p-to")
        assert text_of(preview, "#p-subject") == f"Subject: Hello {client.first_name}"
        assert "Your balance: $" in text_of(preview, "#p-body") and "{" not in text_of(preview, "#p-body")
        assert Message.select().count() == 0  # nothing written before Send
        await pilot.press("enter")  # Send
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
    (message,) = Message.select()
    assert (message.channel, message.client_id, message.status, message.recipient) == (
        "email", client.id, Message.QUEUED, client.email)
    assert message.subject == f"Hello {client.first_name}"
    assert any(m.startswith("Queued: the email to") for m in said(app))


async def test_alt_m_from_home_asks_for_the_client_then_the_text_message(app):
    client = reachable_client(1)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeHub)
        await pilot.press("alt+m")  # what every terminal sends (Ctrl+M is Enter in most)
        await pilot.pause()
        search = app.screen
        assert isinstance(search, ClientSearchDialog)
        search.dismiss(client)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog) and dialog.channel == "sms"
        assert not dialog.query("#c-subject")  # a text message has no subject
        await pilot.press(*"Hi {first_name}, your photos are ready!", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, PreviewDialog)
        assert client.phone_mobile in text_of(app.screen, "#p-to")
        await pilot.press("escape")  # back to editing: all kept
        await pilot.pause()
        assert app.screen is dialog and dialog.body == "Hi {first_name}, your photos are ready!"
        await pilot.press("ctrl+w", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
    (message,) = Message.select()
    assert (message.channel, message.body) == ("sms", f"Hi {client.first_name}, your photos are ready!")


async def test_ctrl_m_itself_where_the_terminal_sends_it(app):
    client = reachable_client()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("ctrl+m")  # (a terminal with the kitty keyboard protocol sends it as itself)
        await pilot.pause()
        assert isinstance(app.screen, ComposeDialog) and app.screen.channel == "sms"
        assert keymap.active().all_keys("new_sms") == "Ctrl+M / Alt+M"


async def test_refusals_are_shown_at_their_field_and_nothing_typed_is_lost(app, make_app):
    client = reachable_client()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("ctrl+e", *"Proofs", "tab", *"Dear {nickname}")
        await pilot.press("ctrl+w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog)  # no preview
        assert "nickname" in text_of(dialog, "#err-body")
        assert dialog.body == "Dear {nickname}" and dialog.subject == "Proofs"
        assert app.focused is dialog.query_one("#c-body", TextArea)
        await pilot.press("escape")
        await pilot.pause()
    client_data.save_client(Client.get_by_id(client.id), {"do_not_email": True})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(Client.get_by_id(client.id)))
        await pilot.pause()
        await pilot.press("ctrl+e", *"Hello", "tab", *"Hi there", "ctrl+w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog)
        assert "Do not email" in text_of(dialog, "#err-to")
        assert (dialog.subject, dialog.body) == ("Hello", "Hi there")
    assert Message.select().count() == 0


async def test_ctrl_e_in_the_emails_own_field_is_the_fields_end_of_line(app):
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(reachable_client()))
        await pilot.pause()
        await pilot.press("ctrl+e", *"ello", "home", "ctrl+e", "!")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog) and dialog.subject == "ello!"
        assert len(app.screen_stack) == 3


async def test_alt_m_in_a_form_keeps_what_was_typed(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClientForm)
        await pilot.press(*"Cal", "tab", *"Dee", "enter")  # Enter and Tab are never New SMS
        await pilot.pause()
        assert app.screen is form and form.query_one("#f-first_name", Input).value == "Cal"
        box = app.focused
        await pilot.press("x", "alt+m")  # a new client has no record yet: whom to is asked
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and app.focused is box and box.value == "x"


async def test_a_template_fills_the_email_and_stays_editable(as_admin, app):
    client = reachable_client()
    template = message_data.create_template("Proofs ready", "email", "Your proofs, {first_name}", "Come see them.")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#c-template", Select).value = template.id
        await pilot.pause()
        assert (dialog.subject, dialog.body) == ("Your proofs, {first_name}", "Come see them.")
        dialog.query_one("#c-body", TextArea).focus()
        await pilot.press("end", *" Soon!", "ctrl+w", "enter")
        await pilot.pause()
    (message,) = Message.select()
    assert message.template_id == template.id and message.body == "Come see them. Soon!"


async def test_templates_are_made_and_edited_from_the_f9_hub(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, MessagesHub)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TemplateDialog)
        await pilot.press(*"Reminder", "enter", "right", "enter", "enter", *"See you {session_date}", "enter",
                          *"Bring a smile", "tab")  # the text has lines: Enter is a new line, Tab moves on
        await pilot.press(*"x", "enter")  # reminder days: not a number, refused at the field
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TemplateDialog) and "number" in text_of(dialog, "#err-reminder")
        await pilot.press("backspace", "2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TemplatesScreen)
        template = MessageTemplate.get(MessageTemplate.name == "Reminder")
        assert (template.channel, template.body, template.reminder_days) == ("sms", "See you {session_date}\nBring a smile", 2)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TemplateDialog)
        reminder = app.screen.query_one("#f-reminder", Input)
        reminder.value = ""
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert MessageTemplate.get_by_id(template.id).reminder_days is None


async def test_f9_lists_the_outbox_by_status_with_the_servers_answer_and_retries(app):
    first, second = reachable_client(), reachable_client(1)
    queued = message_data.queue("email", first, "Hello", "Hi {first_name}")
    failed = message_data.queue("sms", second, "", "Your order is in")
    Message.update(status=Message.FAILED, attempts=5, last_answer="503 gateway down").where(
        Message.id == failed.id
    ).execute()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        hub = app.screen
        assert isinstance(hub, MessagesHub)
        table = hub.query_one("#msg-outbox", PagedTable)
        assert [m.id for m in table.loaded_rows] == [queued.id]
        assert "1 queued message" in text_of(hub, "#msg-note")
        assert first.email in text_of(hub, "#msg-details")
        hub.query_one("#msg-show", Select).value = Message.FAILED
        await pilot.pause()
        assert [m.id for m in table.loaded_rows] == [failed.id]
        assert "503 gateway down" in text_of(hub, "#msg-details")
        hub.query_one("#msg-show", Select).value = "all"
        await pilot.pause()
        assert {m.id for m in table.loaded_rows} == {queued.id, failed.id}
        assert "2 messages" in text_of(hub, "#msg-note")
        hub.query_one("#msg-show", Select).value = Message.FAILED
        await pilot.pause()
        table.focus()
        await pilot.press("r")
        await pilot.pause()
        assert Message.get_by_id(failed.id).status == Message.QUEUED
        assert table.loaded_rows == []  # no longer failed
        hub.query_one("#msg-show", Select).value = Message.QUEUED
        await pilot.pause()
        assert {m.id for m in table.loaded_rows} == {queued.id, failed.id}
        table.move_to_key(failed.id)
        await pilot.press("c")
        await pilot.pause()
        record = app.screen
        assert isinstance(record, ClientRecord) and record.client.id == second.id
        assert record.active_tab == "messages"
        assert [m.id for m in record.query_one("#messages-table", PagedTable).loaded_rows] == [failed.id]


async def test_the_client_record_lists_its_messages_and_its_do_not_flags_are_saved(app):
    client = reachable_client()
    message = message_data.queue("email", client, "Proofs", "Ready")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        record = app.screen
        record.query_one("#f-do_not_text", Checkbox).value = True
        await pilot.press("alt+8")
        await pilot.pause()
        assert record.active_tab == "messages"
        table = record.query_one("#messages-table", PagedTable)
        assert [m.id for m in table.loaded_rows] == [message.id]
        await pilot.press("enter")
        await pilot.pause()
        assert "Ready" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("escape", "ctrl+w")
        await pilot.pause()
    stored = Client.get_by_id(client.id)
    assert stored.do_not_text and not stored.do_not_email


async def test_the_delivery_settings_are_saved_with_the_password_masked_and_never_shown(
    as_admin, app, make_app, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DeliverySettingsDialog)
        password = form.query_one("#f-smtp_password", Input)
        assert password.password  # typed characters masked
        await pilot.press(*"smtp.example.com", "enter", "backspace", "backspace", "backspace", *"x", "enter")
        await pilot.press("enter", *"studio", "enter", *"s3cret-pw", "enter", *"studio@example.com")
        assert "s3cret-pw" not in app.export_screenshot()
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is form and "port" in text_of(form, "#err-smtp_port")  # refused at its field
        assert app.focused is form.query_one("#f-smtp_port", Input)
        await pilot.press("backspace", *"587", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, MessagesHub)
        assert any("this machine sends email" in m for m in said(app))
    saved = read_delivery_settings()
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_username, saved.smtp_password) == (
        "smtp.example.com", 587, "studio", "s3cret-pw")
    assert settings_path().stat().st_mode & 0o777 == 0o600
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "s")
        await pilot.pause()
        form = app.screen
        password = form.query_one("#f-smtp_password", Input)
        assert password.value == "" and "saved" in password.placeholder  # never echoed back
        assert "s3cret-pw" not in app.export_screenshot()
        await pilot.press("ctrl+w")  # an empty password keeps the saved one
        await pilot.pause()
    assert read_delivery_settings().smtp_password == "s3cret-pw"


async def test_the_delivery_settings_are_a_managers(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9", "s")
        await pilot.pause()
        assert isinstance(app.screen, MessagesHub)
        assert any("manager" in m for m in said(app))


async def test_the_background_sender_runs_while_the_app_runs(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no settings here: it sends nothing
    client = reachable_client()
    message_data.queue("email", client, "Hello", "Hi")
    app = make_app(send_messages=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sender = app.message_sender
        assert sender is not None and sender.running
    assert not sender.running and app.message_sender is None
    assert Message.get().status == Message.QUEUED  # nothing lost: it waits for a machine that can send


async def test_apps_built_without_it_run_no_sender(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.message_sender is None


async def test_ctrl_e_in_a_session_record_fills_the_sessions_merge_fields(app):
    from spectra_tui.data.models import Session
    from spectra_tui.screens.sessions import SessionRecord

    session = (
        Session.select()
        .join(Client)
        .where((Client.email != "") & (Session.status == "Session Pending"))
        .order_by(Session.id)
        .first()
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(SessionRecord(session))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ComposeDialog) and dialog.session.id == session.id
        await pilot.press(*"Your session", "tab", *"See you {session_date} with {photographer}.", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, PreviewDialog)
        body = text_of(app.screen, "#p-body")
        assert session.photographer.full_name in body and "{" not in body
