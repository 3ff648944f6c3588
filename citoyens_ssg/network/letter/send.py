"""Sending a week's letter to the mailing list's posting address, once.

The list manager (Sympa, Mailman, Framalistes, listmonk…) keeps the
subscribers, their consent and the unsubscribe links: citoyens sends one
message to one address, so no personal data enters the repository.  The
password comes from the environment only.

Sent once: each accepted letter is recorded in ``.citoyens/lettre/envois.json``
(the network's cache folder, which CI keeps between weekly runs, see
README.md) and only after the server accepted it.  The Message-ID is the same
for a week whatever the run, so a list manager that remembers Message-IDs
also recognises a second copy.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment

from citoyens_ssg import clock, output
from citoyens_ssg.config.load import LetterConfig, NetworkConfig, load_network
from citoyens_ssg.errors import CitoyensError, Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import subscriptions
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.network.letter.compose import Letter, compose_letter
from citoyens_ssg.network.letter.render import email_html, email_text, subject
from citoyens_ssg.network.letter.weeks import Week, parse_week, published_weeks
from citoyens_ssg.network.stage import load_manifests, pages_environment
from citoyens_ssg.workpaths import WorkPaths

SIZE_LIMIT = 100_000  # bytes of the whole message: Gmail clips a message over 102 KB
USER_VARIABLE = "CITOYENS_SMTP_USER"
PASSWORD_VARIABLE = "CITOYENS_SMTP_PASSWORD"
TIMEOUT = 30.0  # seconds for each exchange with the server
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})  # the only hosts reached without TLS


@dataclass
class SendResult:
    week: Week
    message_id: str
    size: int
    eml: Path | None = None  # --dry-run: where the message was written
    articles_left_out: int = 0
    problems: list[Problem] = field(default_factory=list)


def record_path(network: NetworkConfig) -> Path:
    return WorkPaths.of(network.root).letters / "envois.json"


def send_letter(
    root: Path,
    week: str | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    output_dir: Path | None = None,
    timeout: float = TIMEOUT,
) -> SendResult:
    """Compose the week's letter (the latest one out by default) and send it, or write it with ``dry_run``."""
    network = load_network(root)
    config = _letter_config(network, sending=not dry_run)
    chosen = parse_week(week) if week else _latest_week(network, config)
    out = chosen.publication(config.day, ZoneInfo(network.timezone))
    if not dry_run and not force and out > clock.now():  # not on the web yet, and the week is not over
        raise CitoyensError(
            _(
                "the letter of week {week} comes out on {day}; add --force to send it before",
                week=chosen.iso,
                day=out.date().isoformat(),
            )
        )
    record = _read_record(record_path(network))
    if not dry_run and not force and chosen.label in record:
        raise CitoyensError(
            _(
                "the letter of week {week} was already sent ({when}); add --force to send it again",
                week=chosen.iso,
                when=record[chosen.label].get("sent", "?"),
            )
        )
    letter, problems = _compose(network, chosen, output_dir)
    if letter.empty and not force:
        raise CitoyensError(
            _(
                "week {week}: nothing new and no event, no letter sent (--force sends it anyway)",
                week=chosen.iso,
            )
        )
    message, kept = fitted_message(network, letter, pages_environment(network))
    result = SendResult(
        chosen,
        message["Message-ID"],
        len(message.as_bytes()),
        problems=problems,
        articles_left_out=letter.article_count - kept.article_count,
    )
    if dry_run:
        result.eml = output.write_file(
            WorkPaths.of(network.root).letters, f"{chosen.label}.eml", message.as_bytes()
        )
        return result
    deliver(config, message, timeout)
    _write_record(record_path(network), record, chosen, message)
    return result


def _letter_config(network: NetworkConfig, sending: bool) -> LetterConfig:
    config = network.letter
    if config is None:
        raise CitoyensError(_("network.yaml has no 'lettre:' section: see the README to set up the letter"))
    missing = [key for key, value in (("lettre.to", config.to), ("lettre.from", config.sender)) if not value]
    if sending and not config.smtp_host:
        missing.append("lettre.smtp.host")
    if missing:
        raise CitoyensError(_("network.yaml: give {keys} to send the letter", keys=", ".join(missing)))
    return config


def _latest_week(network: NetworkConfig, config: LetterConfig) -> Week:
    return published_weeks(None, clock.now(), config.day, ZoneInfo(network.timezone), 1)[-1]


def _compose(network: NetworkConfig, week: Week, output_dir: Path | None) -> tuple[Letter, list[Problem]]:
    """The letter from what the last build kept: its manifests and the planet's cache."""
    paths = WorkPaths.of(network.root, output_dir)
    manifest_paths = {site.slug: paths.manifest(site.slug) for site in network.sites}
    manifests, problems = load_manifests(network, manifest_paths)
    if network.sites and not manifests:
        raise CitoyensError(
            _("no built site found in {folder}: build the network first (make html)", folder=paths.output)
        )
    feeds = subscriptions.update_all(network, FetchPolicy(), offline=True)
    letter, more = compose_letter(network, manifests, subscriptions.external_entries(feeds), week)
    return letter, problems + more


def fitted_message(network: NetworkConfig, letter: Letter, env: Environment) -> tuple[EmailMessage, Letter]:
    """The message, under SIZE_LIMIT: over it, only the most recent articles are kept (then, if
    need be, the soonest events) and the email links to the web version and the agenda for the rest."""
    kept = letter
    while True:
        message = build_message(network, kept, env)
        size = len(message.as_bytes())
        if size <= SIZE_LIMIT or (kept.article_count == 0 and not kept.events):
            return message, kept
        # Proportionally fewer (at least one fewer): a few tries, never one per article.
        if kept.article_count:
            kept = kept.trimmed(min(kept.article_count - 1, int(kept.article_count * SIZE_LIMIT / size)))
        else:
            kept = kept.trimmed(
                0, events=min(len(kept.events) - 1, int(len(kept.events) * SIZE_LIMIT / size))
            )


def build_message(network: NetworkConfig, letter: Letter, env: Environment) -> EmailMessage:
    config = network.letter
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(network, letter, env)
    message["From"] = Address(network.name, addr_spec=config.sender)
    message["To"] = config.to
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(network, letter.week)
    message["Content-Language"] = network.language
    # Quoted-printable: readable in the raw message, lines short enough for every relay.
    message.set_content(email_text(network, letter, env), charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        email_html(network, letter, env), subtype="html", charset="utf-8", cte="quoted-printable"
    )
    return message


def message_id(network: NetworkConfig, week: Week) -> str:
    """The same for a week whatever the run: a second copy is recognisable as such."""
    host = urlsplit(network.url).hostname or "citoyens.invalid"
    return f"<lettre-{week.label}.{network.identifier}@{host}>"


def deliver(config: LetterConfig, message: EmailMessage, timeout: float = TIMEOUT) -> None:
    """Hand the message to the SMTP server; any failure is one CitoyensError line
    in the volunteer's language."""
    where = f"{config.smtp_host}:{config.smtp_port}"
    user, password = os.environ.get(USER_VARIABLE, ""), os.environ.get(PASSWORD_VARIABLE, "")
    try:
        with _connect(config, timeout) as server:
            if user or password:
                server.login(user, password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise CitoyensError(
            _(
                "{server}: user name or password refused ({code}); check {user_variable} and "
                "{password_variable}; nothing sent",
                server=where,
                code=error.smtp_code,
                user_variable=USER_VARIABLE,
                password_variable=PASSWORD_VARIABLE,
            )
        )
    except smtplib.SMTPNotSupportedError as error:
        raise CitoyensError(
            _("{server}: the server does not support {what}; nothing sent", server=where, what=error)
        )
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        raise CitoyensError(
            _(
                "{server}: the server refused the letter ({reason}); nothing sent",
                server=where,
                reason=_refusal(error),
            )
        )
    except smtplib.SMTPServerDisconnected as error:
        if not isinstance(error.__context__, TimeoutError):  # smtplib turns a timeout into a disconnection
            raise CitoyensError(
                _(
                    "{server}: the server closed the connection ({reason}); nothing sent",
                    server=where,
                    reason=error,
                )
            )
        raise CitoyensError(
            _("{server}: no answer within {seconds:.0f} s; nothing sent", server=where, seconds=timeout)
        )
    except TimeoutError:
        raise CitoyensError(
            _("{server}: no answer within {seconds:.0f} s; nothing sent", server=where, seconds=timeout)
        )
    except ssl.SSLError as error:
        raise CitoyensError(
            _(
                "{server}: secure connection failed ({reason}); nothing sent",
                server=where,
                reason=error.reason or error,
            )
        )
    except (smtplib.SMTPException, OSError) as error:
        raise CitoyensError(
            _(
                "{server}: cannot reach the mail server ({reason}); nothing sent",
                server=where,
                reason=error.strerror if isinstance(error, OSError) and error.strerror else error,
            )
        )


def _connect(config: LetterConfig, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()  # certificates checked, as for any web address
    if config.smtp_security == "tls":
        return smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, timeout=timeout, context=context)
    server = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=timeout)
    try:
        if config.smtp_security == "starttls":
            server.starttls(context=context)
        elif config.smtp_host not in LOCAL_HOSTS or os.environ.get(PASSWORD_VARIABLE):
            raise smtplib.SMTPNotSupportedError(
                _("a connection without encryption (only to a relay on this machine, without password)")
            )
    except BaseException:
        server.close()
        raise
    return server


def _refusal(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


def _read_record(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise CitoyensError(_("{path}: unreadable record of sent letters; repair or delete it", path=path))
    return data if isinstance(data, dict) else {}


def _write_record(path: Path, record: dict[str, dict], week: Week, message: EmailMessage) -> None:
    record = {
        **record,
        week.label: {
            "sent": clock.now().isoformat(timespec="seconds"),
            "message_id": message["Message-ID"],
            "to": str(message["To"]),
        },
    }
    output.write_file(
        path.parent, path.name, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    )
