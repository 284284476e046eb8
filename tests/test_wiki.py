"""`briefgen publish` against real parts: git from the system with a bare repository as the remote,
MkDocs building the published folder with --strict, and each wiki's front matter read back as YAML."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
import yaml
from markdown_it import MarkdownIt

from briefgen.errors import ExitCode
from briefgen.wiki.flavors import flavor_for
from briefgen.wiki.manifest import MANIFEST_NAME
from briefgen.wiki.pages import plain_text
from tests.conftest import EXAMPLE_ID, REPO, run

DATA = Path(__file__).parent / "data" / "wiki"
FOLLOW_UP = "alaska-follow-up"
PAGE = f"Brief-{EXAMPLE_ID}.md"
HOME = "# Home\n\nThe team's own page: briefgen must never touch it.\n"
CONFIG = """\
[wiki]
path = "wiki"
author_name = "Brief Bot"
author_email = "brief-bot@example.org"
"""


@pytest.fixture(autouse=True)
def git_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git as on a fresh machine: no system or global config, no identity, no inherited repository."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_CONFIG_GLOBAL", "EMAIL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def clone(remote: Path, target: Path, user: str) -> Path:
    git(remote.parent, "clone", "-q", str(remote), str(target))
    git(target, "config", "user.name", user)
    git(target, "config", "user.email", f"{user.lower()}@example.org")
    return target


def commits(repo: Path, ref: str = "main") -> int:
    return int(git(repo, "rev-list", "--count", ref).strip())


@pytest.fixture
def wiki(workspace: Path) -> Path:
    """A bare repository as the remote (holding the team's Home page) and a clone of it as the wiki."""
    remote = workspace / "remote.git"
    git(workspace, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = clone(remote, workspace / "seed", "Seeder")
    (seed / "Home.md").write_text(HOME, encoding="utf-8")
    git(seed, "add", "Home.md")
    git(seed, "commit", "-q", "-m", "Home")
    git(seed, "push", "-q", "origin", "HEAD:main")
    (workspace / "briefgen.toml").write_text(CONFIG, encoding="utf-8")
    return clone(remote, workspace / "wiki", "Analyst")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file outside .git with its bytes and modification time (nanoseconds)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def retitle(workspace: Path, title: str) -> None:
    path = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), encoding="utf-8")


def test_publish_twice_commits_once_and_leaves_pages_alone(wiki: Path) -> None:
    first = run("publish", "--push")
    assert first.exit_code == 0, first.output + first.stderr
    assert f"added         {PAGE}" in first.stdout and "pushed to origin/main" in first.stdout
    remote = wiki.parent / "remote.git"
    assert commits(remote) == 2
    author = git(wiki, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()
    assert author == "Brief Bot <brief-bot@example.org>|Brief Bot <brief-bot@example.org>"
    message = git(wiki, "log", "-1", "--format=%B")
    assert (
        message.startswith("Publish briefs: ")
        and f"added: {PAGE}" in message
        and "added: _Sidebar.md" in message
    )
    assert (wiki / "Home.md").read_text(encoding="utf-8") == HOME
    before = snapshot(wiki)

    second = run("publish", "--push")
    assert second.exit_code == 0, second.output + second.stderr
    assert "nothing changed: no commit" in second.stdout and "already up to date" in second.stdout
    assert commits(remote) == 2 and commits(wiki, "HEAD") == 2
    assert snapshot(wiki) == before  # same bytes and the same timestamps: the wiki sees no new revision
    assert git(wiki, "status", "--porcelain") == ""


def test_retitled_brief_keeps_its_page(wiki: Path) -> None:
    assert run("publish").exit_code == 0
    retitle(wiki.parent, "Putin ties any settlement to the Anchorage provisions")
    result = run("publish")
    assert result.exit_code == 0, result.stderr
    assert f"changed       {PAGE}" in result.stdout and "added" not in result.stdout.replace("0 added", "")
    page = (wiki / PAGE).read_text(encoding="utf-8")
    assert page.startswith("# Putin ties any settlement to the Anchorage provisions\n")
    assert "[Putin ties any settlement to the Anchorage provisions](Brief-putin-alaska-provisions)" in (
        wiki / "Briefs.md"
    ).read_text(encoding="utf-8")
    assert sorted(p.name for p in wiki.glob("Brief-*.md")) == [PAGE]
    assert f"changed: {PAGE}" in git(wiki, "log", "-1", "--format=%B")


def test_removed_brief_keeps_its_page_until_pruned(wiki: Path) -> None:
    briefs = wiki.parent / "briefs"
    shutil.copy(DATA / "follow-up.yaml", briefs)
    assert run("publish").exit_code == 0
    page = wiki / f"Brief-{FOLLOW_UP}.md"
    only_tag = wiki / "Briefs-tagged-anchorage.md"  # no other brief has this tag
    assert page.exists() and only_tag.exists()
    (briefs / "follow-up.yaml").unlink()

    kept = run("publish")
    assert kept.exit_code == 0
    assert f"kept          Brief-{FOLLOW_UP}.md (its brief is gone; --prune removes it)" in kept.stdout
    assert page.exists() and only_tag.exists()
    assert FOLLOW_UP not in (wiki / "Briefs.md").read_text(encoding="utf-8")
    assert f"Brief-{FOLLOW_UP}.md" in (wiki / MANIFEST_NAME).read_text(encoding="utf-8")  # still briefgen's

    pruned = run("publish", "--prune")
    assert pruned.exit_code == 0
    assert f"removed       Brief-{FOLLOW_UP}.md" in pruned.stdout
    assert not page.exists() and not only_tag.exists()
    assert f"removed: Brief-{FOLLOW_UP}.md" in git(wiki, "log", "-1", "--format=%B")
    assert f"Brief-{FOLLOW_UP}.md" not in (wiki / MANIFEST_NAME).read_text(encoding="utf-8")
    assert (wiki / "Home.md").read_text(encoding="utf-8") == HOME
    assert git(wiki, "status", "--porcelain") == ""


def test_a_page_briefgen_did_not_create_is_never_overwritten(wiki: Path) -> None:
    theirs = "# Briefs\n\nThe team's hand-written list.\n"
    (wiki / "Briefs.md").write_text(theirs, encoding="utf-8")
    before = snapshot(wiki)
    result = run("publish")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert "Briefs.md exists and briefgen did not create it" in result.stderr
    assert "nothing was published" in result.stderr
    assert snapshot(wiki) == before and commits(wiki, "HEAD") == 1


def test_dry_run_shows_a_diff_and_writes_nothing(wiki: Path) -> None:
    assert run("publish").exit_code == 0
    retitle(wiki.parent, "A new title")
    before = snapshot(wiki)
    result = run("publish", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"would change  {PAGE}" in result.stdout
    assert f"--- a/{PAGE}\n+++ b/{PAGE}\n" in result.stdout
    assert "\n-# Putin anchors Russia's Ukraine" in result.stdout and "\n+# A new title\n" in result.stdout
    assert "nothing written" in result.stdout
    assert snapshot(wiki) == before and commits(wiki, "HEAD") == 2


def test_dry_run_on_a_fresh_wiki_lists_the_pages_it_would_add(wiki: Path) -> None:
    before = snapshot(wiki)
    result = run("publish", "--dry-run")
    assert result.exit_code == 0
    assert f"would add     {PAGE}" in result.stdout and "would add     Briefs.md" in result.stdout
    assert snapshot(wiki) == before


def test_rejected_push_is_rebased_and_retried(wiki: Path) -> None:
    assert run("publish", "--push").exit_code == 0
    remote = wiki.parent / "remote.git"
    other = clone(remote, wiki.parent / "other", "Colleague")
    (other / "Home.md").write_text(HOME + "\nEdited by a colleague.\n", encoding="utf-8")
    git(other, "commit", "-q", "-am", "Colleague edits Home")
    git(other, "push", "-q", "origin", "main")

    retitle(wiki.parent, "Retitled while a colleague pushed")
    result = run("publish", "--push")
    assert result.exit_code == 0, result.stderr
    assert "fetched, rebased and pushed again" in result.stdout
    assert commits(remote) == 4
    log = git(remote, "log", "--format=%s", "main").splitlines()
    assert log[1:] == ["Colleague edits Home", "Publish briefs: 16 added", "Home"]  # 15 pages, 1 figure
    assert log[0].startswith("Publish briefs: ") and f"changed: {PAGE}" in git(
        remote, "log", "-1", "--format=%B", "main"
    )
    assert "Edited by a colleague." in (wiki / "Home.md").read_text(encoding="utf-8")


def test_push_that_cannot_be_rebased_is_reported_and_kept_locally(wiki: Path) -> None:
    assert run("publish", "--push").exit_code == 0
    other = clone(wiki.parent / "remote.git", wiki.parent / "other", "Colleague")
    (other / PAGE).write_text("# Hand-edited on the wiki\n", encoding="utf-8")
    git(other, "commit", "-q", "-am", "Colleague rewrites the brief page")
    git(other, "push", "-q", "origin", "main")

    retitle(wiki.parent, "A conflicting title")
    result = run("publish", "--push")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert "rejected and this publish does not rebase onto it cleanly" in result.stderr
    assert "git pull --rebase origin main" in result.stderr
    assert not (wiki / ".git" / "rebase-merge").exists() and not (wiki / ".git" / "rebase-apply").exists()
    assert f"changed: {PAGE}" in git(wiki, "log", "-1", "--format=%B")  # the commit is kept, not pushed
    assert commits(wiki, "HEAD") == 3 and commits(wiki.parent / "remote.git") == 3
    assert git(wiki, "status", "--porcelain") == ""


def test_a_brief_with_errors_is_reported_and_blocks_pruning(wiki: Path) -> None:
    briefs = wiki.parent / "briefs"
    shutil.copy(DATA / "follow-up.yaml", briefs)
    assert run("publish").exit_code == 0
    (briefs / "follow-up.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = run("publish", "--prune")
    assert result.exit_code == 1
    assert "briefs/follow-up.yaml:" in result.stderr and "no page was pruned" in result.stderr
    assert (wiki / f"Brief-{FOLLOW_UP}.md").exists()


def test_push_needs_a_git_clone(workspace: Path) -> None:
    folder = workspace / "plain"
    folder.mkdir()
    result = run("publish", "--wiki", str(folder), "--push")
    assert result.exit_code == 2 and "--push needs a Git clone" in result.stderr
    assert list(folder.iterdir()) == []


def test_bad_wiki_config_points_at_the_line(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text(
        'out = "build"\n\n[wiki]\nflavor = "confluence"\n', encoding="utf-8"
    )
    result = run("publish")
    assert result.exit_code == 2
    assert re.search(r"briefgen\.toml:4:1: wiki\.flavor: .*'github'", result.stderr)


def test_no_wiki_given_is_a_usage_error(workspace: Path) -> None:
    result = run("publish")
    assert result.exit_code == 2 and "pass --wiki PATH" in result.stderr


def test_a_brief_id_that_clashes_with_a_generated_page_fails_alone(workspace: Path) -> None:
    text = (DATA / "not-superseded.yaml").read_text(encoding="utf-8").replace("id: lone-brief", "id: index")
    (workspace / "briefs" / "index.yaml").write_text(text, encoding="utf-8")
    site = workspace / "site"
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 1  # as for any bad brief: reported, and the others are published
    assert (
        "briefs/index.yaml:2:5: id: page name clash: the page of brief 'index' would be "
        "docs/briefs/index.md, "
        "which is already a page briefgen generates (give the brief another id)" in result.stderr
    )
    assert (site / "docs" / "briefs" / f"{EXAMPLE_ID}.md").exists()
    index = (site / "docs" / "briefs" / "index.md").read_text(encoding="utf-8")
    assert front_matter(index) == {"title": "Briefs"} and "1 brief, newest first." in index
    assert "predecessor" not in index


# ---- flavors: front matter, links, MkDocs ------------------------------------------------------


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n"), text[:80]
    block = text[4 : text.index("\n---\n", 4)]
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def published(workspace: Path, request: pytest.FixtureRequest) -> tuple[str, Path]:
    """The example plus the test briefs published into a plain folder with the requested flavor."""
    for name in ("follow-up.yaml", "not-superseded.yaml"):
        shutil.copy(DATA / name, workspace / "briefs")
    flavor = request.param
    folder = workspace / f"wiki-{flavor}"
    if flavor != "mkdocs":
        folder.mkdir()  # a clone exists before publishing; only a MkDocs folder is created
    result = run("publish", "--wiki", str(folder), "--flavor", flavor)
    assert result.exit_code == 0, result.stderr
    assert "not a Git clone: files written, nothing committed" in result.stdout
    return flavor, folder


def brief_page(flavor: str, folder: Path, brief_id: str) -> str:
    docs = "docs" if flavor == "mkdocs" else ""
    return (folder / flavor_for(flavor, docs).brief(brief_id)).read_text(encoding="utf-8")  # type: ignore[arg-type]


@pytest.mark.parametrize("published", ["github"], indirect=True)
def test_github_pages_have_no_front_matter_and_start_with_their_title(published: tuple[str, Path]) -> None:
    flavor, folder = published
    text = brief_page(flavor, folder, EXAMPLE_ID)
    assert text.startswith("# Putin anchors Russia's Ukraine settlement strategy")
    assert "\n---\n" not in text.split("\n## ")[0]
    sidebar = (folder / "_Sidebar.md").read_text(encoding="utf-8")
    assert sidebar.startswith("**[Briefs](Briefs)**") and f"(Brief-{FOLLOW_UP})" in sidebar
    assert (folder / "Briefs-tagged-украина.md").exists()


@pytest.mark.parametrize("published", ["gitlab"], indirect=True)
def test_gitlab_front_matter_gives_the_title(published: tuple[str, Path]) -> None:
    flavor, folder = published
    data = front_matter(brief_page(flavor, folder, FOLLOW_UP))
    assert next(iter(data)) == "title"
    assert data["title"] == 'Follow-up: "Alaska" terms [still] unpublished | *no* text #1'
    assert data["tags"] == ["cis", "Украина", "Anchorage"]
    assert front_matter((folder / "briefs.md").read_text(encoding="utf-8")) == {"title": "Briefs"}
    sidebar = (folder / "_sidebar.md").read_text(encoding="utf-8")  # GitLab's custom sidebar page
    assert sidebar.startswith("**[Briefs](briefs)**") and f"(briefs/{FOLLOW_UP})" in sidebar
    assert "(briefs/tagged/cis)" in sidebar and not (folder / "_Sidebar.md").exists()


def test_gitlab_sidebar_false_leaves_the_teams_own_alone(workspace: Path) -> None:
    folder = workspace / "wiki"
    folder.mkdir()
    (folder / "_sidebar.md").write_text("The team's sidebar\n", encoding="utf-8")
    (workspace / "briefgen.toml").write_text('[wiki]\nflavor = "gitlab"\nsidebar = false\n', encoding="utf-8")
    result = run("publish", "--wiki", str(folder))
    assert result.exit_code == 0, result.stderr
    assert (folder / "_sidebar.md").read_text(encoding="utf-8") == "The team's sidebar\n"
    assert "_sidebar.md" not in result.stdout and (folder / "briefs" / f"{EXAMPLE_ID}.md").exists()


@pytest.mark.parametrize(("flavor", "name"), [("gitlab", "_sidebar.md"), ("github", "_Sidebar.md")])
def test_a_teams_own_sidebar_is_left_alone_and_the_rest_published(
    workspace: Path, flavor: str, name: str
) -> None:
    """The sidebar is optional for briefgen: a team's own one is no reason to refuse the whole publish."""
    folder = workspace / "wiki"
    folder.mkdir()
    (folder / name).write_text("The team's sidebar\n", encoding="utf-8")
    (workspace / "briefgen.toml").write_text(f'[wiki]\nflavor = "{flavor}"\n', encoding="utf-8")
    result = run("publish", "--wiki", str(folder))
    assert result.exit_code == 0, result.stderr
    assert f"warning: {name} is the wiki's own (briefgen did not write it): left alone" in result.stderr
    assert (folder / name).read_text(encoding="utf-8") == "The team's sidebar\n"
    assert name not in json.loads((folder / ".briefgen-wiki.json").read_text(encoding="utf-8"))["pages"]
    assert any(folder.rglob(f"*{EXAMPLE_ID}.md"))


@pytest.mark.parametrize("published", ["wikijs"], indirect=True)
def test_wikijs_front_matter_follows_its_git_storage_format(published: tuple[str, Path]) -> None:
    flavor, folder = published
    data = front_matter(brief_page(flavor, folder, FOLLOW_UP))
    assert list(data) == ["title", "description", "published", "date", "tags", "editor", "dateCreated"]
    assert data["title"] == 'Follow-up: "Alaska" terms [still] unpublished | *no* text #1'
    assert data["tags"] == "cis, Украина, Anchorage"
    assert data["published"] is True and data["editor"] == "markdown"
    assert dt.datetime.fromisoformat(str(data["date"])) == dt.datetime(2025, 10, 21, tzinfo=dt.UTC)
    assert data["dateCreated"] == data["date"]
    # No subtitle: the description is the BLUF as plain text, Markdown stripped.
    assert str(data["description"]).startswith(
        "Two weeks on, no text of the Alaska provisions has been published."
    )
    example = front_matter(brief_page(flavor, folder, EXAMPLE_ID))
    assert str(example["description"]).startswith("At the CIS summit in Dushanbe")  # the subtitle


def body(text: str) -> str:
    """A page without its front matter."""
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.mark.parametrize("published", ["github", "gitlab", "mkdocs", "wikijs"], indirect=True)
def test_only_wikijs_pages_leave_the_title_to_the_front_matter(published: tuple[str, Path]) -> None:
    flavor, folder = published
    layout = flavor_for(flavor, "docs" if flavor == "mkdocs" else "")  # type: ignore[arg-type]
    for path in (layout.brief(EXAMPLE_ID), layout.index(), layout.tag("cis")):
        text = (folder / path).read_text(encoding="utf-8")
        h1 = [line for line in body(text).splitlines() if line.startswith("# ")]
        if flavor == "wikijs":  # Wiki.js shows the front matter's title as the page header
            assert h1 == [] and front_matter(text)["title"], path
        else:
            assert len(h1) == 1, (path, h1)
    assert "\n## Bottom line up front\n" in brief_page(flavor, folder, EXAMPLE_ID)


@pytest.mark.parametrize("published", ["mkdocs"], indirect=True)
def test_mkdocs_front_matter_has_the_title_mkdocs_reads(published: tuple[str, Path]) -> None:
    flavor, folder = published
    data = front_matter(brief_page(flavor, folder, EXAMPLE_ID))
    assert data["title"].startswith("Putin anchors") and data["id"] == EXAMPLE_ID  # type: ignore[union-attr]
    assert front_matter((folder / "docs/briefs/index.md").read_text(encoding="utf-8")) == {"title": "Briefs"}


LINK_SYNTAX = {
    "github": ("Briefs", f"Brief-{EXAMPLE_ID}", "Briefs-tagged-cis"),
    "gitlab": ("briefs", f"briefs/{EXAMPLE_ID}", "briefs/tagged/cis"),
    "wikijs": ("/briefs", f"/briefs/{EXAMPLE_ID}", "/briefs/tagged/cis"),
    "mkdocs": ("index.md", f"{EXAMPLE_ID}.md", "tagged/cis.md"),
}


def links(text: str) -> list[str]:
    found = []
    tokens = MarkdownIt("commonmark").parse(text)
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
    return found


def target_of(flavor: str, source: str, href: str) -> str:
    """The file a link on page `source` opens, the way the wiki resolves it."""
    if flavor in ("github", "gitlab"):  # a page name (GitHub, flat) or a slug from the wiki root (GitLab)
        return f"{href}.md"
    if flavor == "wikijs":
        return f"{href.removeprefix('/')}.md"
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), href))


@pytest.mark.parametrize("published", list(LINK_SYNTAX), indirect=True)
def test_every_link_uses_the_flavor_syntax_and_resolves(published: tuple[str, Path]) -> None:
    flavor, folder = published
    index, example, tag = LINK_SYNTAX[flavor]
    follow_up = links(brief_page(flavor, folder, FOLLOW_UP))
    assert index in follow_up and example in follow_up and tag in follow_up  # supersedes, tag, index
    checked = 0
    for path in folder.rglob("*.md"):
        source = path.relative_to(folder).as_posix()
        for href in links(path.read_text(encoding="utf-8")):
            if href.startswith(("#", "http:", "https:")):
                continue
            assert (folder / target_of(flavor, source, unquote(href))).is_file(), f"{source}: {href}"
            checked += 1
    assert checked > 50


def test_mkdocs_build_strict_passes(workspace: Path) -> None:
    for name in ("follow-up.yaml", "not-superseded.yaml"):
        shutil.copy(DATA / name, workspace / "briefs")
    site = workspace / "site"
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 0, result.stderr
    assert "added         mkdocs.yml (created once; yours to edit)" in result.stdout
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(workspace / "html")],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr, build.stderr
    html = (workspace / "html" / "briefs" / EXAMPLE_ID / "index.html").read_text(encoding="utf-8")
    assert 'href="../alaska-follow-up/"' in html and 'href="../tagged/cis/"' in html
    assert (workspace / "html" / "briefs" / "tagged" / "украина" / "index.html").exists()


STRUCTURE = """\
id: structure
title: Footnotes, tables and paragraphs in a list item
date: 2025-10-23
bluf: |-
  The bottom line.[^1]

  [^1]: A footnote.
key_claims:
  - text: A claim.
    confidence: high
context: |-
  | region | status |
  |---|---|
  | Donetsk | claimed |
implications:
  - for: Readers
    text: |-
      First paragraph.

      Second paragraph, then a list:

      - one
      - two
  - for: Writers
    text: Last.
"""
XHTML = "{http://www.w3.org/1999/xhtml}"


def mkdocs_build(site: Path, html: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(html)],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0 and "WARNING" not in build.stderr, build.stderr


def section(page: Path, heading: str) -> list[Element]:
    """The elements between the <h2> with id `heading` and the next <h2>, as a browser parses them."""
    for parent in tinyhtml5.parse(page.read_text(encoding="utf-8")).iter():
        children = list(parent)
        for at, child in enumerate(children):
            if child.tag == f"{XHTML}h2" and child.get("id") == heading:
                rest = children[at + 1 :]
                ends = [n for n, e in enumerate(rest) if e.tag == f"{XHTML}h2"]
                return rest[: ends[0]] if ends else rest
    raise AssertionError(f"no <h2 id={heading!r}> in {page}")


def text_of(element: Element | None) -> str:
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def test_mkdocs_renders_the_brief_structure_as_the_wikis_do(workspace: Path) -> None:
    """Python-Markdown (MkDocs) reads list items only with 4-space continuation lines, and footnotes
    and tables only with their extensions: `--strict` passes either way, so check the HTML itself."""
    (workspace / "briefs" / "structure.yaml").write_text(STRUCTURE, encoding="utf-8")
    site, html = workspace / "site", workspace / "html"
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 0, result.stderr
    mkdocs_build(site, html)
    example = yaml.safe_load((REPO / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8"))
    page = html / "briefs" / EXAMPLE_ID / "index.html"

    [claims] = section(page, "key-claims")  # ONE list, not one list per claim
    assert claims.tag == f"{XHTML}ol" and len(claims) == len(example["key_claims"])
    for item, claim in zip(claims, example["key_claims"], strict=True):
        assert item.tag == f"{XHTML}li"
        assert text_of(item.find(f"{XHTML}p/{XHTML}strong")) == " ".join(claim["text"].split())
        [quote] = item.findall(f"{XHTML}blockquote")  # the quote inside its claim
        assert text_of(quote) == f"“{claim['quote']}”"
        assert f"{claim['confidence'].capitalize()} confidence" in text_of(item)
    [implications] = section(page, "implications")
    assert implications.tag == f"{XHTML}ul" and len(implications) == len(example["implications"])
    for item, implication in zip(implications, example["implications"], strict=True):
        assert plain_text(implication["text"]).rstrip("…") in text_of(item)  # the text inside its bullet
    [recommendations] = section(page, "recommendations")
    assert len(recommendations) == len(example["recommendations"])
    assert text_of(section(page, "sources")[0].find(f".//{XHTML}code")) == example["sources"][0]["file"]

    other = html / "briefs" / "structure" / "index.html"
    [bluf] = section(other, "bottom-line-up-front")
    assert bluf.find(f".//{XHTML}a[@class='footnote-ref']") is not None and "[^1]" not in text_of(bluf)
    [table] = section(other, "context")
    assert table.tag == f"{XHTML}table" and [text_of(td) for td in table.iter(f"{XHTML}td")] == [
        "Donetsk",
        "claimed",
    ]
    bullets = section(other, "implications")[0]  # the tags and the footnotes follow
    first = list(bullets[0])
    assert [e.tag.removeprefix(XHTML) for e in first] == ["p", "p", "p", "ul"] and len(bullets) == 2


def test_mkdocs_site_runs_nothing_from_titles_and_tags(workspace: Path) -> None:
    """MkDocs' themes put a page's front-matter title into <title> and the nav unescaped."""
    hostile = STRUCTURE.replace(
        "title: Footnotes, tables and paragraphs in a list item",
        "title: \"</title><script>alert('title')</script> & <b>co</b>\"",
        1,
    )
    assert hostile != STRUCTURE
    hostile += "tags: [\"<svg/onload=alert('tag')>\"]\n"
    (workspace / "briefs" / "structure.yaml").write_text(hostile, encoding="utf-8")
    site, html = workspace / "site", workspace / "html"
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 0, result.stderr
    mkdocs_build(site, html)
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        for element in tinyhtml5.parse(page.read_text(encoding="utf-8")).iter():
            name = str(element.tag).removeprefix(XHTML)
            assert name not in ("svg", "b") or "alert" not in text_of(element), page
            assert not any(key.startswith("on") for key in element.attrib), (page, name, element.attrib)
            if name == "script":
                assert "alert" not in "".join(element.itertext()), page
    page = html / "briefs" / "structure" / "index.html"
    titles = [text_of(e) for e in tinyhtml5.parse(page.read_text(encoding="utf-8")).iter(f"{XHTML}title")]
    assert titles and titles[0].startswith("</title><script>alert('title')</script> & <b>co</b>"), titles
    assert "&amp;lt;" not in page.read_text(encoding="utf-8"), "shown as written, not escaped twice"


def test_mkdocs_publishes_into_an_existing_projects_docs_dir(workspace: Path) -> None:
    site = workspace / "site"
    (site / "content").mkdir(parents=True)
    theirs = "site_name: Team handbook\ndocs_dir: content\nnav:\n  - Home: index.md\n"
    theirs += 'extra:\n  key: !ENV [HOME, "x"]\n'
    (site / "mkdocs.yml").write_text(theirs, encoding="utf-8")
    (site / "content" / "index.md").write_text("# Handbook\n", encoding="utf-8")
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 0, result.stderr
    assert (site / "content" / "briefs" / f"{EXAMPLE_ID}.md").exists()
    assert (site / "mkdocs.yml").read_text(encoding="utf-8") == theirs
    assert (site / "content" / "index.md").read_text(encoding="utf-8") == "# Handbook\n"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(workspace / "html")],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0 and "WARNING" not in build.stderr, build.stderr


def test_broken_manifest_is_a_positioned_error(workspace: Path) -> None:
    folder = workspace / "plain"
    folder.mkdir()
    (folder / MANIFEST_NAME).write_text('{\n  "pages": {,\n}\n', encoding="utf-8")
    result = run("publish", "--wiki", str(folder))
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(MANIFEST_NAME)}:2:13: not valid JSON", result.stderr)
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST_NAME]


def test_the_commit_holds_only_briefgens_files(wiki: Path) -> None:
    (wiki / "Home.md").write_text(HOME + "\nWork in progress.\n", encoding="utf-8")
    git(wiki, "add", "Home.md")  # the analyst's own staged change must stay out of briefgen's commit
    (wiki / "notes.md").write_text("scratch\n", encoding="utf-8")
    assert run("publish").exit_code == 0
    committed = git(wiki, "show", "--name-only", "--format=", "HEAD").split()
    assert "Home.md" not in committed and "notes.md" not in committed and PAGE in committed
    assert sorted(git(wiki, "status", "--porcelain").splitlines()) == ["?? notes.md", "M  Home.md"]


def test_a_hand_edited_page_of_briefgens_is_replaced_and_said_so(wiki: Path) -> None:
    assert run("publish").exit_code == 0
    (wiki / PAGE).write_text("# Edited on the wiki\n", encoding="utf-8")
    result = run("publish")
    assert result.exit_code == 0
    assert f"changed       {PAGE} (someone edited it since the last publish" in result.stdout
    assert (wiki / PAGE).read_text(encoding="utf-8").startswith("# Putin anchors")


def forge_manifest(wiki: Path, *names: str) -> None:
    """List files briefgen never wrote in the wiki's manifest, with their true hashes (the sneakiest
    forgery)."""
    manifest = json.loads((wiki / MANIFEST_NAME).read_text(encoding="utf-8"))
    for name in names:
        manifest["pages"][name] = {"sha256": hashlib.sha256((wiki / name).read_bytes()).hexdigest()}
    (wiki / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def test_prune_ignores_manifest_entries_that_are_no_page_of_the_flavor(wiki: Path) -> None:
    assert run("publish").exit_code == 0
    (wiki / "briefs").mkdir()
    (wiki / "briefs" / "notes.md").write_text(
        "# Notes\n", encoding="utf-8"
    )  # a GitLab page name, not GitHub's
    foreign = (".git/HEAD", "Home.md", "briefs/notes.md")
    forge_manifest(wiki, *foreign)
    before = {name: (wiki / name).read_bytes() for name in foreign}

    dry = run("publish", "--prune", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert not any(name in dry.stdout for name in foreign), dry.stdout
    assert "0 removed" in dry.stdout
    for name in foreign:
        assert (
            f"warning: {MANIFEST_NAME} lists {name}, which is not a page name briefgen gives a github page"
            in dry.stderr
        )

    pruned = run("publish", "--prune")
    assert pruned.exit_code == 0, pruned.stderr
    assert {name: (wiki / name).read_bytes() for name in foreign} == before
    manifest = json.loads((wiki / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert not set(foreign) & set(manifest["pages"]) and PAGE in manifest["pages"]
    assert commits(wiki, "HEAD") == 2  # the manifest is back to the committed one: nothing to commit
    assert git(wiki, "status", "--porcelain") == "?? briefs/\n"


def test_prune_keeps_a_page_edited_by_hand_and_says_so(wiki: Path) -> None:
    briefs = wiki.parent / "briefs"
    shutil.copy(DATA / "follow-up.yaml", briefs)
    assert run("publish").exit_code == 0
    page = wiki / f"Brief-{FOLLOW_UP}.md"
    edited = page.read_text(encoding="utf-8") + "\nA colleague's note, written on the wiki.\n"
    page.write_text(edited, encoding="utf-8")
    (briefs / "follow-up.yaml").unlink()

    dry = run("publish", "--prune", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert (
        f"would keep    Brief-{FOLLOW_UP}.md (no brief needs it, but someone edited it since the last publish"
        in dry.stdout
    )
    assert "would remove  Briefs-tagged-anchorage.md (no brief needs it any more)\n" in dry.stdout
    assert "replaces it" not in dry.stdout

    pruned = run("publish", "--prune")
    assert pruned.exit_code == 0, pruned.stderr
    assert f"kept          Brief-{FOLLOW_UP}.md (no brief needs it, but" in pruned.stdout
    assert page.read_text(encoding="utf-8") == edited and not (wiki / "Briefs-tagged-anchorage.md").exists()
    assert f"Brief-{FOLLOW_UP}.md" in (wiki / MANIFEST_NAME).read_text(
        encoding="utf-8"
    )  # reported at every prune
    committed = git(wiki, "show", "--name-only", "--format=", "HEAD").split()
    assert (
        "Briefs-tagged-anchorage.md" in committed and page.name not in committed
    )  # the edit is not briefgen's
    assert git(wiki, "status", "--porcelain") == f" M {page.name}\n"


def test_missing_git_is_reported_not_a_traceback(wiki: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = wiki.parent / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run("publish")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert "error: git is not installed (install it (apt-get install git)" in result.stderr


def test_a_refused_publish_still_shows_the_briefs_that_did_not_load(workspace: Path) -> None:
    (workspace / "briefs" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    site = workspace / "site"
    (site / "docs" / "briefs").mkdir(parents=True)
    (site / "docs" / "briefs" / f"{EXAMPLE_ID}.md").write_text("# Theirs\n", encoding="utf-8")
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("briefs/broken.yaml:2:1: YAML syntax:"), result.stderr
    assert "error: nothing was published" in result.stderr
    assert (site / "docs" / "briefs" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8") == "# Theirs\n"
