"""Reading volunteers' YAML without YAML's surprises.

``yaml.safe_load`` silently keeps the last of two identical keys, expands alias
bombs and turns ``01000`` into 512.  We stop at the node tree instead: it keeps
each value's line and its source text, so the schema can say exactly what went
wrong and where.  Aliases are refused outright: no configuration needs them.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _

MAX_CONFIG_BYTES = 256 * 1024


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, _("YAML aliases (*name) are not allowed here"), event.start_mark
            )
        return super().compose_node(parent, index)


class YamlDocument:
    """A parsed YAML file: its root node and a way to turn nodes into values."""

    def __init__(self, path: Path, display: str, root: Node | None, loader: _StrictLoader):
        self.path = path
        self.display = display
        self.root = root
        self._loader = loader

    def value(self, node: Node) -> object:
        """The plain Python value of ``node`` (safe types only)."""
        return self._loader.construct_object(node, deep=True)

    def problem(self, node: Node | None, message: str) -> Problem:
        if node is None or node.start_mark is None:
            return Problem(self.display, message)
        return Problem(self.display, message, line=node.start_mark.line + 1)


def load_yaml(path: Path, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse ``path``; on failure return the problems, located by line and column."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(display, _("cannot read the file: {reason}", reason=error.strerror))]
    if len(raw) > MAX_CONFIG_BYTES:
        message = _("file too large ({size} bytes, at most {limit})", size=len(raw), limit=MAX_CONFIG_BYTES)
        return None, [Problem(display, message)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = _("not UTF-8: byte 0x{byte:02X}; save the file as UTF-8", byte=raw[error.start])
        return None, [Problem(display, message, line=line)]
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return None, [_yaml_problem(display, error)]
    except yaml.YAMLError as error:
        return None, [Problem(display, str(error))]
    document = YamlDocument(path, display, root, loader)
    return document, _duplicate_keys(document, root)


def _yaml_problem(display: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or str(error)
    message = _("invalid YAML: {reason}", reason=reason)
    if mark is None:
        return Problem(display, message)
    return Problem(display, message, line=mark.line + 1, column=mark.column + 1)


def _duplicate_keys(document: YamlDocument, node: Node | None) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                key = key_node.value
                if key in seen:
                    message = _(
                        "key '{key}' appears twice (first on line {first}); keep only one",
                        key=key,
                        first=seen[key],
                    )
                    problems.append(document.problem(key_node, message))
                else:
                    seen[key] = key_node.start_mark.line + 1
            problems.extend(_duplicate_keys(document, value_node))
    elif node is not None and isinstance(node.value, list):
        for child in node.value:
            problems.extend(_duplicate_keys(document, child))
    return problems
