"""The ``editeur:`` section of network.yaml: where the web editor saves (a leaf: config.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass

from citoyens_ssg.config import schema
from citoyens_ssg.i18n import N_

BACKENDS = ("git-gateway", "github", "gitlab", "gitea")  # Netlify Identity, GitHub, GitLab/Framagit, Forgejo


@dataclass(frozen=True)
class Backend:
    """Where saves go. With the editorial workflow each save is a pull/merge request to review."""

    name: str = "git-gateway"
    repo: str = ""  # owner/name on the git host
    branch: str = "main"
    base_url: str = ""  # the OAuth server (GitHub, Gitea) or the GitLab instance
    auth_endpoint: str = ""
    app_id: str = ""  # GitLab's OAuth application: PKCE, no server of our own
    api_root: str = ""  # a self-hosted GitLab, Gitea or Forgejo's API
    editorial_workflow: bool = True


_ADDRESS = r"^https://[^\s\"'<>\\]+$"
_PLAIN = r"^[A-Za-z0-9][\w./-]*$"
SECTION = schema.Section(
    fields={
        "backend": schema.Text(
            pattern="^(" + "|".join(BACKENDS) + ")$",
            pattern_help=N_("one of git-gateway, github, gitlab, gitea"),
        ),
        "repo": schema.Text(
            pattern=r"^[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)+$",
            pattern_help=N_("the repository as owner/name"),
        ),
        "branch": schema.Text(pattern=_PLAIN, pattern_help=N_("a branch name such as 'main'")),
        "base_url": schema.Text(pattern=_ADDRESS, pattern_help=N_("an address starting with https://")),
        "auth_endpoint": schema.Text(pattern=_PLAIN, pattern_help=N_("a path such as 'oauth/authorize'")),
        "app_id": schema.Text(
            pattern=r"^[A-Za-z0-9]+$", pattern_help=N_("the application ID given by GitLab")
        ),
        "api_root": schema.Text(pattern=_ADDRESS, pattern_help=N_("an address starting with https://")),
        "editorial_workflow": schema.Boolean(),
    }
)


def backend_from(values: dict) -> Backend:
    """The checked ``editeur:`` values as a Backend."""
    renamed = {("name" if key == "backend" else key): value for key, value in values.items()}
    return Backend(**renamed)
