"""The preview server behind `briefgen serve`: briefs rendered on request, pages reloaded on save.

Three routes and one push channel do not earn a web framework, so this is the standard library's
threading HTTP server (`http`, `server`). Every request reads the files as they are on disk (`site`,
`pages`) and has them rendered by the build's own worker in a warm process pool (`rendering`), so the
preview shows what a build would write and one slow brief costs only its own page. watchfiles
notices saves (`watch`); a Server-Sent Events stream (`/events`) tells open pages to reload. The
reload script is added after rendering, only to pages this server sends (built files stay
script-free), and it runs only under a per-response CSP nonce, so nothing in a brief (autoescaped
anyway) can add a script of its own.

URLs name briefs by id only (`/briefs/<slug>.html|.pdf`); nothing in a URL is ever used as a path.
"""

from briefgen.serve.server import PreviewServer

__all__ = ["PreviewServer"]
