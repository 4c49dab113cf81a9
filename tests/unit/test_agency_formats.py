"""NITF 3.x, NewsML 1.x and the agency habits around them: DTDs, encodings, ids, dates,
per-item original bytes. The documents are written here in the shapes agencies send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import parse_raw, parse_raw_items, parse_raw_results, split_raw
from wirestream.processors.formats.xml_safety import _parser


def nitf(*, doc_id: str | None = "EFE-2291", head_extra: str = "", hedline: str | None =
         "<hl1>Flood kills 12 in Valencia</hl1>", byline: str = "", dateline: str = "",
         content: str = "<p>Heavy rain flooded the city on Tuesday.</p>",
         docdata_extra: str = "", prolog: str = "", root_attrs: str = "") -> str:
    doc_id_xml = (f'<doc-id regsrc="EFE" id-string="{doc_id}"/>' if doc_id
                  else '<doc-id regsrc="AP"/>')
    hedline_xml = f"<hedline>{hedline}</hedline>" if hedline is not None else ""
    return (f'{prolog}<nitf version="-//IPTC//DTD NITF 3.4//EN"{root_attrs}><head>{head_extra}'
            f'<docdata>{doc_id_xml}<urgency ed-urg="3"/>'
            f'<date.issue norm="20241029T143000Z"/>{docdata_extra}</docdata></head>'
            f"<body><body.head>{hedline_xml}{byline}{dateline}</body.head>"
            f"<body.content>{content}</body.content></body></nitf>")


def article(document: str | bytes, **kwargs: object) -> Article:
    payload = document.encode() if isinstance(document, str) else document
    return parse_raw(payload, **kwargs)  # type: ignore[arg-type]


def reason(document: str | bytes) -> str:
    payload = document.encode() if isinstance(document, str) else document
    with pytest.raises(RejectedInput) as info:
        parse_raw_items(payload)
    return info.value.reason


# -- NITF ------------------------------------------------------------------------------

def test_bare_nitf_is_an_article() -> None:
    a = article(nitf(byline="<byline><person>Ana Ruiz</person><byttl>EFE</byttl></byline>",
                     dateline="<dateline><location>VALENCIA</location>, "
                              "<story.date>Oct 29</story.date></dateline>"))
    assert (a.id, a.version, a.source_format) == ("EFE-2291", 1, "nitf")
    assert a.headline == "Flood kills 12 in Valencia"
    assert a.body == "Heavy rain flooded the city on Tuesday."
    assert a.provider == "EFE" and a.urgency == 3
    assert a.byline == "Ana Ruiz EFE"  # pieces spaced, not "Ana RuizEFE"
    assert a.dateline == "VALENCIA, Oct 29"
    assert a.version_created == "2024-10-29T14:30:00+00:00"  # basic format written out
    assert a.zone_assumed is None


@pytest.mark.parametrize(("hedline", "head_extra", "expected"), [
    ("<hl2>Only a second-level line</hl2>", "", "Only a second-level line"),
    (None, "<title>Title in the head</title>", "Title in the head"),
    ("<hl1> </hl1>", "<title>Fallback title</title>", "Fallback title"),
])
def test_nitf_headline_fallbacks(hedline: str | None, head_extra: str, expected: str) -> None:
    assert article(nitf(hedline=hedline, head_extra=head_extra)).headline == expected


def test_nitf_without_doc_id_gets_a_stable_fallback_id() -> None:
    first = article(nitf(doc_id=None))
    again = article(nitf(doc_id=None))
    other = article(nitf(doc_id=None, hedline="<hl1>Another story</hl1>"))
    assert first.id.startswith("nitf:") and first.id == again.id != other.id


def test_nitf_du_key_is_the_id_and_version_when_doc_id_is_missing() -> None:
    a = article(nitf(doc_id=None, docdata_extra='<du-key key="flood-valencia" version="3"/>'))
    assert (a.id, a.version) == ("flood-valencia", 3)


def test_nitf_body_tables_media_and_entities() -> None:
    content = ("<p>Results&nbsp;so far &mdash; day one:</p>"
               "<table><tr><th>Team</th><th>Pts</th></tr><tr><td>Bayern</td><td>12</td></tr>"
               "</table><media media-type=\"image\"><media-reference source=\"x.jpg\"/>"
               "<media-caption>Photo caption</media-caption></media><p>Last line.</p>")
    doc = nitf(prolog='<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">\n',
               content=content)
    assert article(doc).body == ("Results\u00a0so far \u2014 day one:\nTeam | Pts\nBayern | 12"
                                 "\nLast line.").replace("\u00a0", " ")


def test_html_in_cdata_becomes_clean_paragraphs() -> None:
    content = ("<![CDATA[<p>The minister&#39;s office said&nbsp;the\nPrime Minister "
               "would visit.</p><p>2010<endash>-</endash>2012 figures.</p><BR>Last]]>")
    body = article(nitf(content=content)).body
    assert body == ("The minister's office said the Prime Minister would visit.\n"
                    "2010\u20132012 figures.\nLast")


def test_nitf_status_placeholder_dates_and_embargo() -> None:
    killed = article(nitf(docdata_extra="", root_attrs="").__str__().replace(
        "<docdata>", '<docdata management-status="canceled">'))
    assert killed.pub_status == "canceled"
    placeholder = article(nitf(docdata_extra='<date.expire norm="YYYYMMDD000000-HHMM"/>'))
    assert placeholder.embargoed_until is None
    held = article(nitf(docdata_extra='<date.release norm="20991231T080000+0100"/>'))
    assert held.embargoed_until == "2099-12-31T08:00:00+01:00"
    # An embargo date that cannot be read is never guessed away.
    assert reason(nitf(docdata_extra='<date.release norm="next Tuesday"/>')) == "invalid_field"
    assert article(nitf(docdata_extra='<date.release norm="YYYYMMDD000000-HHMM"/>')
                   ).embargoed_until is None


# -- time zones -------------------------------------------------------------------------

def test_zone_less_times_are_read_in_the_providers_zone() -> None:
    doc = nitf().replace('norm="20241029T143000Z"', 'norm="2024-10-29T14:30:00"')
    utc = article(doc)
    assert (utc.version_created, utc.zone_assumed) == ("2024-10-29T14:30:00+00:00", "UTC")
    rome = article(doc, zones={"efe": "Europe/Madrid"})
    assert (rome.version_created, rome.zone_assumed) == ("2024-10-29T14:30:00+01:00",
                                                         "Europe/Madrid")
    default = article(doc, zones={"default": "Asia/Tokyo"})
    assert default.version_created == "2024-10-29T14:30:00+09:00"


# -- NewsML 1.x ------------------------------------------------------------------------

def news_item(item_id: str, revision: int, headline: str, content: str,
              status: str = "Usable", extra_management: str = "") -> str:
    return (
        "<NewsItem><Identification><NewsIdentifier><ProviderId>ansa.it</ProviderId>"
        f"<DateId>20241029</DateId><NewsItemId>{item_id}</NewsItemId>"
        f'<RevisionId PreviousRevision="0" Update="N">{revision}</RevisionId>'
        f"<PublicIdentifier>urn:newsml:ansa.it:20241029:{item_id}:{revision}N"
        "</PublicIdentifier></NewsIdentifier></Identification>"
        '<NewsManagement><NewsItemType FormalName="News"/>'
        "<FirstCreated>20241029T100000+0100</FirstCreated>"
        "<ThisRevisionCreated>20241029T120000+0100</ThisRevisionCreated>"
        f'<Status FormalName="{status}"/>{extra_management}'
        '<Urgency FormalName="4"/></NewsManagement>'
        f'<NewsComponent xml:lang="it"><NewsLines><HeadLine>{headline}</HeadLine>'
        "<ByLine>di <Person>Marco Rossi</Person></ByLine><DateLine>ROMA</DateLine>"
        f"</NewsLines>{content}</NewsComponent></NewsItem>")


TEXT = ('<ContentItem><MediaType FormalName="Text"/><Format FormalName="NITF"/>'
        "<DataContent><nitf><body><body.content><p>Il governo ha approvato la legge.</p>"
        "</body.content></body></nitf></DataContent></ContentItem>")
PHOTO = ('<ContentItem Href="photo.jpg"><MediaType FormalName="Photo"/>'
         '<MimeType FormalName="image/jpeg"/></ContentItem>')


def newsml(*items: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<NewsML Version="1.2"><NewsEnvelope>'
            '<DateAndTime>20241029T120000+0100</DateAndTime><Priority FormalName="3"/>'
            "</NewsEnvelope>" + "".join(items) + "</NewsML>")


def test_newsml1_item_is_an_article_with_a_story_id_across_revisions() -> None:
    first = article(newsml(news_item("X1", 1, "Legge approvata", TEXT)))
    second = article(newsml(news_item("X1", 2, "Legge approvata (2)", TEXT)))
    assert first.id == second.id == "urn:newsml:ansa.it:20241029:X1"
    assert (first.version, second.version) == (1, 2)
    assert first.headline == "Legge approvata" and first.language == "it"
    assert first.body == "Il governo ha approvato la legge."
    assert (first.provider, first.urgency, first.byline, first.dateline) == (
        "ansa.it", 4, "di Marco Rossi", "ROMA")
    assert first.first_created == "2024-10-29T10:00:00+01:00"
    assert first.source_format == "newsml-1"


def test_newsml1_embargo_correction_and_kill() -> None:
    embargoed = article(newsml(news_item(
        "X2", 1, "Dati Istat", TEXT, status="Embargoed",
        extra_management="<StatusWillChange><FutureStatus FormalName=\"Usable\"/>"
                         "<DateAndTime>20991029T120000+0100</DateAndTime></StatusWillChange>")))
    assert (embargoed.pub_status, embargoed.embargoed_until) == (
        "usable", "2099-10-29T12:00:00+01:00")
    correction = '<Instruction FormalName="Correction"/>'
    corrected = article(newsml(news_item("X2", 2, "Dati Istat", TEXT,
                                         extra_management=correction)))
    assert corrected.signals == ("sig:correction",)
    assert article(newsml(news_item("X2", 3, "Dati Istat", "", status="Canceled"))
                   ).pub_status == "canceled"


def test_every_item_of_a_newsml1_document_carries_its_own_original_bytes() -> None:
    items = [news_item("A1", 1, "Primo", TEXT), news_item("A2", 1, "Foto", PHOTO),
             news_item("A3", 1, "Terzo", TEXT)]
    payload = newsml(*items).encode()
    parts = split_raw(payload, standalone=False)
    assert [p.original for p in parts] == [item.encode() for item in items]
    assert [type(p.outcome).__name__ for p in parts] == ["Article", "RejectedInput",
                                                         "Article"]
    photo = parts[1].outcome
    assert isinstance(photo, RejectedInput) and photo.reason == "empty_body"
    # As standalone documents (what a feed poller publishes) each parses on its own.
    for part in split_raw(payload):
        if isinstance(part.outcome, Article):
            assert parse_raw(part.payload) == part.outcome


def test_newsmessage_items_carry_their_original_bytes() -> None:
    ns = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
    story = ('<newsItem guid="urn:newsml:tt.se:20241029:1" version="1">'
             '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
             "<contentMeta><headline>Storm i norr</headline></contentMeta>"
             '<contentSet><inlineXML contenttype="application/xhtml+xml">'
             '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Stormen drog in.</p></body>'
             "</html></inlineXML></contentSet></newsItem>")
    photo = ('<newsItem guid="urn:newsml:tt.se:20241029:2" version="1">'
             '<itemMeta><itemClass qcode="ninat:picture"/></itemMeta></newsItem>')
    payload = (f'<?xml version="1.0" encoding="UTF-8"?><newsMessage {ns}><header/>'
               f"<itemSet>{story}{photo}</itemSet></newsMessage>").encode()
    parts = split_raw(payload, standalone=False)
    assert [p.original for p in parts] == [story.encode(), photo.encode()]
    assert parts[0].payload == story.encode()


# -- DTDs and entities -----------------------------------------------------------------

def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "LEAKED-FROM-DTD">')
    module = tmp_path / "module.dtd"
    module.write_text('<!ENTITY secret "LEAKED-FROM-MODULE">')
    for prolog in (f'<!DOCTYPE nitf SYSTEM "{dtd.as_uri()}">',
                   f'<!DOCTYPE nitf [<!ENTITY % m SYSTEM "{module.as_uri()}"> %m; ]>'):
        a = article(nitf(prolog=prolog, content="<p>Text &secret; here.</p>"))
        assert "LEAKED" not in a.body and a.body == "Text here."


@pytest.mark.parametrize("subset", [
    '<!ENTITY secret "inline value">',
    '<!ENTITY secret SYSTEM "file:///etc/passwd">',
    "<!ENTITY % p \"<!ENTITY secret 'x'>\"> %p;",
])
def test_an_internal_subset_declaring_entities_is_refused(subset: str) -> None:
    doc = nitf(prolog=f"<!DOCTYPE nitf [{subset}]>", content="<p>&secret;</p>")
    assert reason(doc) == "unsafe_xml"
    assert reason(doc.encode("utf-16")) == "unsafe_xml"  # judged after decoding


def test_utf16_document_with_an_external_dtd_is_read() -> None:
    doc = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE nitf SYSTEM "nitf.dtd">'
           + nitf(hedline="<hl1>Überschwemmung</hl1>"))
    assert article(doc.encode("utf-16")).headline == "Überschwemmung"



def test_the_parser_leaves_declared_entities_unexpanded() -> None:
    # parse_xml refuses these documents before parsing; the parser itself must not act
    # on a declaration the prolog check missed either.
    for subset in ('<!ENTITY e "EXPANDED">', "<!ENTITY % p \"<!ENTITY e 'EXPANDED'>\"> %p;"):
        root = etree.fromstring(f"<!DOCTYPE r [{subset}]><r>a &e; b</r>".encode(), _parser())
        assert b"EXPANDED" not in etree.tostring(root)
        assert root.text == "a " and [e.name for e in root if isinstance(e, etree._Entity)] == ["e"]


def test_windows_1252_nitf_with_a_dtd_and_html_entities_is_read() -> None:
    # An editing system's export: a DOCTYPE naming the NITF DTD, HTML entities the DTD
    # would define, Windows-1252 bytes and no encoding declaration. The entities must stay
    # unresolved references (read as their characters) and never count as errors: with
    # entity substitution or DTD loading on, libxml2 reports "Entity 'eacute' not
    # defined" first and the encoding error that triggers the Windows-1252 retry is hidden.
    doc = nitf(prolog='<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">',
               hedline="<hl1>Caf&eacute; reopens</hl1>",
               content="<p>The caf&eacute; &ndash; “open” again, says Müller.</p>")
    a = article(doc.encode("cp1252"))
    assert a.headline == "Café reopens"
    assert a.body == "The café – “open” again, says Müller."


# -- encodings -------------------------------------------------------------------------

def test_utf8_under_a_latin1_declaration_is_read_as_utf8() -> None:
    doc = '<?xml version="1.0" encoding="ISO-8859-1"?>' + nitf(hedline="<hl1>Müller siegt</hl1>")
    assert article(doc.encode("utf-8")).headline == "Müller siegt"
    assert article(doc.encode("latin-1")).headline == "Müller siegt"  # true Latin-1 too


def test_windows_1252_bytes_without_a_declaration_are_read() -> None:
    doc = nitf(hedline="<hl1>Café “open” – Müller</hl1>")
    assert article(doc.encode("cp1252")).headline == "Café “open” – Müller"


# -- ninjs and AP ----------------------------------------------------------------------

def test_ninjs_with_guid_and_no_uri() -> None:
    doc = {"guid": "urn:newsml:localhost:2024:abc", "type": "text", "version": "2",
           "headline": "Guid only", "body_html": "<p>Body.</p>"}
    a = article(json.dumps(doc))
    assert (a.id, a.version, a.body) == ("urn:newsml:localhost:2024:abc", 2, "Body.")
    picture = {"guid": "tag:photo:1", "type": "picture", "headline": "A photo"}
    assert reason(json.dumps(picture)) == "empty_body"  # not missing_id


def test_ap_media_api_item() -> None:
    item = {"altids": {"itemid": "9a8b7c", "etag": "x"}, "version": 3, "type": "text",
            "uri": "https://api.ap.org/media/v/content/9a8b7c?qt=1&et=2",
            "headline": "Fed holds rates", "bylines": [{"by": "By Jane Doe"}],
            "renditions": {"nitf": {"href": "https://api.ap.org/x.nitf"}}}
    with pytest.raises(RejectedInput) as info:
        parse_raw(json.dumps({"api_version": "2", "data": {"item": item}}).encode())
    assert info.value.reason == "unknown_format" and "NITF rendition" in str(info.value)
    item["body_nitf"] = "<block><p>The Fed held rates.</p></block>"
    a = parse_raw(json.dumps({"api_version": "2", "data": {"item": item}}).encode())
    assert (a.id, a.headline, a.body, a.byline) == ("9a8b7c", "Fed holds rates",
                                                    "The Fed held rates.", "By Jane Doe")


# -- sanitising ------------------------------------------------------------------------

def test_control_and_bidi_override_characters_are_removed() -> None:
    a = article(nitf(hedline="<hl1>Bank \u202egnirdnual\u202c probe</hl1>",
                     content="<p>Text\u2066 with\u2069 isolates.</p>"))
    assert a.headline == "Bank gnirdnual probe"
    assert a.body == "Text with isolates."
    doc = {"uri": "urn:x:1", "type": "text", "headline": "Bell\u0007 and\u001b[31m red",
           "body_text": "Line\u0000 one\u202d."}
    plain = article(json.dumps(doc))
    assert (plain.headline, plain.body) == ("Bell and[31m red", "Line one.")


def test_a_tombstone_is_rejected_as_null_not_parsed_as_empty_bytes() -> None:
    with pytest.raises(RejectedInput) as info:
        split_raw(None)  # type: ignore[arg-type]
    assert info.value.reason == "empty_body" and "tombstone" in str(info.value)


def test_results_keep_one_outcome_per_item() -> None:
    outcomes = parse_raw_results(newsml(news_item("B1", 1, "Uno", TEXT),
                                        news_item("B2", 1, "Due", PHOTO)).encode())
    assert [getattr(o, "reason", "article") for o in outcomes] == ["article", "empty_body"]


def test_hard_wrapped_plain_text_with_tags_is_rejoined_into_paragraphs() -> None:
    ns = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
    text = ("<p>\n      (AGI) - Milan, March 3 - The Lombardy regional president Attilio\n"
            "Fontana said on Monday that the new hospital wing would open\nin June.\n"
            "   \"We are ready,\" Fontana told reporters outside the regional\n"
            "council, adding that staff had already been hired.\n</p>")
    payload = (f'<newsItem {ns} guid="urn:agi:1" version="1"><contentMeta><headline>H'
               '</headline></contentMeta><contentSet><inlineData contenttype="text/plain">'
               f"<![CDATA[{text}]]></inlineData></contentSet></newsItem>")
    assert article(payload).body == (
        "(AGI) - Milan, March 3 - The Lombardy regional president Attilio Fontana said on "
        "Monday that the new hospital wing would open in June.\n\"We are ready,\" Fontana "
        "told reporters outside the regional council, adding that staff had already been "
        "hired.")
