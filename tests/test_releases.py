"""Release versions: a brief cut down to one audience. A security feature, tested as one: every
portion's text carries a unique marker word, and no marker of a portion above a level may survive
in what that level receives, while every portion at or below it must."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.model import Brief, Handling
from briefgen.releases import RELEASABLE, NotReleasable, parse_level, release

LEVELS = list(Handling)
KINDS = ("claim", "section", "implication", "recommendation", "indicator", "source", "figure")
_counter = itertools.count()


def marker(kind: str, n: int, tag: str = "") -> str:
    """A word no other text contains: `zq` + the brief's tag + kind + number + `x`."""
    return f"zq{tag}{kind}{n:02d}x"


def corpus_brief(
    base: Handling | None,
    markings: dict[str, list[Handling | None]],
    tearlines: list[Handling] = (),  # type: ignore[assignment]
    figure_file: str = "seeds/figures/donbas-sketch.svg",
    tag: str = "",
) -> tuple[dict[str, Any], dict[str, Handling | None]]:
    """A brief dict whose every portion carries its marker; and marker → the portion's own marking.

    `markings[kind]`: one entry per portion of that kind (None: no `handling`, the brief's)."""
    own: dict[str, Handling | None] = {}

    def mark(kind: str, i: int, handling: Handling | None, **fields: Any) -> dict[str, Any]:
        word = marker(kind, i, tag)
        own[word] = handling
        return fields | ({"handling": handling.value} if handling else {})

    sources = [
        mark("source", i, h, id=f"s{i}", title=f"Report {marker('source', i, tag)}")
        for i, h in enumerate(markings.get("source", []))
    ]
    ids = [s["id"] for s in sources]
    claims = [
        mark(
            "claim",
            i,
            h,
            text=f"Claim {marker('claim', i, tag)}.",
            confidence="moderate",
            sources=ids[i % 2 :: 2],
        )
        for i, h in enumerate(markings.get("claim", [None]))
    ]
    figures = [
        mark(
            "figure",
            i,
            h,
            file=figure_file,
            alt=f"Map {marker('figure', i, tag)} of the region",
            caption=f"Caption {marker('figure', i, tag)}",
            **({"source": ids[i % len(ids)]} if ids else {}),
        )
        for i, h in enumerate(markings.get("figure", []))
    ]
    sections = [
        mark(
            "section",
            i,
            h,
            heading=f"Heading {marker('section', i, tag)}",
            summary=f"Summary {marker('section', i, tag)}",
        )
        for i, h in enumerate(markings.get("section", []))
    ]
    implications = [
        mark("implication", i, h, **{"for": f"Party {marker('implication', i, tag)}", "text": "It grows."})
        for i, h in enumerate(markings.get("implication", [None]))
    ]

    def lines(kind: str) -> list[Any]:
        items: list[Any] = []
        for i, h in enumerate(markings.get(kind, [])):
            text = f"{kind.capitalize()} {marker(kind, i, tag)}"
            items.append({"text": text, "handling": h.value} if h else text)
            own[marker(kind, i, tag)] = h
        return items

    data: dict[str, Any] = {
        "id": f"corpus-{next(_counter)}",
        "title": "Corpus brief",
        "date": "2025-10-10",
        "bluf": f"Bottom line zq{tag}blufx.",
        "context": f"Context zq{tag}contextx.",
        "key_claims": claims,
        "implications": implications,
        "sections": sections,
        "figures": figures,
        "recommendations": lines("recommendation"),
        "indicators": lines("indicator"),
        "sources": sources,
        "assumptions": [{"text": f"Assumption zq{tag}assumex."}],
        "subtitle": f"Subtitle zq{tag}subtitlex",
        "tearline": [
            {
                "handling": t.value,
                "bluf": f"Tear {t.slug}zqtearx.",
                "context": f"Tear context {t.slug}zqtearx.",
            }
            for t in tearlines
        ],
    }
    if base is not None:
        data["handling"] = base.value
    return data, own


def leaked(text: str, own: dict[str, Handling | None], base: Handling, level: Handling) -> list[str]:
    """Markers of portions above `level` found in `text`."""
    return [w for w, h in own.items() if (h or base).rank > level.rank and w in text]


def missing(text: str, own: dict[str, Handling | None], base: Handling, level: Handling) -> list[str]:
    return [w for w, h in own.items() if (h or base).rank <= level.rank and w not in text]


def test_portions_above_the_level_are_gone_and_numbering_has_no_gaps() -> None:
    a, g, c = Handling.AMBER, Handling.GREEN, Handling.CLEAR
    data, _ = corpus_brief(
        a,
        {
            "claim": [c, a, g, None],
            "source": [c, a],
            "section": [g, None],
            "implication": [None, g],
            "recommendation": [None, g],
            "indicator": [c, None],
            "figure": [g, a],
        },
        tearlines=[g, c],
    )
    brief = Brief.model_validate(data)
    green = release(brief, g)
    assert green is not None
    assert [k.text for k in green.key_claims] == ["Claim zqclaim00x.", "Claim zqclaim02x."]
    assert [s.id for s in green.sources] == ["s0"]
    assert green.key_claims[1].sources == ["s0"]  # the third claim cites s0 only
    assert green.bluf == "Tear tlp-greenzqtearx." and green.handling is g
    assert green.subtitle is None and green.assumptions == [] and green.tearline == []
    assert [f.source for f in green.figures] == ["s0"]
    clear = release(brief, c)
    assert clear is not None and clear.handling is c and clear.bluf == "Tear tlp-clearzqtearx."
    assert [k.text for k in clear.key_claims] == ["Claim zqclaim00x."]
    assert clear.implications == [] and clear.figures == []
    full = release(brief, Handling.AMBER_STRICT)
    assert full is not None and full.bluf == brief.bluf and full.handling is a
    assert full.subtitle == brief.subtitle and len(full.key_claims) == 4


def test_no_bluf_at_the_level_means_not_in_that_release() -> None:
    data, _ = corpus_brief(Handling.AMBER, {"claim": [Handling.GREEN]})
    assert release(Brief.model_validate(data), Handling.GREEN) is None


def test_the_banner_is_the_highest_marking_present() -> None:
    data, _ = corpus_brief(Handling.AMBER, {"claim": [Handling.CLEAR]}, tearlines=[Handling.GREEN])
    data["implications"][0]["handling"] = "TLP:CLEAR"
    released = release(Brief.model_validate(data), Handling.AMBER)
    assert released is not None and released.handling is Handling.AMBER
    # a TLP:GREEN brief released at AMBER stays GREEN: nothing above GREEN is in it
    data, _ = corpus_brief(Handling.GREEN, {"claim": [Handling.CLEAR]})
    released = release(Brief.model_validate(data), Handling.AMBER)
    assert released is not None and released.handling is Handling.GREEN


def test_the_workspace_default_marks_a_brief_without_handling() -> None:
    data, _ = corpus_brief(None, {"claim": [None]})
    brief = Brief.model_validate(data)
    assert release(brief, Handling.GREEN, default=Handling.AMBER) is None
    released = release(brief, Handling.GREEN)
    assert released is not None and released.handling is Handling.CLEAR


def test_red_is_never_released() -> None:
    data, _ = corpus_brief(Handling.CLEAR, {})
    with pytest.raises(NotReleasable):
        release(Brief.model_validate(data), Handling.RED)
    with pytest.raises(NotReleasable):
        parse_level("tlp:red")
    assert parse_level("green") is Handling.GREEN
    assert parse_level("tlp-amber-strict") is Handling.AMBER_STRICT
    with pytest.raises(ValueError, match="choose from"):
        parse_level("TLP:BLUE")


levels = st.sampled_from(LEVELS)
optional_levels = st.one_of(st.none(), levels)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=levels,
    markings=st.fixed_dictionaries(
        {
            kind: st.lists(optional_levels, min_size=1 if kind in ("claim", "implication") else 0, max_size=4)
            for kind in KINDS
        }
    ),
    tearlines=st.lists(levels, max_size=3, unique=True),
)
def test_property_no_higher_text_survives_and_every_lower_portion_does(
    base: Handling, markings: dict[str, list[Handling | None]], tearlines: list[Handling]
) -> None:
    data, own = corpus_brief(base, markings, tearlines)
    brief = Brief.model_validate(data)
    for level in RELEASABLE:
        released = release(brief, level)
        if released is None:
            assert base.rank > level.rank and all(t.rank > level.rank for t in tearlines)
            continue
        text = released.model_dump_json(by_alias=True)
        assert leaked(text, own, base, level) == []
        assert missing(text, own, base, level) == []
        assert released.handling is not None and released.handling.rank <= level.rank
        if base.rank > level.rank:
            assert "zqblufx" not in text and "zqassumex" not in text and "zqsubtitlex" not in text
        assert all(t.handling.rank <= level.rank for t in brief.tearline if t.bluf in text)
        cited = {i for k in released.key_claims for i in k.sources}
        assert cited <= {s.id for s in released.sources}


def test_yaml_round_trip_of_the_corpus_keeps_plain_strings() -> None:
    data, _ = corpus_brief(Handling.AMBER, {"recommendation": [None, Handling.GREEN]}, [Handling.GREEN])
    brief = Brief.model_validate(yaml.safe_load(yaml.safe_dump(data)))
    assert brief.recommendations[0] == "Recommendation zqrecommendation00x"
    assert brief.recommendations[1].handling is Handling.GREEN  # type: ignore[union-attr]


def write_brief(workspace: Path, data: dict[str, Any]) -> Path:
    path = workspace / "briefs" / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- every byte a release build writes ------------------------------------------------------------

A, G, C = Handling.AMBER, Handling.GREEN, Handling.CLEAR
CORPUS_MARKINGS: list[tuple[Handling, dict[str, list[Handling | None]], list[Handling]]] = [
    (
        A,
        {
            "claim": [C, A, G, None],
            "source": [C, G, None],
            "section": [G, None, C],
            "implication": [None, G, C],
            "recommendation": [None, G, C],
            "indicator": [C, None, G],
            "figure": [G, None],
        },
        [G, C],
    ),
    (Handling.AMBER_STRICT, {"claim": [G, Handling.AMBER_STRICT], "source": [G], "figure": [None]}, [G]),
    (A, {"claim": [C]}, []),  # no tearline: in no lower release
    (G, {"claim": [C, None], "source": [C], "implication": [C]}, [C]),
]


def corpus_workspace(workspace: Path) -> dict[str, tuple[Handling, dict[str, Handling | None]]]:
    """The example workspace plus marked briefs (the example removed); each figure's file name
    carries its marker, so a leaked asset shows in file names too. Brief id → (base, markers)."""
    for path in (workspace / "briefs").glob("*.yaml"):
        path.unlink()
    svg = (workspace / "seeds" / "figures" / "donbas-sketch.svg").read_bytes()
    found = {}
    for n, (base, markings, tearlines) in enumerate(CORPUS_MARKINGS):
        tag = f"b{n}"
        data, own = corpus_brief(base, markings, tearlines, tag=tag)
        own |= {f"zq{tag}{word}x": None for word in ("bluf", "context", "assume", "subtitle")}
        for i, figure in enumerate(data["figures"]):
            name = f"seeds/figures/{data['id']}-{marker('figure', i, tag)}.svg"
            (workspace / name).write_bytes(svg)
            figure["file"] = name
        write_brief(workspace, data)
        found[data["id"]] = (base, own)
    return found


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    meta = reader.metadata or {}
    return "\n".join([*(page.extract_text() for page in reader.pages), *(str(v) for v in meta.values())])


def file_text(path: Path) -> str:
    """A file as text where a marker could hide: a PDF's text and metadata, every part of a Word
    file's zip (its XML, properties and relationships), any other file's bytes."""
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".docx":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in sorted(archive.namelist())
            )
    return path.read_text("utf-8", "replace")


def release_bytes(folder: Path) -> dict[str, str]:
    """Every file under a release folder, as text, by relative name."""
    return {
        path.relative_to(folder).as_posix(): file_text(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_release_is_clean(
    folder: Path, corpus: dict[str, tuple[Handling, dict[str, Handling | None]]], level: Handling
) -> None:
    files = release_bytes(folder)
    everything = "\n".join([*files, *files.values()])  # names and contents
    for brief_id, (base, own) in corpus.items():
        assert leaked(everything, own, base, level) == [], (brief_id, level)
        page = files.get(f"html/{brief_id}.html")
        if page is None:
            assert base.rank > level.rank
            continue
        for name in (
            f"html/{brief_id}.html",
            f"md/{brief_id}.md",
            f"pdf/{brief_id}.pdf",
            f"docx/{brief_id}.docx",
        ):
            text = files[name].replace("\n", " ")
            assert missing(text, own, base, level) == [], (name, level)


def test_build_release_writes_each_level_and_leaks_nothing(workspace: Path) -> None:
    from tests.conftest import run

    corpus = corpus_workspace(workspace)
    (workspace / "briefgen.toml").write_text(
        'releases = ["TLP:GREEN", "TLP:CLEAR"]\nformats = ["html", "pdf", "md", "docx"]\n', encoding="utf-8"
    )
    result = run("build", "--release", "TLP:AMBER")
    assert result.exit_code == 0, result.stderr
    assert not (workspace / "build" / "html").exists()  # --release builds only the named ones
    result = run("build")
    assert result.exit_code == 0, result.stderr
    assert "not in the TLP:GREEN release (no BLUF at that level)" in result.stderr
    for level in (A, G, C):
        assert_release_is_clean(workspace / "build" / level.slug, corpus, level)
    first = next(iter(corpus))
    html = (workspace / "build" / "tlp-green" / "html" / f"{first}.html").read_text("utf-8")
    assert "<title>Corpus brief</title>" in html and ">TLP:GREEN</footer>" in html
    assert '<span class="portion-mark">(TLP:CLEAR)</span>' in html
    full = (workspace / "build" / "html" / f"{first}.html").read_text("utf-8")
    assert ">TLP:AMBER</footer>" in full and "(TLP:GREEN)" in full and "zqb0claim01x" in full
    md = (workspace / "build" / "tlp-green" / "md" / f"{first}.md").read_text("utf-8")
    assert "handling: TLP:GREEN" in md and "1. (TLP:CLEAR) **Claim zqb0claim00x.**" in md
    assert "2. (TLP:GREEN) **Claim zqb0claim02x.**" in md  # no gap where the AMBER claim was

    again = run("build")
    assert "0 briefs built" in again.stdout and "TLP:GREEN: 0 briefs built" in again.stdout


def test_upgrading_a_portion_removes_it_from_every_lower_release(workspace: Path) -> None:
    from tests.conftest import run

    corpus = corpus_workspace(workspace)
    (workspace / "briefgen.toml").write_text('releases = ["TLP:GREEN", "TLP:CLEAR"]\n', encoding="utf-8")
    assert run("build", "-f", "html,md").exit_code == 0
    first = next(iter(corpus))
    path = workspace / "briefs" / f"{first}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    assert "zqb0claim00x" in (workspace / "build" / "tlp-clear" / "md" / f"{first}.md").read_text("utf-8")
    data["key_claims"][0]["handling"] = "TLP:AMBER"
    data["figures"][0]["handling"] = "TLP:AMBER"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert run("build", "-f", "html,md").exit_code == 0
    for level in (G, C):
        files = release_bytes(workspace / "build" / level.slug)
        text = "\n".join([*files, *files.values()])
        assert "zqb0claim00x" not in text and "zqb0figure00x" not in text, level
    # and a brief dropped from a release by a stricter marking loses its outputs there
    data["tearline"] = []
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run("build", "-f", "html,md")
    assert f"removed html/{first}.html (not in the TLP:GREEN release)" in result.stderr
    assert not (workspace / "build" / "tlp-green" / "html" / f"{first}.html").exists()


def test_release_levels_are_checked(workspace: Path) -> None:
    from tests.conftest import run

    result = run("build", "--release", "TLP:RED")
    assert result.exit_code == 2 and "TLP:RED is never released" in result.stderr
    result = run("build", "--release", "TLP:BLUE")
    assert result.exit_code == 2 and "not a TLP level" in result.stderr
    (workspace / "briefgen.toml").write_text('releases = ["TLP:RED"]\n', encoding="utf-8")
    result = run("build")
    assert result.exit_code == 2
    assert "briefgen.toml:1:1" in result.stderr and "TLP:RED is never released" in result.stderr


# --- the wiki -------------------------------------------------------------------------------------


def wiki_text(folder: Path) -> str:
    """Every file of the wiki outside .git: names and contents."""
    files = [
        p for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.relative_to(folder).parts
    ]
    return "\n".join(
        [
            *(p.relative_to(folder).as_posix() for p in files),
            *(p.read_text("utf-8", "replace") for p in files),
        ]
    )


def test_the_wiki_gets_only_its_level_and_a_stricter_setting_prunes(workspace: Path) -> None:
    from tests.conftest import run
    from tests.test_wiki import clone, git

    corpus = corpus_workspace(workspace)
    remote = workspace / "remote.git"
    git(workspace, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = clone(remote, workspace / "seed", "Seeder")
    (seed / "Home.md").write_text("# Home\n", encoding="utf-8")
    git(seed, "add", "Home.md")
    git(seed, "commit", "-q", "-m", "Home")
    git(seed, "push", "-q", "origin", "HEAD:main")
    wiki = clone(remote, workspace / "wiki", "Analyst")
    (workspace / "briefgen.toml").write_text('[wiki]\npath = "wiki"\n', encoding="utf-8")

    result = run("publish", "--push")
    assert result.exit_code == 0, result.stderr
    text = wiki_text(wiki)
    for brief_id, (base, own) in corpus.items():
        assert leaked(text, own, base, G) == [], brief_id
        if base.rank <= G.rank or brief_id != list(corpus)[2]:
            assert missing(text, own, base, G) == [], brief_id
    third = list(corpus)[2]  # AMBER without tearline: no page
    assert third in result.stderr and third not in text
    history = git(remote, "log", "-p", "--all")
    for base, own in corpus.values():
        assert leaked(history, own, base, G) == []

    # a stricter level later: what TLP:CLEAR withholds leaves the wiki, pages and assets alike
    result = run("publish", "--release", "TLP:CLEAR")
    assert result.exit_code == 0, result.stderr
    text = wiki_text(wiki)
    for brief_id, (base, own) in corpus.items():
        assert leaked(text, own, base, C) == [], brief_id

    # upgrading a portion removes it from the wiki at the next publish
    first = next(iter(corpus))
    path = workspace / "briefs" / f"{first}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["key_claims"][0]["handling"] = "TLP:AMBER"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert "zqb0claim00x" in wiki_text(wiki)
    assert run("publish").exit_code == 0
    assert "zqb0claim00x" not in wiki_text(wiki)


@pytest.mark.parametrize(
    ("config", "args"),
    [('[wiki]\npath = "wiki"\nrelease = "TLP:RED"\n', ()), ('[wiki]\npath = "wiki"\n', ("--release", "red"))],
)
def test_a_red_wiki_is_refused(workspace: Path, config: str, args: tuple[str, ...]) -> None:
    from tests.conftest import run

    (workspace / "wiki").mkdir()
    (workspace / "briefgen.toml").write_text(config, encoding="utf-8")
    result = run("publish", *args)
    assert result.exit_code == 2 and "TLP:RED is never released" in result.stderr
    assert sum("TLP:RED" in line for line in result.stderr.splitlines()) == 1


# --- digests and mail -----------------------------------------------------------------------------


def message_text(data: bytes) -> str:
    """Everything a recipient gets: headers, every part decoded, PDF attachments as text and metadata."""
    import email
    import tempfile
    from email import policy

    parsed = email.message_from_bytes(data, policy=policy.default)
    texts = [str(value) for value in parsed.values()]
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        texts.append(part.get_filename() or "")
        if part.get_content_type() == "application/pdf":
            with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
                handle.write(payload)
                handle.flush()
                texts.append(pdf_text(Path(handle.name)))
        else:
            texts.append(payload.decode("utf-8", "replace"))
    return "\n".join(texts)


def test_each_list_gets_its_level_and_nothing_above(workspace: Path) -> None:
    import json

    from tests.conftest import run
    from tests.test_mail import Recorder, smtp_server

    corpus = corpus_workspace(workspace)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        settings = {"host": "127.0.0.1", "port": port, "security": "none", "sender": "Desk <d@example.org>"}
        lines = ["[mail]", *(f"{key} = {json.dumps(value)}" for key, value in settings.items())]
        lines += ["[mail.lists]", 'green = ["g@example.org"]', 'clear = ["c@example.org"]']
        lines += ['amber = ["a@example.org"]', "[mail.release]", 'clear = "TLP:CLEAR"', 'amber = "TLP:AMBER"']
        (workspace / "briefgen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = run(
            "digest", "--week", "2025-W41", "--mail", "--to", "green", "--to", "clear", "--to", "amber"
        )
        assert result.exit_code == 0, result.stderr
        # the full digest is TLP:AMBER+STRICT: no list may have it
        refused = run("mail", "digest-2025-W41", "--to", "amber")
        assert refused.exit_code == 2
        assert "digest-2025-W41 is TLP:AMBER+STRICT, above the TLP:AMBER of list 'amber'" in refused.stderr
        assert run("mail", "digest-2025-W41-tlp-green", "--to", "clear").exit_code == 2
    by_list = {r.rcpt_tos[0][0]: r for r in recorder.received}
    assert len(recorder.received) == 3, result.stdout
    assert sorted(by_list) == ["a", "c", "g"]
    for who, level in (("g", G), ("c", C), ("a", A)):
        text = message_text(by_list[who].data)
        assert f"[{level.value}]" in by_list[who].message["Subject"] or level is A
        assert f"{level.value} release" in by_list[who].message["Subject"]
        for brief_id, (base, own) in corpus.items():
            assert leaked(text, own, base, level) == [], (who, brief_id)
    # every digest file of every release, all formats and figure copies
    folder = workspace / "build" / "digest"
    for level in (G, C, A):
        files = [p for p in folder.rglob("*") if p.is_file() and level.slug in p.as_posix()]
        assert {p.suffix for p in files} >= {".pdf", ".html", ".md", ".json", ".docx"}
        text = "\n".join([p.as_posix() for p in files] + [file_text(p) for p in files])
        for brief_id, (base, own) in corpus.items():
            assert leaked(text, own, base, level) == [], (level, brief_id)


def test_digest_release_and_red_lists(workspace: Path) -> None:
    from tests.conftest import run

    corpus_workspace(workspace)
    result = run("digest", "--week", "2025-W41", "--release", "TLP:CLEAR")
    assert result.exit_code == 0, result.stderr
    assert "digest-2025-W41-tlp-clear: 2 briefs, TLP:CLEAR" in result.stdout
    assert run("digest", "--week", "2025-W41", "--release", "TLP:RED").exit_code == 2
    (workspace / "briefgen.toml").write_text(
        '[mail]\nsender = "d@example.org"\n[mail.lists]\nall = ["x@example.org"]\n'
        '[mail.release]\nall = "TLP:RED"\n',
        encoding="utf-8",
    )
    result = run("digest", "--week", "2025-W41", "--mail", "--to", "all")
    assert result.exit_code == 2 and "TLP:RED is never released" in result.stderr


# --- check ----------------------------------------------------------------------------------------


def test_check_rules_for_markings(workspace: Path) -> None:
    from tests.conftest import run

    for path in (workspace / "briefs").glob("*.yaml"):
        path.unlink()
    (workspace / "briefgen.toml").write_text('releases = ["TLP:CLEAR"]\n', encoding="utf-8")
    text = """\
title: Marked
date: 2025-10-10
handling: TLP:GREEN
bluf: Bottom line.
key_claims:
  - text: A claim.
    confidence: moderate
    handling: TLP:CLEAR
    sources: [green]
  - text: Another.
    confidence: low
    handling: TLP:AMBER
    sources: [green]
context: Context.
implications:
  - for: Ukraine
    text: Pressure grows.
sources:
  - {id: green, title: Green report, reliability: B, credibility: 2}
"""
    (workspace / "briefs" / "marked.yaml").write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith("briefs/marked.yaml:12:15: error:")
        and "TLP:AMBER is above the brief's marking TLP:GREEN" in line
        and "[portion-above-banner]" in line
        for line in lines
    ), lines
    assert any(
        "briefs/marked.yaml:4:7: warning:" in line and "[release-without-bluf]" in line for line in lines
    )
    fixed = text.replace("    handling: TLP:AMBER\n", "").replace(
        "bluf: Bottom line.\n", "bluf: Bottom line.\ntearline:\n  - {handling: TLP:CLEAR, bluf: Open line.}\n"
    )
    (workspace / "briefs" / "marked.yaml").write_text(fixed, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.stderr
    assert "[claim-source-withheld]" in result.stderr and "key_claims[0].sources" in result.stderr
    assert "portion-above-banner" not in result.stderr and "release-without-bluf" not in result.stderr


# --- serve ----------------------------------------------------------------------------------------


def test_serve_previews_a_release_labelled(tmp_path: Path) -> None:
    from briefgen.serve import PreviewServer
    from tests.conftest import copy_workspace
    from tests.test_preview import get

    root = copy_workspace(tmp_path)
    corpus = corpus_workspace(root)
    first = next(iter(corpus))
    base, own = corpus[first]
    with PreviewServer(root, "127.0.0.1", 0) as preview:
        preview.start()
        full = get(preview, f"/briefs/{first}.html")
        green = get(preview, f"/briefs/{first}.html?release=TLP:GREEN")
        bad = get(preview, f"/briefs/{first}.html?release=TLP:RED")
        absent = get(preview, f"/briefs/{list(corpus)[2]}.html?release=tlp:clear")
    assert full.status == 200 and "zqb0claim01x" in full.text and "Preview of the" not in full.text
    assert green.status == 200
    assert '<p class="preview-release" role="note">Preview of the TLP:GREEN release</p>' in green.text
    assert leaked(green.text, own, base, G) == [] and missing(green.text, own, base, G) == []
    assert bad.status == 400 and "TLP:RED is never released" in bad.text
    assert absent.status == 404 and "not in the TLP:CLEAR release" in absent.text
