"""The weekly letter: web pages and feeds from a real build, the email through a real SMTP server."""

from __future__ import annotations

import email
import re
import shutil
import socket
import ssl
from datetime import datetime, timedelta
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from feedserver import self_signed_certificate
from PIL import Image

from citoyens_ssg import cli, i18n
from citoyens_ssg.config.load import load_network
from citoyens_ssg.errors import CitoyensError, ConfigError
from citoyens_ssg.network.letter.send import SIZE_LIMIT, send_letter

# Saturday 5 December 2026, 12:00 UTC: the latest letter out is Friday 4 December's, week 49,
# which covers Friday 27 November to Thursday 3 December (Europe/Paris).
NOW = "2026-12-05 12:00"
# Written with entities, the title is the text "<script>…" once read: it must stay text everywhere.
HOSTILE_SOURCE = "&lt;script&gt;alert('lettre')&lt;/script&gt; Réunion &amp; co"
HOSTILE = "<script>alert('lettre')</script> Réunion & co"
USER, PASSWORD = "benevole", "mot-de-passe"


def letter_network(network, port: int = 2525, security: str = "starttls", items: int = 30) -> None:
    network.write(
        "network.yaml",
        f"""
        name: Réseau de test
        url: https://reseau.example.org
        lettre:
          title: La lettre de test
          day: vendredi
          items: {items}
          subscribe: https://listes.example.org/sympa/subscribe/lettre
          to: lettre@listes.example.org
          from: reseau@example.org
          smtp:
            host: 127.0.0.1
            port: {port}
            security: {security}
    """,
    )


@pytest.fixture
def town(network, source_date_epoch):
    """Two associations: this week's articles (one with a hostile title), an older one, and events."""
    source_date_epoch(NOW)
    letter_network(network)
    network.site("quartier", "name: Quartier en fête\nlogo: images/logo.png\n")
    (network.root / "sites/quartier/content/images").mkdir(parents=True)
    Image.new("RGB", (64, 64), "#1a5fb4").save(network.root / "sites/quartier/content/images/logo.png")
    network.site("radio", "name: Radio Ondes\n")
    network.article(
        "quartier", "hostile", HOSTILE_SOURCE, "2026-12-01 10:00", body="Un texte sur la réunion."
    )
    network.article("radio", "emission", "Émission spéciale", "2026-11-28 18:00", body="Écoutez l’émission.")
    network.article("radio", "ancienne", "Une ancienne émission", "2026-11-10 09:00")
    network.write(
        "sites/radio/content/agenda/concert.md",
        "Title: Concert au café\nStart: 2026-12-10 20:00\nEnd: 2026-12-10 23:00\n"
        "Place: Café associatif\nPrice: entrée libre\n\nDescription.\n",
    )
    network.write(
        "sites/radio/content/agenda/noel.md",
        "Title: Veillée de Noël\nStart: 2026-12-24 18:00\nEnd: 2026-12-24 22:00\n\nDescription.\n",
    )
    return network


def built(town):
    report = town.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems] + [
        str(p) for p in report.network_problems
    ]
    return town


class Links(HTMLParser):
    """Every URL of a document, every tag name, every <img>'s attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]
        if tag == "img":
            self.images.append(values)


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_week_letter_groups_articles_by_association_and_lists_two_weeks_of_events(town):
    built(town)
    page = town.read("lettre/2026-s49.html")
    main = page[page.index("<main") : page.index("</main>")]
    assert "<h1>La lettre de test — semaine 49, 2026</h1>" in main
    assert '<time datetime="2026-11-27">vendredi 27 novembre 2026</time>' in main
    assert '<time datetime="2026-12-03">jeudi 3 décembre 2026</time>' in main
    # grouped by association, in the network's order, each article linked
    assert main.index(">Quartier en fête</a></h3>") < main.index(">Radio Ondes</a></h3>")
    assert 'href="/radio/emission.html">Émission spéciale</a>' in main  # address from the file name
    assert "Une ancienne émission" not in main  # week 46's letter has it
    assert "Une ancienne émission" in town.read("lettre/2026-s46.html")
    # a hostile title is text, never markup
    assert "&lt;script&gt;alert(&#39;lettre&#39;)&lt;/script&gt; Réunion &amp; co" in main
    assert "<script" not in page
    # events of the next two weeks only
    assert "Concert au café" in main and "entrée libre" in main
    assert "Veillée de Noël" not in main
    # subscription: the list's own page, no form of ours
    assert 'href="https://listes.example.org/sympa/subscribe/lettre"' in main and "<form" not in page
    assert 'href="https://listes.example.org/sympa/subscribe/lettre"' in town.read("index.html")
    assert 'href="/lettre/2026-s48.html" rel="prev"' in main


def test_a_week_with_nothing_new_says_so_in_one_line(town):
    built(town)
    main = town.read("lettre/2026-s48.html").split("<main", 1)[1]
    assert "<p>Rien de nouveau cette semaine.</p>" in main
    assert 'class="planet-list"' not in main


def test_index_and_feeds_of_letters(town):
    built(town)
    index = town.read("lettre/index.html")
    weeks = re.findall(r'href="/lettre/(2026-s\d\d)\.html"', index)
    assert weeks == [
        "2026-s49",
        "2026-s48",
        "2026-s47",
        "2026-s46",
    ]  # from the first article's week, newest first
    atom, rss = town.feed("lettre/atom.xml"), town.feed("lettre/rss.xml")
    assert [e.link for e in atom.entries] == [f"https://reseau.example.org/lettre/{w}.html" for w in weeks]
    assert atom.entries[0].title == "La lettre de test — semaine 49, du 27 novembre au 3 décembre 2026"
    assert (
        "&lt;script&gt;" in atom.entries[0].content[0].value
        and "<script" not in atom.entries[0].content[0].value
    )
    raw = town.read("lettre/rss.xml")
    assert '<guid isPermaLink="true">https://reseau.example.org/lettre/2026-s49.html</guid>' in raw
    assert rss.entries[0].id == "https://reseau.example.org/lettre/2026-s49.html"


def test_editorial_is_markdown_through_the_one_sanitiser_and_bad_files_are_named(town):
    town.write(
        "lettre/2026-s49.md",
        "Bonjour à **toutes et tous** !\n\n<script>alert(1)</script>\n\n"
        "[un lien](javascript:alert(2)) et [le programme](programme.html)\n",
    )
    town.write("lettre/edito.md", "Sans semaine.\n")
    (town.root / "lettre/2026-s48.md").write_bytes("Caf\xe9 ouvert.\n".encode("latin-1"))
    report = town.build()
    problems = [str(p) for p in report.network_problems]
    assert any(p.startswith("lettre/edito.md: ") and "2026-s49.md" in p for p in problems), problems
    assert any(p.startswith("lettre/2026-s48.md:1: ") and "UTF-8" in p for p in problems), problems
    page = town.read("lettre/2026-s49.html")
    assert "<strong>toutes et tous</strong>" in page
    assert "<script" not in page and "javascript:" not in page
    assert 'href="/lettre/programme.html"' in page
    assert "Rien de nouveau cette semaine." in town.read("lettre/2026-s48.html")  # the rest still built


def test_the_newest_letter_has_a_printable_poster_and_letters_are_reproducible(town):
    built(town)
    again = town.root / "encore"
    assert town.build(output_dir=again).ok
    letters = sorted(path.relative_to(town.output) for path in (town.output / "lettre").iterdir())
    assert letters == sorted(path.relative_to(again) for path in (again / "lettre").iterdir())
    assert all((town.output / name).read_bytes() == (again / name).read_bytes() for name in letters)
    pdf = (town.output / "lettre/2026-s49.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert 'href="/lettre/2026-s49.pdf"' in town.read("lettre/2026-s49.html")
    assert not (town.output / "lettre/2026-s48.pdf").exists()


# --- sending ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 OK"


class Refusing(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.7.1 Envoi refusé pour cette liste"


def authenticate(server, session, envelope, mechanism, auth_data):
    # handled=False: aiosmtpd answers 535 itself to a refused login
    return AuthResult(
        success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode(), handled=False
    )


@pytest.fixture
def smtp_server(certificate, monkeypatch):
    """Start an aiosmtpd server on 127.0.0.1 (STARTTLS required, then login); stopped after the test."""
    cert, key = certificate
    monkeypatch.setenv(
        "SSL_CERT_FILE", str(cert)
    )  # the client trusts the test certificate, as OpenSSL reads it
    started = []

    def start(handler, implicit_tls: bool = False) -> int:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        port = free_port()
        # aiosmtpd does not see its implicit TLS as TLS: it would not offer AUTH if told to require it
        tls = (
            {"ssl_context": context, "auth_require_tls": False}
            if implicit_tls
            else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        )
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_required=True, **tls
        )
        controller.start()
        started.append(controller)
        return port

    start.certificate = cert
    yield start
    for controller in started:
        controller.stop()


def sending_town(town, port: int):
    letter_network(town, port=port)
    built(town)
    return town


def test_the_letter_reaches_a_real_smtp_server_once(town, smtp_server, monkeypatch, capsys):
    inbox = Inbox()
    sending_town(town, smtp_server(inbox))
    monkeypatch.setenv("CITOYENS_SMTP_USER", USER)
    monkeypatch.setenv("CITOYENS_SMTP_PASSWORD", PASSWORD)
    assert cli.main(["lettre", "envoyer", "-C", str(town.root)]) == 0

    ((sender, recipients, raw),) = inbox.received
    assert sender == "reseau@example.org" and recipients == ["lettre@listes.example.org"]
    assert len(raw) < SIZE_LIMIT
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "La lettre de test — semaine 49, du 27 novembre au 3 décembre 2026"
    assert message["From"].addresses[0].display_name == "Réseau de test"
    assert message["To"] == "lettre@listes.example.org"
    assert message["Message-ID"] == "<lettre-2026-s49.reseau-de-test@reseau.example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part.get_content_charset() == html_part.get_content_charset() == "utf-8"
    text, html = text_part.get_content(), html_part.get_content()

    # plain text written for reading: short lines, titles as text, links on their own line
    assert "-- Quartier en fête --" in text and f"* {HOSTILE}" in text
    assert "  https://reseau.example.org/radio/emission.html" in text
    assert "Concert au café" in text and "Veillée de Noël" not in text
    assert all(len(line) <= 100 for line in text.splitlines() if "https://" not in line)

    # HTML that survives mail clients: inlined CSS, tables, absolute links, no script/style/remote font
    found = parsed(html)
    assert "style" not in found.tags and "script" not in found.tags and "link" not in found.tags
    assert "&lt;script&gt;" in html and "<script" not in html
    assert 'width="600"' in html and found.tags.count("table") >= 2
    assert 'style="' in html  # the stylesheet went into the elements
    assert found.urls and all(url.startswith("https://") for url in found.urls), found.urls
    assert "@import" not in html and "url(" not in html
    assert all(
        url.startswith("https://reseau.example.org/") for url in found.urls if "listes.example.org" not in url
    )
    assert "https://reseau.example.org/lettre/2026-s49.html" in found.urls
    (logo,) = found.images  # the only image: the association's logo, readable with images off
    assert logo["src"] == "https://reseau.example.org/quartier/images/logo.png"
    # the name follows the logo: with images off, the reader sees "Logo Quartier en fête"
    assert (logo["width"], logo["height"], logo["alt"]) == ("32", "32", "Logo")
    assert (town.output / "quartier/images/logo.png").is_file()
    assert "https://listes.example.org/sympa/subscribe/lettre" in found.urls

    # sent once: the second run refuses, nothing more reaches the server
    assert cli.main(["lettre", "envoyer", "-C", str(town.root), "--semaine", "2026-W49"]) == 1
    assert "2026-W49 was already sent" in capsys.readouterr().err
    assert len(inbox.received) == 1
    assert cli.main(["lettre", "envoyer", "-C", str(town.root), "--semaine", "2026-W49", "--force"]) == 0
    assert len(inbox.received) == 2
    assert cli.main(["lettre", "envoyer", "-C", str(town.root), "--semaine", "2026-W50"]) == 1
    assert "the letter of week 2026-W50 comes out on 2026-12-11" in capsys.readouterr().err
    assert len(inbox.received) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_and_an_untrusted_certificate(town, smtp_server, monkeypatch):
    inbox = Inbox()
    port = smtp_server(inbox, implicit_tls=True)
    letter_network(town, port=port, security="tls")
    built(town)
    monkeypatch.setenv("CITOYENS_SMTP_USER", USER)
    monkeypatch.setenv("CITOYENS_SMTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("SSL_CERT_FILE")  # a certificate nobody vouches for: refused, no fallback
    with pytest.raises(
        CitoyensError, match=r"secure connection failed \(CERTIFICATE_VERIFY_FAILED\); nothing sent"
    ):
        send_letter(town.root, timeout=5)
    assert inbox.received == [] and not record_path_of(town).exists()
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.certificate))
    result = send_letter(town.root, timeout=5)
    assert result.week.iso == "2026-W49" and len(inbox.received) == 1 and record_path_of(town).exists()


def test_refusal_gives_one_french_line_and_nothing_is_marked_sent(town, smtp_server, monkeypatch, capsys):
    sending_town(town, smtp_server(Refusing()))
    monkeypatch.setenv("CITOYENS_SMTP_USER", USER)
    monkeypatch.setenv("CITOYENS_SMTP_PASSWORD", PASSWORD)
    i18n.set_language("fr")
    assert cli.main(["lettre", "envoyer", "-C", str(town.root)]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "le serveur a refusé la lettre (550 5.7.1 Envoi refusé pour cette liste)" in error
    assert "rien n’a été envoyé" in error
    assert not record_path_of(town).exists()


def test_bad_credentials_give_one_french_line_and_nothing_is_marked_sent(
    town, smtp_server, monkeypatch, capsys
):
    inbox = Inbox()
    sending_town(town, smtp_server(inbox))
    monkeypatch.setenv("CITOYENS_SMTP_USER", USER)
    monkeypatch.setenv("CITOYENS_SMTP_PASSWORD", "pas le bon")
    i18n.set_language("fr")
    assert cli.main(["lettre", "envoyer", "-C", str(town.root)]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "identifiant ou mot de passe refusé" in error and "CITOYENS_SMTP_PASSWORD" in error
    assert inbox.received == [] and not record_path_of(town).exists()


def test_a_server_that_never_answers_times_out_and_a_closed_port_is_refused(town, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections (the kernel does) and never says a word
    try:
        sending_town(town, silent.getsockname()[1])
        with pytest.raises(CitoyensError, match=r"no answer within 1 s; nothing sent"):
            send_letter(town.root, timeout=1)
    finally:
        silent.close()
    letter_network(town, port=free_port())
    with pytest.raises(
        CitoyensError, match=r"cannot reach the mail server \(Connection refused\); nothing sent"
    ):
        send_letter(town.root, timeout=5)
    assert not record_path_of(town).exists()


def record_path_of(town) -> Path:
    return town.root / ".citoyens" / "lettre" / "envois.json"


def test_dry_run_writes_the_message_and_a_big_week_stays_under_100_kb(network, source_date_epoch, capsys):
    source_date_epoch(NOW)
    letter_network(network, items=500)
    network.site("blog", "name: Le blog bavard\n")
    long_text = " ".join(["Une phrase assez longue pour remplir le résumé de cet article."] * 12)
    first = datetime(2026, 11, 28)
    for number in range(170):  # every 20 minutes from Saturday 28 November: number 169 is the newest
        date = (first + timedelta(minutes=20 * number)).strftime("%Y-%m-%d %H:%M")
        network.article(
            "blog", f"billet-{number}", f"Billet numéro {number}", date, body=long_text, summary=long_text
        )
    built(network)
    assert cli.main(["lettre", "envoyer", "-C", str(network.root), "--dry-run"]) == 0
    eml = network.root / ".citoyens" / "lettre" / "2026-s49.eml"
    raw = eml.read_bytes()
    assert len(raw) <= SIZE_LIMIT
    message = email.message_from_bytes(raw, policy=policy.default)
    html = message.get_body(("html",)).get_content()
    kept = len(re.findall(r"Billet numéro \d+</a>", html))
    assert 0 < kept < 170
    assert f"Et {170 - kept} autres publications" in html
    assert 'href="https://reseau.example.org/lettre/2026-s49.html"' in html
    assert "Billet numéro 169</a>" in html and "Billet numéro 0</a>" not in html  # the most recent are kept
    assert "left out to stay under 100 KB" in capsys.readouterr().err
    assert not record_path_of(network).exists()  # a dry run is not a sending


def test_weeks_are_iso_weeks_in_the_network_time_zone():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from citoyens_ssg.network.letter.weeks import Week, letter_week, parse_week

    paris = ZoneInfo("Europe/Paris")
    assert parse_week("2026-W49") == parse_week("2026-s49") == Week(2026, 49)
    assert Week(2026, 49).label == "2026-s49" and Week(2026, 9).iso == "2026-W09"
    for wrong in ("2026-W54", "2025-W53", "49", "2026-49"):
        with pytest.raises(CitoyensError, match="write it like 2026-W49"):
            parse_week(wrong)
    # Friday's letter: Thursday 23:30 in Paris (22:30 UTC) is in week 49's letter, Friday 00:30 in week 50's
    assert letter_week(datetime(2026, 12, 3, 22, 30, tzinfo=timezone.utc), 4, paris) == Week(2026, 49)
    assert letter_week(datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc), 4, paris) == Week(2026, 50)
    # the clocks go back on Sunday 25 October 2026: still midnight to midnight
    assert Week(2026, 44).publication(4, paris).isoformat() == "2026-10-30T00:00:00+01:00"
    assert Week(2026, 43).publication(4, paris).isoformat() == "2026-10-23T00:00:00+02:00"
    # 2026 has 53 ISO weeks: the last letter of the year, then the first of 2027
    assert letter_week(datetime(2026, 12, 28, 12, tzinfo=timezone.utc), 4, paris) == Week(2026, 53)
    assert Week(2027, 1).previous() == Week(2026, 53)


def test_lettre_settings_are_checked_with_file_and_line(network):
    network.write(
        "network.yaml",
        """
        name: Réseau de test
        url: https://reseau.example.org
        lettre:
          day: friday
          subscribe: javascript:alert(1)
          itmes: 10
          smtp:
            security: ssl
    """,
    )
    network.site("radio", "name: Radio\n")
    with pytest.raises(ConfigError) as caught:
        load_network(network.root)
    assert [str(problem) for problem in caught.value.problems] == [
        "network.yaml:4: key 'lettre.day': expected a day of the week in French, such as 'vendredi', got "
        "'friday'",
        "network.yaml:5: key 'lettre.subscribe': expected an address starting with https:// or mailto:, "
        "got 'javascript:alert(1)'",
        "network.yaml:6: unknown key 'lettre.itmes' — did you mean 'items'?",
        "network.yaml:8: key 'lettre.smtp.security': expected 'starttls', 'tls' or 'none' (a relay on this "
        "machine), "
        "got 'ssl'",
    ]
    network.write("network.yaml", "name: Réseau\nurl: https://reseau.example.org\nlettre: {}\n")
    letter = load_network(network.root).letter
    # The default title is public: the network's language (French), whatever the machine's (English here).
    assert (letter.title, letter.day, letter.items, letter.smtp_port) == ("La lettre de Réseau", 4, 30, 587)
    network.write("network.yaml", "name: Réseau\nurl: https://reseau.example.org\nlanguage: en\nlettre: {}\n")
    assert load_network(network.root).letter.title == "The letter of Réseau"
