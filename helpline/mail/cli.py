"""``helpline channel add|list`` and ``helpline mail fetch|flush|digest|failed|reprocess``.

Thin commands: each parses its arguments and calls one service of ``helpline.mail``.
"""

from __future__ import annotations

import argparse
from typing import Any

from helpline.cli import CliError, database_errors, require_database, setup_django


def register(subparsers: Any) -> None:
    c = subparsers.add_parser(
        "channel", help="mail channels (mailboxes read into tickets)", description="Mail channels."
    )
    actions = c.add_subparsers(dest="channel_command", metavar="ACTION", required=True)
    a = actions.add_parser(
        "add",
        help="add a mailbox read into a group",
        description="Add a mailbox: imap://USER:PASS@HOST:PORT/FOLDER (also imaps://, "
        "pop3://, pop3s://). imap:// and pop3:// use STARTTLS unless --security says "
        "otherwise. Write an @ in the user name as %%40.",
    )
    a.add_argument("url")
    a.add_argument("--group", required=True, help="group new tickets are filed into")
    a.add_argument("--name", default="", help="name of the channel (default: user@host/folder)")
    a.add_argument("--address", default="", help="the address customers write to")
    a.add_argument("--security", choices=["tls", "starttls", "plain"], default=None)
    a.add_argument("--interval", type=int, default=60, help="polling interval in seconds")
    a.set_defaults(func=cmd_channel_add)
    lst = actions.add_parser("list", help="list channels (passwords are never shown)")
    lst.set_defaults(func=cmd_channel_list)

    m = subparsers.add_parser("mail", help="fetch and send mail", description="Mail.")
    mail = m.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    f = mail.add_parser("fetch", help="one pass over every channel")
    f.set_defaults(func=cmd_fetch)
    s = mail.add_parser("flush", help="send every due mail of the outbox now")
    s.set_defaults(func=cmd_flush)
    d = mail.add_parser(
        "digest",
        help="mail each user their outstanding tickets",
        description="Mail each user the open tickets they created, are the customer of, own "
        "or are assigned to (Flicket's email_outstanding_tickets). Once a day per user.",
    )
    d.set_defaults(func=cmd_digest)
    fl = mail.add_parser("failed", help="list the mail that could not be taken in")
    fl.set_defaults(func=cmd_failed)
    r = mail.add_parser("reprocess", help="take a failed mail in again")
    r.add_argument("id", type=int)
    r.set_defaults(func=cmd_reprocess)


def _system() -> Any:
    setup_django()
    require_database()
    from helpline.lib.actor import Actor

    return Actor.system("cli")


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from helpline.lib.errors import DomainError

    try:
        with database_errors():
            return fn(*args, **kwargs)
    except DomainError as exc:
        raise CliError(str(exc)) from None


def cmd_channel_add(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.channels import add_channel

    channel = _run(
        add_channel,
        actor,
        args.url,
        group=args.group,
        name=args.name,
        address=args.address,
        security=args.security,
        poll_interval=args.interval,
    )
    print(
        f"Added channel {channel.pk} {channel.name!r}: {channel.protocol} "
        f"({channel.security}) {channel.host}:{channel.port} folder {channel.folder} "
        f"-> group {channel.group.name}."
    )
    return 0


def cmd_channel_list(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.channels import list_channels

    for c in _run(list_channels, actor):
        print(
            f"{c['id']}\t{c['name']}\t{c['protocol']}/{c['security']}\t{c['host']}:{c['port']}"
            f"\t{c['folder']}\t{c['group']}\tpassword {'set' if c['password_set'] else 'unset'}"
            f"\t{c['last_error'] or 'ok'}"
        )
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to do"


def cmd_fetch(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.fetch import fetch_all

    counts = _run(fetch_all, actor)
    print(f"Fetched: {_counts(counts)}.")
    return 1 if counts.get("errors") else 0


def cmd_flush(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.outbox import flush_outbox_as

    print(f"Outbox: {_counts(_run(flush_outbox_as, actor))}.")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.digest import send_digests

    print(f"Digest: {_counts(_run(send_digests, actor))}.")
    return 0


def cmd_failed(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.failed import list_failed_mail

    rows = _run(list_failed_mail, actor)
    for row in rows:
        print(f"{row.pk}\t{row.created_at:%Y-%m-%d %H:%M}\tattempts {row.attempts}\t{row.error}")
    if not rows:
        print("No failed mail.")
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    actor = _system()
    from helpline.mail.services.failed import reprocess_failed_mail

    outcome = _run(reprocess_failed_mail, actor, args.id)
    print(f"Failed mail {args.id}: {outcome.kind} {outcome.reason}".rstrip() + ".")
    return 0 if outcome.kind != "failed" else 1
