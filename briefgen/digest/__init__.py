"""The digest: the briefs of one period (filtered by tag and status) as one PDF, HTML page and Markdown page.

Select (`selection`) → contents (`contents`) → render (`render`) → write (`step`), one module per step.
Each brief in the digest is rendered by the brief's own templates (`brief.pdf.j2`, `brief.html.j2`,
`brief.md.j2`), so a digest shows exactly what the brief's own page shows, workspace overrides
included; the digest templates only add the cover, the contents and the page furniture. A
`<name>.json` manifest (`manifest`), written last, records what went in and the PDF's hash: the mail
step reads it instead of selecting briefs again, so it sends exactly what was built.
"""

from briefgen.digest.contents import Digest, DigestItem, make_digest
from briefgen.digest.manifest import (
    DIGEST_FOLDER,
    BuiltDigest,
    Manifest,
    ManifestBrief,
    manifest_of,
    open_digest,
)
from briefgen.digest.period import Period, range_period, week_period
from briefgen.digest.selection import Selection, select
from briefgen.digest.step import build_digest

__all__ = [
    "DIGEST_FOLDER",
    "BuiltDigest",
    "Digest",
    "DigestItem",
    "Manifest",
    "ManifestBrief",
    "Period",
    "Selection",
    "build_digest",
    "make_digest",
    "manifest_of",
    "open_digest",
    "range_period",
    "select",
    "week_period",
]
