"""`spectra send-reminders [--dry-run]`: queue the session reminders now due,
then deliver what the outbox holds that is due (for cron, e.g. every 15 minutes).

Runs as "system", as `check` does, without a user: it is the studio's
scheduled job, it sends only what the studio's reminder templates (written
by a manager or the owner) say, and the audit log names it "system".
Delivery uses this machine's delivery settings (data/delivery_settings.py);
without them the messages wait in the outbox for a machine that has them.

Exit 0: every reminder due was queued and nothing due failed to go. Exit 3:
a reminder could not be queued (no address, a field the session lacks) or a
delivery failed (it is retried later); each is printed. Exit 2: a refusal
(the studio's key missing...), as every command.
"""

import argparse

SOMETHING_DID_NOT_GO = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "send-reminders",
        help="queue the session reminders due and deliver the outbox (for cron)",
        description="Queue each reminder template's message for the sessions it is due for (N days before, never "
        "twice for a session), then deliver the queued messages that are due. Exit 3 when something did not go.",
    )
    parser.add_argument("--dry-run", action="store_true", help="only list the reminders that would be queued")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..data import delivery, reminders

    outcome = reminders.queue_reminders(dry_run=args.dry_run)
    verb = "Would queue" if args.dry_run else "Queued"
    for reminder in outcome.queued:
        print(f"{verb} {reminder.describe()}.")
    for reminder, reason in outcome.skipped:
        print(f"Not queued: {reminder.describe()}: {reason}")
    if not outcome.queued and not outcome.skipped:
        print("No reminder is due.")
    if args.dry_run:
        return SOMETHING_DID_NOT_GO if outcome.skipped else 0
    settings = delivery.read_delivery_settings()
    if not delivery.ready_channels(settings):
        print("This machine has no delivery settings: the messages wait in the outbox (set them up in the app).")
        return SOMETHING_DID_NOT_GO if outcome.skipped else 0
    counts = delivery.send_due(settings=settings)
    print(f"Delivered {counts.sent}; {counts.retrying} to be tried again; {counts.failed} failed.")
    return SOMETHING_DID_NOT_GO if outcome.skipped or counts.retrying or counts.failed else 0
