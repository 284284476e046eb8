"""Write the PDF and Word article fixtures (tests/data/articles/) and the hostile ones (tests/data/hostile/).

Run from the repository root: `PYTHONPATH=$PWD .venv/bin/python scripts/make_article_fixtures.py`.
Every file is made by the real tool (WeasyPrint, python-docx, pypdf, Pillow) so the readers meet
what those tools write; the output is committed, and the tests read the committed files.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import weasyprint
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"
HOSTILE = ROOT / "tests" / "data" / "hostile"

GRAIN_SECTIONS = {
    "Inspections at the Bosphorus": [
        "Ukrainian officials said the joint inspection teams in Istanbul had cleared fewer than half "
        "of the ships waiting in the anchorage, and that the backlog was costing exporters millions "
        "of dollars a week in demurrage charges and spoiled cargo.",
        "Russian negotiators insisted that every vessel bound for Odesa be searched for weapons, a "
        'demand Kyiv called "a deliberate slowdown dressed up as security". Turkish mediators '
        "proposed adding a fourth team, but the proposal was not accepted before the session closed.",
        "Shipping companies have responded by rerouting cargo through Romanian ports on the Danube, "
        "where capacity is limited and the communication between port authorities and insurers is "
        "still handled largely by telephone and fax.",
    ],
    "Insurance and the Price of Wheat": [
        "War-risk premiums for the Black Sea rose again this week, brokers in London said, as the "
        "uncertainty about the corridor's future made underwriters reluctant to commit beyond a single "
        "voyage. The Russia-Ukraine talks are being watched closely by importers in Egypt and Lebanon.",
        "Wheat futures in Chicago climbed four per cent on the news of the stalled talks. Analysts "
        "noted that the international grain markets had priced in a continuation of the corridor and "
        "would need to reassess supply forecasts for the winter months. #GrainCorridor",
        "Humanitarian agencies warned that any interruption would hit the poorest importing countries "
        "first, since they buy on the spot market and hold only a few weeks of reserves.",
    ],
    "What Happens After the Deadline": [
        "Diplomats expect a further round in Istanbul before the deadline at the end of the month. "
        "Without an extension the inspection centre would close and ships would sail without the "
        "guarantees that have kept insurers in the market since last summer.",
        "Turkey's foreign ministry said it remained in contact with both delegations and described the "
        'atmosphere as "difficult but not hopeless", adding that technical teams would continue '
        "their work on the inspection procedures over the coming days. #BlackSea",
    ],
}

CABLE_SECTIONS = {
    "Why the Cable Matters": (
        "Subsea cable faults",
        [
            "The interconnector carries almost a third of the islands' electricity imports during the "
            "winter, when the wind farms on the mainland produce most. Its failure in January forced the "
            "grid operator to restart two oil-fired plants that had been held in reserve for emergencies.",
            "Engineers located the fault within a week, but repair ships were booked for months ahead "
            "and the weather in the strait allowed work on only a handful of days.",
        ],
    ),
    "Suspicions of Sabotage": (
        "The anchor trail",
        [
            "Investigators found a trail of anchor marks on the seabed running for eleven kilometres "
            "across the cable route. A freight vessel that had passed over the site was later detained "
            "in port, and its crew questioned about the loss of one of its anchors.",
            "The owners of the vessel denied any deliberate act and blamed a mechanical failure. The "
            "coast guard said it could not rule out either explanation until the recovered anchor chain "
            "had been examined by independent experts. #CriticalInfrastructure",
        ],
    ),
    "Repairs and Resilience Plans": (
        "A second cable",
        [
            "The government has approved funding for a second, deeper cable that would follow a route "
            "away from the main shipping lanes. Construction is not expected to begin before next year, "
            "and the ministry admits the timetable depends on suppliers in Norway and Italy.",
            "Until then, the operator will keep the reserve plants ready and has asked large consumers to "
            "sign agreements to reduce their demand at short notice. #EnergySecurity",
        ],
    ),
}

RUNNING = """
@page {{ size: 148mm 190mm; margin: 22mm 16mm 20mm;
  @top-center {{ content: "{header}"; font: 8pt sans-serif; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; }} }}
body {{ font: 10pt/1.35 serif; hyphens: auto; text-align: justify; }}
h1 {{ font-size: 20pt; line-height: 1.15; }} h2 {{ font-size: 14pt; }} h3 {{ font-size: 10pt; }}
{extra}
"""


def grain_pdf() -> bytes:
    body = [
        "<h1>Grain Corridor Talks Stall Over Inspection Regime</h1>",
        "<p>By Mira Kovalenko, Istanbul · 9 October 2025</p>",
        "<p><em>Negotiators leave without agreeing how many ships may pass each day.</em></p>",
        "<p>Talks on extending the Black Sea grain corridor broke off on Wednesday without agreement on "
        "the number of inspection teams, leaving the future of the arrangement uncertain two weeks "
        "before it is due to expire. #BlackSea</p>",
    ]
    for heading, paragraphs in GRAIN_SECTIONS.items():
        body.append(f"<h2>{heading}</h2>")
        body.extend(f"<p>{p}</p>" for p in paragraphs)
    html = (
        "<html lang=en><head><title>Grain Corridor Talks Stall Over Inspection Regime</title>"
        '<meta name=dcterms.created content="2025-10-12">'
        f"<style>{RUNNING.format(header='Black Sea Monitor — Trade', extra='')}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def cable_pdf() -> bytes:
    body = [
        "<h1>Island Grid Cable Cut Raises Sabotage Fears</h1>",
        "<p>Energy desk</p>",
        "<p>The islands have relied on emergency generators and a reduced link for three weeks after the "
        "main power cable to the mainland was damaged, and the cost of the outage is now being counted "
        "by businesses and households alike. #IslandGrid</p>",
    ]
    for heading, (sub, paragraphs) in CABLE_SECTIONS.items():
        body.append(f"<h2>{heading}</h2>")
        body.append(f"<p>{paragraphs[0]}</p><h3>{sub}</h3><p>{paragraphs[1]}</p>")
    extra = "h1, h2, h3 { bookmark-level: none; }"
    html = (
        '<html lang=en><head><meta name=dcterms.created content="2025-11-04">'
        f"<style>{RUNNING.format(header='Northern Grid Review', extra=extra)}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def ministry_docx() -> bytes:
    """Heading styles, a Title, bulleted and numbered lists, and a table."""
    document = docx.Document()
    document.core_properties.title = "Ministry Reviews Fisheries Quotas After Stock Survey"
    document.core_properties.created = dt.datetime(2025, 3, 2, 9, 30)
    document.add_paragraph("Ministry Reviews Fisheries Quotas After Stock Survey", style="Title")
    document.add_paragraph(
        "The fisheries ministry will cut next year's cod quota after a survey found the spawning stock "
        "at its lowest level in a decade, officials told reporters on Friday. #Fisheries"
    )
    document.add_heading("What the Survey Found", level=1)
    document.add_paragraph(
        "Scientists counted fewer young fish in the northern grounds than in any year since the survey "
        "began, and warned that warmer water was pushing the stock further offshore."
    )
    for item in ("Cod spawning stock down 38 per cent", "Herring stable", "Mackerel moving north"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Method", level=2)
    document.add_paragraph("The survey used the same trawl stations as in previous years.")
    document.add_heading("Quotas Under Review", level=1)
    document.add_paragraph("The proposed quotas, in tonnes, compared with this year's:")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Species", "2025", "2026 proposal"), strict=True):
        cell.text = text
    for row in (("Cod", "21,000", "14,500"), ("Herring", "48,000", "48,000")):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph(
        "Fishing associations said the cut would force smaller boats out of business and called for "
        "compensation to be agreed before the quotas take effect."
    )
    document.add_heading("Reactions From the Ports", level=1)
    for item in ("Hold a consultation in April", "Publish the full survey data"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph(
        "Harbour councils asked the ministry to phase in the reduction over two seasons. #Quotas"
    )
    return _saved(document)


def _outline_level(paragraph: docx.text.paragraph.Paragraph, level: int) -> None:
    properties = paragraph._p.get_or_add_pPr()
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    properties.append(element)


def memo_docx() -> bytes:
    """No Heading styles: headings only by a custom style based on Heading 1, or a direct outline level."""
    document = docx.Document()
    document.core_properties.title = "Border Crossing Reopens After Flood Repairs"
    document.core_properties.created = dt.datetime(2025, 5, 1)
    custom = document.styles.add_style("Memo Section", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 1"]
    bold = document.add_paragraph()
    bold.add_run("FIELD NOTE").bold = True
    document.add_paragraph("Regional office, 12 March 2025")
    document.add_paragraph(
        "The main road crossing on the northern border reopened to lorries on Tuesday, six weeks after "
        "floods washed away the approach embankment. #Borders"
    )
    document.add_paragraph("Traffic on the First Day", style="Memo Section")
    document.add_paragraph(
        "Customs officers processed about four hundred lorries in the first twenty-four hours, roughly "
        "two thirds of the usual volume, as queues built up on both sides of the river."
    )
    heading = document.add_paragraph("Temporary Bridge Limits")
    _outline_level(heading, 0)
    document.add_paragraph(
        "The temporary bridge can carry vehicles of up to forty tonnes, so heavy machinery and some "
        "fuel tankers must still use the crossing sixty kilometres to the east."
    )
    document.add_paragraph("Next Steps", style="Memo Section")
    document.add_paragraph(
        "The transport ministry said a permanent bridge would be tendered in the summer, and asked "
        "hauliers to book crossing slots online until then. #Logistics"
    )
    return _saved(document)


def _saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---- hostile ------------------------------------------------------------------------------------------


def encrypted_pdf(source: bytes) -> bytes:
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only a picture of text, as a scanner writes it."""
    image = Image.new("L", (620, 880), 255)
    draw = ImageDraw.Draw(image)
    for row in range(30):
        draw.text((40, 40 + row * 26), "Scanned text that has no text layer at all " * 2, fill=0)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72)
    return out.getvalue()


def huge_page_count_pdf() -> bytes:
    """3,000 pages (one page object listed 3,000 times in the page tree): small on disk, too long."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    pages = writer.root_object["/Pages"]
    kids = pages["/Kids"]
    pages[NameObject("/Kids")] = ArrayObject([kids[0]] * 3000)
    pages[NameObject("/Count")] = NumberObject(3000)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_docx(source: bytes) -> bytes:
    """A sound zip whose document part is cut off mid-element."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            new.writestr(info, data)
    return out.getvalue()


def macro_docm(source: bytes) -> bytes:
    """A .docx turned macro-enabled: a vbaProject.bin part and the macroEnabled content type."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            new.writestr(info, data)
        new.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return out.getvalue()


def bomb_docx(source: bytes) -> bytes:
    """A valid document whose document part ends in 30 MB of whitespace: a 30 KB file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "word/document.xml":
                new.writestr(info, old.read(info))
        with new.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(old.read("word/document.xml"))
            block = b" " * (1024 * 1024)
            for _ in range(30):
                part.write(block)
    return out.getvalue()


def main() -> None:
    grain = grain_pdf()
    ministry = ministry_docx()
    files = {
        ARTICLES / "grain-corridor.pdf": grain,
        ARTICLES / "island-cable.pdf": cable_pdf(),
        ARTICLES / "fisheries-quotas.docx": ministry,
        ARTICLES / "border-crossing.docx": memo_docx(),
        HOSTILE / "article-encrypted.pdf": encrypted_pdf(grain),
        HOSTILE / "article-scanned.pdf": scanned_pdf(),
        HOSTILE / "article-truncated.pdf": grain[: len(grain) // 3],
        HOSTILE / "article-huge-page-count.pdf": huge_page_count_pdf(),
        HOSTILE / "article-damaged.docx": damaged_docx(ministry),
        HOSTILE / "article-macros.docm": macro_docm(ministry),
        HOSTILE / "article-zip-bomb.docx": bomb_docx(ministry),
    }
    for path, data in files.items():
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
