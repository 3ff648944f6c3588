"""A small declarative schema for YAML configuration files.

Each field converts one YAML node into a typed value or explains, in one line,
what it expected and what it found.  Validation never stops at the first
problem: every problem of every file is collected so a volunteer fixes them all
in one go.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from citoyens_ssg.config.yamlfile import YamlDocument
from citoyens_ssg.content.sanitize import clean_text
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import N_, _

_YAML = "tag:yaml.org,2002:"
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
# A web or e-mail address, or a path without a scheme (browsers ignore tabs and line
# breaks inside an address, so none is allowed anywhere: "java\tscript:" is refused).
_ADDRESS_CHAR = r"[^\s\\\x00-\x1f\x7f]"
_PATH_START = r"[^\s\\\x00-\x1f\x7f:/?#]"  # no scheme: no colon before the first / ? or #
_LINK = re.compile(
    rf"^(?:(?:https?://|mailto:){_ADDRESS_CHAR}+"
    rf"|(?!//){_PATH_START}*(?:[/?#]{_ADDRESS_CHAR}*)?)$",
    re.IGNORECASE,
)
# A forge account (@user), a team or group (@org/team, GitLab's @group/subgroup), as GitHub and
# GitLab spell them, or an e-mail address, which CODEOWNERS also accepts.  Nothing else: a
# space, '#' or a line break would add owners or rules to CODEOWNERS.
_FORGE_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9])?"
_FORGE_EMAIL = r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_HANDLE = re.compile(rf"^(?:@?{_FORGE_NAME}(?:/{_FORGE_NAME}){{0,3}}|{_FORGE_EMAIL})$")


class Invalid(Exception):
    """Raised by a field: the value is wrong, the message says how to fix it."""


def _found(node: Node, document: YamlDocument) -> str:
    """How YAML understood ``node``, for messages: 'the number 512'..."""
    standard = ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
    if node.tag.removeprefix(_YAML) not in standard:
        return _("a value tagged {tag}", tag=node.tag)
    if isinstance(node, MappingNode):
        return _("a section")
    if isinstance(node, SequenceNode):
        return _("a list")
    tag = node.tag.removeprefix(_YAML)
    source = node.value
    if tag == "null":
        return _("nothing")
    if tag in ("int", "float"):
        return _("the number {value} (written {source})", value=document.value(node), source=source)
    if tag == "bool":
        return _("the yes/no value {value} (written {source})", value=document.value(node), source=source)
    if tag == "timestamp":
        return _("a date (written {source})", source=source)
    return repr(source)


class Field:
    """One key of a section."""

    expected = N_("a value")

    def __init__(self, *, required: bool = False, default: Any = None):
        self.required = required
        self.default = default

    def convert(self, node: Node, document: YamlDocument, path: str, problems: list[Problem]) -> Any:
        raise NotImplementedError


class _Scalar(Field):
    tags: tuple[str, ...] = ("str",)

    def convert(self, node, document, path, problems):
        if not isinstance(node, ScalarNode) or node.tag.removeprefix(_YAML) not in self.tags:
            raise Invalid(self._mismatch(node, document))
        value = document.value(node)
        # One line: a value of site.yaml is a name, an address, a handle, never a block of text.
        return self.check(clean_text(value, one_line=True) if isinstance(value, str) else value)

    def _mismatch(self, node: Node, document: YamlDocument) -> str:
        message = _(
            "expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document)
        )
        if isinstance(node, ScalarNode) and node.tag.removeprefix(_YAML) != "str" and "str" in self.tags:
            message += " — " + _("put it in quotes: '{source}'", source=node.value)
        return message

    def check(self, value: Any) -> Any:
        return value


class Text(_Scalar):
    expected = N_("text")

    def __init__(self, *, pattern: str | None = None, pattern_help: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_help = pattern_help

    def check(self, value):
        value = value.strip()
        if not value and self.required:
            raise Invalid(_("must not be empty"))
        if self.pattern and not self.pattern.match(value):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.pattern_help), found=repr(value))
            )
        return value


class _Shaped(Text):
    """Text that must have a given shape, normalised once accepted."""

    shape: re.Pattern[str]

    def check(self, value):
        value = value.strip()
        if not self.shape.match(value):
            raise Invalid(_("expected {expected}, got {found}", expected=_(self.expected), found=repr(value)))
        return self.normalise(value)

    def normalise(self, value: str) -> str:
        return value


class Color(_Shaped):
    expected = N_("a colour like '#1a5fb4'")
    shape = _COLOR

    def normalise(self, value):
        return value.lower()


class Url(_Shaped):
    expected = N_("an address starting with https:// or http://")
    shape = _URL

    def normalise(self, value):
        return value.rstrip("/")


class Email(_Shaped):
    expected = N_("an e-mail address")
    shape = _EMAIL


class Choice(Text):
    """Text that must be one of a few words."""

    def __init__(self, *, choices: tuple[str, ...], **kwargs: Any):
        super().__init__(**kwargs)
        self.choices = choices

    def check(self, value):
        value = super().check(value)
        if value not in self.choices:
            choices = ", ".join(self.choices)
            raise Invalid(_("expected one of {choices}, got {found}", choices=choices, found=repr(value)))
        return value


class Link(Text):
    """An address a page links to: on the web, an e-mail, or a path of the network."""

    expected = N_("an address starting with https://, http:// or mailto:, or a path like /agenda/")

    def check(self, value):
        value = value.strip()
        if not value or not _LINK.match(value):
            raise Invalid(_("expected {expected}, got {found}", expected=_(self.expected), found=repr(value)))
        return value


class Handle(_Shaped):
    expected = N_(
        "a forge account like '@marie-l', a team like '@radio-ondes/redaction', or an e-mail address"
    )
    shape = _HANDLE


def is_handle(value: str) -> bool:
    return bool(_HANDLE.match(value))


class Integer(_Scalar):
    expected = N_("a whole number")
    tags = ("int",)

    def __init__(
        self, *, minimum: int | None = None, maximum: int | None = None, nullable: bool = False, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum
        if nullable:  # YAML's null (written ~ or null) means "no limit"
            self.tags, self.expected = ("int", "null"), N_("a whole number, or null for none")

    def check(self, value):
        if value is None:  # the tag was checked: only a nullable field gets here
            return None
        _within(value, self.minimum, self.maximum)
        return value


def _within(value: float, minimum: float | None, maximum: float | None) -> None:
    """A number field's bounds, either of which may be open."""
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            _(
                "expected a number between {low} and {high}, got {value}",
                low=minimum,
                high=maximum,
                value=value,
            )
        )


class Number(_Scalar):
    expected = N_("a number")
    tags = ("int", "float")

    def __init__(self, *, minimum: float | None = None, maximum: float | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def check(self, value):
        value = float(value)
        _within(value, self.minimum, self.maximum)
        return value


class Boolean(_Scalar):
    expected = N_("true or false")
    tags = ("bool",)


def _convert_items(
    item: Field, node: SequenceNode, document: YamlDocument, path: str, problems: list[Problem]
) -> list:
    """Each item of a YAML list through ``item``; a bad item is reported, the others kept."""
    values = []
    for child in node.value:
        try:
            values.append(item.convert(child, document, path, problems))
        except Invalid as error:
            problems.append(document.problem(child, f"{path}: {error}"))
    return values


class TextList(Field):
    expected = N_("a list of texts")

    def __init__(self, *, item: Field | None = None, max_items: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.item = item or Text()
        self.max_items = max_items

    def convert(self, node, document, path, problems):
        if isinstance(node, ScalarNode) and node.tag == _YAML + "str":
            return [self.item.convert(node, document, path, problems)]
        if not isinstance(node, SequenceNode):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        if self.max_items is not None and len(node.value) > self.max_items:
            raise Invalid(
                _("at most {maximum} items, got {count}", maximum=self.max_items, count=len(node.value))
            )
        return _convert_items(self.item, node, document, path, problems)


class IntegerList(Field):
    expected = N_("a list of whole numbers")

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.item = Integer(minimum=minimum, maximum=maximum)

    def convert(self, node, document, path, problems):
        if not isinstance(node, SequenceNode) or not node.value:
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        return _convert_items(self.item, node, document, path, problems)


class LinkList(Field):
    """Links as Pelican's MENUITEMS or LINKS take them: a list of [text, address] pairs."""

    expected = N_("a list of [text, address] pairs")

    def convert(self, node, document, path, problems):
        if not isinstance(node, SequenceNode):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        pairs = []
        for child in node.value:
            try:
                if not isinstance(child, SequenceNode) or len(child.value) != 2:
                    pair, found = _("[text, address]"), _found(child, document)
                    raise Invalid(_("expected {expected}, got {found}", expected=pair, found=found))
                text, address = child.value
                pairs.append(
                    (
                        Text(required=True).convert(text, document, path, problems),
                        Link().convert(address, document, path, problems),
                    )
                )
            except Invalid as error:
                problems.append(document.problem(child, _("key '{key}': {reason}", key=path, reason=error)))
        return pairs


class FreeMapping(Field):
    """A section passed through as plain values (for example Pelican's settings)."""

    expected = N_("a section of key: value lines")

    def __init__(self, *, check: Callable[[str, Any], str | None] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.check = check

    def convert(self, node, document, path, problems):
        if not isinstance(node, MappingNode):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        values = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            try:
                value = document.value(value_node)
            except yaml.YAMLError as error:  # an unsafe tag such as !!python/object
                problems.append(document.problem(value_node, f"{path}.{key}: {error}"))
                continue
            reason = self.check(key, value) if self.check else None
            if reason:
                problems.append(document.problem(key_node, f"{path}.{key}: {reason}"))
            else:
                values[key] = value
        return values


@dataclass
class Section(Field):
    """A mapping with known keys; unknown keys get a 'did you mean' hint."""

    fields: dict[str, Field] = field(default_factory=dict)
    required: bool = False
    default: Any = None
    expected = N_("a section of key: value lines")

    def convert(self, node, document, path, problems):
        if not isinstance(node, MappingNode):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        values: dict[str, Any] = {}
        present: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            present.add(key)
            where = f"{path}.{key}" if path else key
            known = self.fields.get(key)
            if known is None:
                problems.append(document.problem(key_node, self._unknown(key, where)))
                continue
            try:
                values[key] = known.convert(value_node, document, where, problems)
            except Invalid as error:
                problems.append(document.problem(value_node, self._invalid(key, where, error)))
        for key, known in self.fields.items():
            if key not in present and known.required:
                where = f"{path}.{key}" if path else key
                problems.append(
                    document.problem(
                        node, _("missing key '{key}' ({expected})", key=where, expected=_(known.expected))
                    )
                )
        return values

    def _unknown(self, key: str, where: str) -> str:
        close = difflib.get_close_matches(key, list(self.fields), n=1, cutoff=0.6)
        if close:
            return _("unknown key '{key}' — did you mean '{suggestion}'?", key=where, suggestion=close[0])
        return _("unknown key '{key}' — known keys: {known}", key=where, known=", ".join(sorted(self.fields)))

    def _invalid(self, key: str, where: str, error: Invalid) -> str:
        return _("key '{key}': {reason}", key=where, reason=error)


@dataclass
class Allowlist(Section):
    """A section of optional keys taken from a list, each with what it does
    (``help``): any other key is refused, naming the closest allowed one."""

    help: dict[str, str] = field(default_factory=dict)
    refusal: str = N_("'{key}' may not be set here")

    def _unknown(self, key: str, where: str) -> str:
        refused = _(self.refusal, key=where)
        close = difflib.get_close_matches(key.upper(), list(self.fields), n=1, cutoff=0.7)
        if close:
            return refused + _(" — did you mean '{suggestion}'?", suggestion=close[0])
        return refused + " — " + _("allowed: {known}", known=", ".join(sorted(self.fields)))

    def _invalid(self, key: str, where: str, error: Invalid) -> str:
        return _("key '{key}' ({help}): {reason}", key=where, help=_(self.help[key]), reason=error)


@dataclass
class SectionList(Field):
    """A list of sections with the same keys (the planet's subscriptions)."""

    item: Section = field(default_factory=Section)
    required: bool = False
    default: Any = None
    expected = N_("a list of sections (lines starting with '- ')")

    def convert(self, node, document, path, problems):
        if not isinstance(node, SequenceNode):
            raise Invalid(
                _("expected {expected}, got {found}", expected=_(self.expected), found=_found(node, document))
            )
        items = []
        for index, item_node in enumerate(node.value, start=1):
            where = f"{path}[{index}]"
            try:
                items.append(self.item.convert(item_node, document, where, problems))
            except Invalid as error:
                problems.append(
                    document.problem(item_node, _("key '{key}': {reason}", key=where, reason=error))
                )
        return items


def validate(document: YamlDocument, schema: Section) -> tuple[dict[str, Any], list[Problem]]:
    """Validate a whole file against ``schema``; an empty file is an empty section."""
    problems: list[Problem] = []
    root = document.root
    if root is None or (isinstance(root, ScalarNode) and root.tag == _YAML + "null"):
        root = MappingNode(_YAML + "map", [])  # an empty file: report missing keys
    try:
        values = schema.convert(root, document, "", problems)
    except Invalid as error:
        problems.append(document.problem(document.root, str(error)))
        values = {}
    return values, problems


# Each configuration key declared once: a field of the configuration object (its name, its
# type), with its YAML key, its schema field (what it accepts and the messages), its default
# and what it does (``help``: an English message id, in French in the catalogue).  The schema
# of a section is read from the object's fields, and the object built from the checked values.
_KEY = "citoyens_key"


@dataclass(frozen=True)
class Key:
    field: Field
    help: str
    yaml: str | None = None  # the YAML key, when it is not the attribute's name
    within: str | None = None  # a sub-section holding it (the letter's smtp:)


def key(
    check: Field,
    default: Any = dataclasses.MISSING,
    help: str = "",
    *,
    yaml: str | None = None,
    within: str | None = None,
) -> Any:
    """Declare a configuration key as a field of its dataclass (see ``Key``)."""
    metadata = {_KEY: Key(check, help, yaml, within)}
    if isinstance(default, (list, dict, set)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def declared(cls: type) -> list[tuple[dataclasses.Field, Key]]:
    """The configuration keys of a dataclass, in declaration order."""
    return [(found, found.metadata[_KEY]) for found in dataclasses.fields(cls) if _KEY in found.metadata]


def section_of(cls: type, **others: Field) -> Section:
    """The schema of the section ``cls`` is made from (``others``: keys it does not declare)."""
    fields: dict[str, Field] = {}
    groups: dict[str, dict[str, Field]] = {}
    for attribute, declaration in declared(cls):
        name = declaration.yaml or attribute.name
        into = groups.setdefault(declaration.within, {}) if declaration.within else fields
        into[name] = declaration.field
    fields.update({group: Section(fields=keys) for group, keys in groups.items()})
    return Section(fields={**fields, **others})


def built(cls: type, values: dict[str, Any], **computed: Any) -> Any:
    """``cls`` from a section's checked ``values``: each key given, else its default; lists
    become tuples; ``computed``: the fields the section does not give as they are."""
    arguments: dict[str, Any] = {}
    for attribute, declaration in declared(cls):
        source = values.get(declaration.within, {}) if declaration.within else values
        name = declaration.yaml or attribute.name
        if name in source and attribute.name not in computed:
            value = source[name]
            arguments[attribute.name] = tuple(value) if isinstance(value, list) else value
    return cls(**arguments, **computed)
