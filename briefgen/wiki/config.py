"""The [wiki] table of briefgen.toml: where the wiki is, which kind it is, and who commits to it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefgen.config import never_red
from briefgen.model import Handling

FlavorName = Literal["github", "gitlab", "wikijs", "mkdocs"]
FLAVORS: tuple[FlavorName, ...] = ("github", "gitlab", "wikijs", "mkdocs")


class WikiConfig(BaseModel):
    """Defaults for `briefgen publish`; `--wiki` and `--flavor` override `path` and `flavor`."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(
        None, description="The wiki's Git clone (or MkDocs folder), relative to the workspace."
    )
    flavor: FlavorName = Field("github", description="github, gitlab, wikijs or mkdocs.")
    sidebar: bool = Field(
        True,
        description=(
            "Write the sidebar (GitHub _Sidebar.md, GitLab _sidebar.md); false leaves a team's own alone."
        ),
    )
    author_name: str = Field("briefgen", min_length=1, description="Author and committer of publish commits.")
    author_email: str = Field("briefgen@localhost", min_length=1)
    remote: str = Field("origin", min_length=1, description="Remote that --push pushes to.")
    branch: str | None = Field(
        None, min_length=1, description="Branch to push; default: the clone's current branch."
    )
    release: Handling = Field(
        Handling.GREEN, description="The release level the wiki gets (never TLP:RED); --release overrides."
    )

    @field_validator("release")
    @classmethod
    def _never_red(cls, value: Handling) -> Handling:
        never_red([value])
        return value
