"""Real mail servers for tests: an SMTP server (aiosmtpd, in this process) and a Dovecot
IMAP/POP3 server (a child process on loopback ports, throwaway config, maildir and
passwd-file users; run as ``nobody`` when the tests run as root)."""

from __future__ import annotations

import imaplib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted: one entry per (message, recipient)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]

    @property
    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _ in self.messages for r in rcpts)


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        # aiosmtpd logs every connection at INFO, also after a test's output was closed
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def use_smtp(settings: Any, server: SmtpServer) -> None:
    """Point Django's mail settings (pytest-django ``settings``) at ``server``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "support@helpline.test"


def mail_server_row() -> tuple[object, ...] | None:
    """The saved outgoing mail server as (host, port, security, username, password,
    sender), or None: what a refused change must leave as it was."""
    from helpline.core.models import MailServer

    row = MailServer.objects.first()
    if row is None:
        return None
    return (row.host, row.port, row.security, row.username, row.password, row.sender)


class Dovecot:
    """A throwaway Dovecot: ``users`` maps login to password; plain IMAP and POP3 on free
    loopback ports."""

    def __init__(self, users: dict[str, str], *, tls: bool = False) -> None:
        self.users = users
        self.tls = tls
        self.imap_port = free_port()
        self.imaps_port = free_port() if tls else 0
        self.pop3_port = free_port()
        self.pop3s_port = free_port() if tls else 0
        self.dir = Path(tempfile.mkdtemp(prefix="helpline-dovecot-"))
        self.proc: subprocess.Popen[bytes] | None = None

    def _ids(self) -> tuple[int, int, str, str]:
        if os.getuid() == 0:
            return 65534, 65534, "nobody", "nogroup"
        import grp
        import pwd

        uid, gid = os.getuid(), os.getgid()
        return uid, gid, pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name

    def start(self) -> None:
        uid, gid, user, group = self._ids()
        d = self.dir
        for sub in ("run", "state", "mail", "home"):
            (d / sub).mkdir()
        (d / "passwd").write_text(
            "".join(f"{login}:{{PLAIN}}{password}\n" for login, password in self.users.items())
        )
        ssl_lines = "ssl = no"
        if self.tls:
            # a throwaway self-signed certificate for 127.0.0.1; clients trust it through
            # ``self.cert`` (e.g. SSL_CERT_FILE)
            subprocess.run(
                [
                    "/usr/bin/openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-keyout",
                    str(d / "key.pem"),
                    "-out",
                    str(d / "cert.pem"),
                ],
                check=True,
                capture_output=True,
            )
            ssl_lines = f"ssl = yes\nssl_cert = <{d}/cert.pem\nssl_key = <{d}/key.pem"
        (d / "dovecot.conf").write_text(
            f"""base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
{ssl_lines}
disable_plaintext_auth = no
auth_mechanisms = plain login
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {self.pop3_port}
  }}
  inet_listener pop3s {{
    port = {self.pop3s_port}
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
"""
        )
        for path in [d, *d.rglob("*")]:
            os.chown(path, uid, gid)
        kwargs: dict[str, Any] = {}
        if os.getuid() == 0:
            kwargs = {"user": uid, "group": gid, "extra_groups": []}
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **kwargs,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    @property
    def cert(self) -> Path:
        return self.dir / "cert.pem"

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def imap(self, login: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        conn.login(login, self.users[login])
        return conn

    def deliver(self, login: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message into a mailbox (IMAP APPEND), as a mail server delivering it would."""
        conn = self.imap(login)
        try:
            if folder != "INBOX":
                conn.create(folder)
            typ, data = conn.append(folder, None, None, raw)
            if typ != "OK":
                raise RuntimeError(f"append failed: {data!r}")
        finally:
            conn.logout()

    def count(self, login: str, folder: str = "INBOX") -> int:
        """Messages in a folder that are not flagged deleted."""
        conn = self.imap(login)
        try:
            conn.select(folder)
            typ, data = conn.search(None, "NOT DELETED")
            return len(data[0].split()) if typ == "OK" and data and data[0] else 0
        finally:
            conn.logout()
