"""The ``editeur:`` section of network.yaml: where the web editor saves (a leaf: config.py reads it).

Each key is declared once, as a field of ``Backend`` (``schema.key``: what it accepts, its default, its
help), like the other sections of the configuration: the section's schema and the ``Backend`` built
from its checked values are both read from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from citoyens_ssg.config import schema
from citoyens_ssg.i18n import N_

BACKENDS = ("git-gateway", "github", "gitlab", "gitea")  # Netlify Identity, GitHub, GitLab/Framagit, Forgejo

key = schema.key
_ADDRESS = schema.Text(
    pattern=r"^https://[^\s\"'<>\\]+$", pattern_help=N_("an address starting with https://")
)
_PLAIN = r"^[A-Za-z0-9][\w./-]*$"


@dataclass(frozen=True)
class Backend:
    """Where saves go. With the editorial workflow each save is a pull/merge request to review."""

    name: str = key(
        schema.Text(
            pattern="^(" + "|".join(BACKENDS) + ")$",
            pattern_help=N_("one of git-gateway, github, gitlab, gitea"),
        ),
        "git-gateway",
        N_("where the editor saves: git-gateway, github, gitlab or gitea"),
        yaml="backend",
    )
    repo: str = key(
        schema.Text(
            pattern=r"^[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)+$",
            pattern_help=N_("the repository as owner/name"),
        ),
        "",
        N_("the repository on the git host, as owner/name"),
    )
    branch: str = key(
        schema.Text(pattern=_PLAIN, pattern_help=N_("a branch name such as 'main'")),
        "main",
        N_("the branch saves go to"),
    )
    base_url: str = key(_ADDRESS, "", N_("the OAuth server (GitHub, Gitea) or the GitLab instance"))
    auth_endpoint: str = key(
        schema.Text(pattern=_PLAIN, pattern_help=N_("a path such as 'oauth/authorize'")),
        "",
        N_("the OAuth server's authorisation path"),
    )
    # GitLab's OAuth application: PKCE, no server of our own
    app_id: str = key(
        schema.Text(pattern=r"^[A-Za-z0-9]+$", pattern_help=N_("the application ID given by GitLab")),
        "",
        N_("the GitLab application's ID"),
    )
    api_root: str = key(_ADDRESS, "", N_("the API of a self-hosted GitLab, Gitea or Forgejo"))
    editorial_workflow: bool = key(schema.Boolean(), True, N_("each save a pull or merge request to review"))
