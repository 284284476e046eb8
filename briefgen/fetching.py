"""The only way WeasyPrint may load anything: files inside the workspace and `data:` URIs.

Brief content is untrusted, so a link or image pointing at the network, at `/etc/passwd` or at
`/dev/zero` must load nothing. Paths are resolved (symlinks followed) before the containment check.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_RESOURCE_BYTES = 20 * 1024 * 1024


class BlockedResource(ValueError):
    """WeasyPrint turns this into a warning naming the URL; the render goes on without it."""


class WorkspaceFetcher(URLFetcher):
    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()
        self.served: set[str] = set()
        """Workspace-relative names of the files handed out: inputs of the PDF, for change detection."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise BlockedResource(
                f"blocked {scheme}: resource (briefgen fetches nothing from the network): {url}"
            )
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise BlockedResource(f"blocked remote file URL: {url}")
        try:
            path = Path(unquote(parts.path)).resolve()
        except (OSError, ValueError, RuntimeError) as error:  # a symlink loop, a NUL byte
            raise BlockedResource(f"cannot resolve {url}: {error}") from None
        if not path.is_relative_to(self.root):
            raise BlockedResource(f"blocked file outside the workspace: {path}")
        if not path.is_file():
            raise BlockedResource(f"not a regular file: {path}")
        with path.open("rb") as handle:
            body = handle.read(MAX_RESOURCE_BYTES + 1)
        if len(body) > MAX_RESOURCE_BYTES:
            raise BlockedResource(f"file larger than {MAX_RESOURCE_BYTES} bytes: {path}")
        self.served.add(path.relative_to(self.root).as_posix())
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": content_type})
