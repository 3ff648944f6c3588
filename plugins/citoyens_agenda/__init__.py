"""Pelican plugin: a site's events, its agenda page and its calendars.

Events are Markdown files in ``content/agenda/`` whose metadata say when and
where (see ``citoyens_ssg.content.events``).  Each gets a page ``agenda/<slug>.html``
with an "add to my calendar" file ``agenda/<slug>.ics``; the site gets
``agenda/index.html`` (upcoming first, past ones kept below) and
``agenda/agenda.ics`` to subscribe to.  The events also go to the manifest,
for the network's merged agenda.

Hooks ``get_generators`` (an ``AgendaGenerator`` beside Pelican's own): it reads the site's
``content/agenda/*.md`` and the site context (its agenda folder, slug, the network's identifier), writes
the pages and calendars above, and leaves the events in the context (``citoyens_events``) for
citoyens_manifest.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals
from pelican.contents import Page
from pelican.generators import Generator

from citoyens_ssg import clock, output
from citoyens_ssg.content import calendar, events
from citoyens_ssg.content import checks as content_checks
from citoyens_ssg.content.checks import ContentError
from citoyens_ssg.network.agenda import split_by_time
from citoyens_ssg.site.context import site_context

logger = logging.getLogger(__name__)


class AgendaEvent(Page):
    """An event file, as Pelican content (its URL settings: AGENDAEVENT_URL…)."""

    default_template = "event"


class AgendaGenerator(Generator):
    def generate_context(self) -> None:
        self.events: list[AgendaEvent] = []
        for relative in self.get_files([site_context(self.settings).agenda_folder]):
            content = self._read(relative)
            if content is not None:
                self.events.append(content)
                self.add_source_path(content)
        self.events.sort(key=lambda c: (c.citoyens_event.start, c.slug))
        self.context["citoyens_events"] = [c.citoyens_event for c in self.events]
        if self.events:
            folder = site_context(self.settings).agenda_folder
            self.context["AGENDA_URL"] = f"{self.settings['SITEURL']}/{folder}/"

    def _read(self, relative: str) -> AgendaEvent | None:
        try:
            content = self.readers.read_file(
                base_path=self.path, path=relative, content_class=AgendaEvent, context=self.context
            )
        except Exception:  # already checked and worded by citoyens_guard; Pelican's way: log and skip
            logger.error("Could not process %s", relative)
            return None
        if not content.is_valid() or content.status != "published":
            return None
        try:
            content.citoyens_event = self._event(content)
        except ContentError:
            logger.error("Could not process %s", content.source_path)
            return None
        return content

    def _event(self, content: AgendaEvent) -> events.Event:
        text = Path(content.source_path).read_text(encoding="utf-8-sig")
        lines = {field.key: field.line for field in content_checks.read_header(text)}
        metadata = {
            key: str(value) for key, value in content.metadata.items() if key in content_checks.EVENT_KEYS
        }
        site_url = self.settings["SITEURL"]
        category = getattr(content, "category", None) or content.metadata.get("category")
        return events.parse_event(
            metadata,
            lines,
            site=site_context(self.settings).slug,
            slug=content.slug,
            title=str(content.title.unescape()),
            url=f"{site_url}/{content.url}",
            timezone=self.settings["TIMEZONE"],
            categories=(str(category),) if category else (),
            summary=content.get_content(site_url),
            site_name=self.settings["SITENAME"],
            stamp=getattr(content, "modified", None) or getattr(content, "date", None),
        )

    def generate_output(self, writer) -> None:
        if not self.events:
            return
        now = clock.now()
        site_output = Path(self.settings["OUTPUT_PATH"])
        network_id = site_context(self.settings).network_id
        language = self.settings.get("DEFAULT_LANG", "fr")
        folder = site_context(self.settings).agenda_folder
        for content in self.events:
            event = content.citoyens_event
            writer.write_file(
                content.save_as,
                self.get_template(content.template),
                self.context,
                page=content,
                event=event,
                ics_url=f"{self.settings['SITEURL']}/{folder}/{content.slug}.ics",
                next_start=event.next_start(now),
                page_name="event",
            )
            single = calendar.calendar([event], str(content.title), network_id, language=language)
            output.write_file(site_output, f"{folder}/{content.slug}.ics", single)
        upcoming, past = split_by_time([c.citoyens_event for c in self.events], now)
        writer.write_file(
            f"{folder}/index.html",
            self.get_template("agenda"),
            self.context,
            upcoming=upcoming,
            past=past,
            page_name="agenda",
        )
        events = [c.citoyens_event for c in self.events]
        output.write_file(
            site_output,
            f"{folder}/agenda.ics",
            calendar.calendar(events, self.settings["SITENAME"], network_id, language=language),
        )


def get_generators(pelican):  # noqa: ARG001 - signal signature
    return AgendaGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
