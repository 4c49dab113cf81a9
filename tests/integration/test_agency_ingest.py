"""Agency documents through a running worker: a NewsML 1.x document with two stories and
a photo, a bare NITF story, and a tombstone on the raw topic. Each story is enriched on
its own; the photo is dead-lettered with its own original bytes, exactly as they stood in
the document; the tombstone is dead-lettered as null, said so in a header."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.helpers import collect_keys, record_of, settings_from, wait_ready
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = pytest.mark.integration

BODY = ("Firefighters battled a blaze at a chemical plant near {city} on Wednesday, the "
        "regional authorities said, and residents were told to keep their windows shut.")


def news_item(item_id: str, media: str) -> str:
    content = (f'<ContentItem><MediaType FormalName="Text"/><DataContent><nitf><body>'
               f"<body.content><p>{BODY.format(city='Lyon')}</p></body.content></body></nitf>"
               "</DataContent></ContentItem>" if media == "Text" else
               '<ContentItem Href="fire.jpg"><MediaType FormalName="Photo"/></ContentItem>')
    return ("<NewsItem><Identification><NewsIdentifier><ProviderId>afp.com</ProviderId>"
            f"<DateId>20241106</DateId><NewsItemId>{item_id}</NewsItemId>"
            "<RevisionId>1</RevisionId><PublicIdentifier>urn:newsml:afp.com:20241106:"
            f"{item_id}:1</PublicIdentifier></NewsIdentifier></Identification>"
            '<NewsManagement><Status FormalName="Usable"/></NewsManagement>'
            '<NewsComponent xml:lang="en"><NewsLines><HeadLine>Fire at chemical plant '
            f"({item_id})</HeadLine></NewsLines>{content}</NewsComponent></NewsItem>")


def test_agency_documents_tombstones_and_original_item_bytes(broker, namespace_env,
                                                             tmp_path):
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    photo = news_item("PHOTO-1", "Photo")
    newsml = ('<?xml version="1.0" encoding="UTF-8"?><NewsML Version="1.2">'
              + news_item("TXT-1", "Text") + photo + news_item("TXT-2", "Text")
              + "</NewsML>").encode()
    nitf = ('<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">\n<nitf><head>'
            '<docdata><doc-id regsrc="EFE" id-string="EFE-77"/></docdata></head><body>'
            "<body.head><hedline><hl1>Fire near Valencia</hl1></hedline></body.head>"
            f"<body.content><p>{BODY.format(city='Valencia')}&nbsp;</p></body.content>"
            "</body></nitf>").encode()
    messages = [OutMessage(b"afp-batch-1", newsml), OutMessage(b"efe-77", nitf),
                OutMessage(b"gone-1", None)]
    worker = WorkerProcess(broker.url, tmp_path / "worker.log", namespace_env)
    try:
        wait_ready(namespace_env["WIRESTREAM_METRICS_PORT"], worker)
        asyncio.run(produce(broker.url, names["raw"], messages))
        stories = {"urn:newsml:afp.com:20241106:TXT-1", "urn:newsml:afp.com:20241106:TXT-2",
                   "EFE-77"}
        got = asyncio.run(collect_keys(broker.url, [names["enriched"], names["dlq"]],
                                       stories | {"afp-batch-1", "gone-1"}, worker))
    finally:
        worker.stop()

    enriched = {m.key.decode(): record_of(m) for m in got if m.topic == names["enriched"]}
    assert stories <= set(enriched)
    assert enriched["EFE-77"]["source_format"] == "nitf"
    assert enriched["urn:newsml:afp.com:20241106:TXT-1"]["source_format"] == "newsml-1"
    dead = {m.key.decode(): m for m in got if m.topic == names["dlq"]}
    assert dead["afp-batch-1"].value == photo.encode()
    assert dead["afp-batch-1"].header("wirestream.reason") == "empty_body"
    assert dead["gone-1"].header("wirestream.null_value") == "true"
    assert dead["gone-1"].header("wirestream.reason") == "empty_body"
