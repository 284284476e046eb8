"""What differs between wikis: where pages go, what front matter they want, how they link.

Page names come from brief ids only (never titles), so retitling a brief never moves its page.
Every path here is POSIX and relative to the wiki root; links are computed from the page that holds
them, because MkDocs resolves links relative to that page while the wikis resolve page names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import posixpath
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from briefgen.model import SLUG_PATTERN
from briefgen.wiki.config import FlavorName

SECTION = "briefs"
"""Folder (GitLab, Wiki.js, MkDocs) that holds every page briefgen writes, away from the team's own pages."""

_BRIEF_NAME = SLUG_PATTERN.removeprefix("^").removesuffix("$")
_ASSET_NAME = r"[a-z0-9]+(?:[-_][a-z0-9]+)*\.(?:png|jpg|webp|svg)"
"""What `figures.shown` names a figure's copy: a slug and the extension of its real format."""
_TAG_NAME = r"[^\W_](?:[\w-]*[^\W_])?"
"""What `tag_slug` can return: word characters and hyphens, neither first nor last a hyphen or `_`."""


def tag_slug(tag: str) -> str:
    """A file-safe name for a tag page: case folded, so `CIS` and `cis` share one page; no dots (Wiki.js drops
    them)."""
    slug = re.sub(r"[^\w]+", "-", tag.casefold()).strip("-_")
    return slug or "tag-" + hashlib.sha256(tag.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class PageInfo:
    """What front matter can say about a page, brief or generated."""

    title: str
    date: dt.date
    description: str = ""
    tags: tuple[str, ...] = ()
    standard: dict[str, Any] | None = None
    """A brief's own front matter from `view.prepare` (id, title, date, status, handling, tags, ...)."""


class Flavor:
    """The folder layout shared by GitLab, Wiki.js and MkDocs; subclasses change what differs."""

    name: ClassVar[FlavorName]
    body_title: ClassVar[bool] = True
    """Pages start with `# Title`; False where the wiki already shows the front matter's title as the header.
    """

    def __init__(self, docs: str = "") -> None:
        self.docs = docs.strip("/")
        """Folder under the wiki root that the wiki reads pages from (MkDocs' docs_dir)."""

    def _in_docs(self, path: str) -> str:
        return posixpath.join(self.docs, path) if self.docs else path

    def index(self) -> str:
        return self._in_docs(f"{SECTION}.md")

    def brief(self, brief_id: str) -> str:
        return self._in_docs(f"{SECTION}/{brief_id}.md")

    def tag(self, slug: str) -> str:
        return self._in_docs(f"{SECTION}/tagged/{slug}.md")

    def sidebar(self) -> str | None:
        return None

    def asset(self, brief_id: str, name: str) -> str:
        """Where a brief's figure copy goes: a folder of its own beside the pages, per brief."""
        return self._in_docs(f"{SECTION}/assets/{brief_id}/{name}")

    def asset_link(self, source: str, target: str) -> str:
        """The image link to file `target` as written on page `source` (a file, not a page: `.md`-free)."""
        return self.link(source, target)

    def owns(self, path: str) -> bool:
        """Whether `path` is a name this flavor gives one of briefgen's pages.

        The manifest is a file in the wiki that anyone can edit, so a path it lists is only trusted
        (changed, pruned) when it fits this layout: never `.git/...`, never the team's `Home.md`.
        """
        if path in (self.index(), self.sidebar()):
            return True
        for name, part in ((self.brief("\0"), _BRIEF_NAME), (self.tag("\0"), _TAG_NAME)):
            prefix, _, suffix = name.partition("\0")
            if re.fullmatch(re.escape(prefix) + part + re.escape(suffix), path):
                return True
        return self.owns_asset(path)

    def owns_asset(self, path: str) -> bool:
        """Whether `path` is a name this flavor gives a brief's figure copy."""
        prefix, _, rest = self.asset("\0", "\1").partition("\0")
        middle = rest.removesuffix("\1")
        return bool(re.fullmatch(re.escape(prefix) + _BRIEF_NAME + re.escape(middle) + _ASSET_NAME, path))

    def link(self, source: str, target: str) -> str:
        """The link to page `target` as written on page `source`."""
        raise NotImplementedError

    def front_matter(self, page: PageInfo) -> dict[str, Any]:
        raise NotImplementedError


class GitHub(Flavor):
    """GitHub wikis: a flat namespace where the file name is the page title (hyphens show as spaces).

    GitHub ignores front matter (it would show as text), so pages have none and start with their
    own `# Title`. Links are page names without `.md`, which GitHub resolves from any page.
    """

    name = "github"

    def index(self) -> str:
        return "Briefs.md"

    def brief(self, brief_id: str) -> str:
        return f"Brief-{brief_id}.md"

    def tag(self, slug: str) -> str:
        return f"Briefs-tagged-{slug}.md"

    def sidebar(self) -> str | None:
        return "_Sidebar.md"

    def asset(self, brief_id: str, name: str) -> str:
        return f"Brief-assets/{brief_id}/{name}"

    def link(self, source: str, target: str) -> str:
        return posixpath.basename(target).removesuffix(".md")

    def asset_link(self, source: str, target: str) -> str:
        return target  # GitHub resolves a wiki file's path from the wiki root, from any page

    def front_matter(self, page: PageInfo) -> dict[str, Any]:
        return {}


class GitLab(Flavor):
    """GitLab wikis: folders are page hierarchies; `title` in front matter is the displayed title.

    A link that is neither `./`- nor `../`-relative is a "direct page link" that GitLab resolves from
    the wiki root, so a page slug without `.md` works from every page. GitLab hides front matter,
    and shows a root page named `_sidebar` in place of its default page list.
    """

    name = "gitlab"

    def sidebar(self) -> str | None:
        return "_sidebar.md"

    def link(self, source: str, target: str) -> str:
        return target.removesuffix(".md")

    def front_matter(self, page: PageInfo) -> dict[str, Any]:
        rest = {key: value for key, value in (page.standard or {}).items() if key != "title"}
        return {"title": page.title, **rest}


class WikiJs(Flavor):
    """Wiki.js 2 Git storage: a file's path is the page path; front matter as Wiki.js itself writes it.

    Wiki.js reads `title`, `description`, `published`, `tags` (one comma-separated string) and
    `editor`, and writes `date` and `dateCreated` as ISO timestamps. Links are absolute page paths.
    Wiki.js shows `title` as the page header, so the body has no `# Title` repeating it.
    """

    name = "wikijs"
    body_title = False

    def link(self, source: str, target: str) -> str:
        return "/" + target.removesuffix(".md")

    def front_matter(self, page: PageInfo) -> dict[str, Any]:
        # The brief's own date, never "now": an unchanged brief must give unchanged bytes.
        stamp = f"{page.date.isoformat()}T00:00:00.000Z"
        return {
            "title": page.title,
            "description": page.description,
            "published": True,
            "date": stamp,
            "tags": ", ".join(page.tags),
            "editor": "markdown",
            "dateCreated": stamp,
        }


class MkDocs(Flavor):
    """MkDocs: pages under docs_dir, links relative to the linking page with `.md`, which MkDocs
    checks and rewrites (`mkdocs build --strict` fails on a broken one). MkDocs reads `title` from
    front matter and ignores the other keys.
    """

    name = "mkdocs"

    def index(self) -> str:
        return self._in_docs(f"{SECTION}/index.md")

    def link(self, source: str, target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(source) or ".")

    def front_matter(self, page: PageInfo) -> dict[str, Any]:
        # MkDocs' themes print `title` (and read other keys) into the page unescaped: a title of
        # `</title><script>…` would run. Escaped here, it shows as written.
        return _html_escaped(dict(page.standard) if page.standard else {"title": page.title})


def _html_escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, dict):
        return {key: _html_escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_html_escaped(item) for item in value]
    return value


FLAVOR_CLASSES: dict[FlavorName, type[Flavor]] = {cls.name: cls for cls in (GitHub, GitLab, WikiJs, MkDocs)}


def flavor_for(name: FlavorName, docs: str = "") -> Flavor:
    return FLAVOR_CLASSES[name](docs)
