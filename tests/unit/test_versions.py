from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from wirestream.processors.article import Article
from wirestream.processors.records import decode, encode
from wirestream.processors.versions import (
    CORRECTION,
    HELD,
    KILL,
    NEW,
    REDELIVERY,
    RELEASED,
    STALE,
    UPDATE,
    StoryState,
    decide,
    is_correction,
    parse_time,
    release,
)

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def art(version: int, **kw: object) -> Article:
    base: dict[str, object] = {"id": "urn:story:1", "version": version, "source_format": "native",
                               "headline": "Train derails", "body": "At least 22 dead."}
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def run(*articles: Article, now: datetime = NOW) -> list[str]:
    state = None
    verdicts = []
    for article in articles:
        decision = decide(state, article, now)
        state = decision.state
        verdicts.append(decision.verdict)
    return verdicts


def test_first_version_is_new_then_update_with_supersedes():
    first = decide(None, art(1), NOW)
    assert (first.verdict, first.publish, first.supersedes) == (NEW, True, None)
    second = decide(first.state, art(2), NOW)
    assert (second.verdict, second.publish, second.supersedes) == (UPDATE, True, 1)


def test_redelivery_and_stale_are_not_published():
    assert run(art(2), art(2), art(1)) == [NEW, REDELIVERY, STALE]
    state = decide(None, art(2), NOW).state
    assert not decide(state, art(2), NOW).publish
    assert not decide(state, art(1), NOW).publish


def test_corrections_are_recognised_from_signals_notes_and_headlines():
    assert is_correction(art(2, signals=("sig:correction",)))
    assert is_correction(art(2, ednotes=("Eds: CORRECTS spelling of name.",)))
    assert is_correction(art(2, ednotes=("Uhrzeit korrigiert",)))
    assert is_correction(art(2, headline="CORRECTED - BANKAMERICA SELLS UNITS"))
    assert not is_correction(art(2, signals=("sig:update",)))
    assert not is_correction(art(2, headline="Correctional officers strike"))
    assert run(art(1), art(2, signals=("sig:correction",))) == [NEW, CORRECTION]


def test_kill_retracts_the_published_version():
    state = decide(None, art(3), NOW).state
    kill = decide(state, art(4, pub_status="canceled", body=""), NOW)
    assert (kill.verdict, kill.publish, kill.retract, kill.supersedes) == (KILL, False, True, 3)
    assert kill.state.killed is True


def test_embargoed_version_is_held_then_released_at_its_time():
    until = NOW + timedelta(hours=2)
    held = decide(None, art(1, embargoed_until=until.isoformat()), NOW)
    assert (held.verdict, held.publish) == (HELD, False)
    assert held.release_at == until.isoformat()
    assert release(held.state, NOW) is None  # not yet
    article, released = release(held.state, until + timedelta(seconds=1))
    assert (released.verdict, released.publish) == (RELEASED, True)
    assert article.version == 1 and released.state.held is None
    assert release(released.state, until + timedelta(hours=1)) is None  # only once


def test_embargo_in_the_past_is_published_at_once():
    assert run(art(1, embargoed_until=(NOW - timedelta(minutes=1)).isoformat())) == [NEW]


def test_withheld_waits_for_a_usable_version():
    held = decide(None, art(1, pub_status="withheld"), NOW)
    assert held.verdict == HELD and held.release_at is None
    assert release(held.state, NOW + timedelta(days=30)) is None
    usable = decide(held.state, art(2), NOW)
    assert (usable.verdict, usable.publish) == (UPDATE, True)
    assert usable.state.held is None


def test_state_survives_the_tables_json_round_trip():
    held = decide(None, art(1, embargoed_until=(NOW + timedelta(hours=1)).isoformat()), NOW)
    state = decode(encode(held.state), StoryState)
    article, released = release(state, NOW + timedelta(hours=2))
    assert article == art(1, embargoed_until=(NOW + timedelta(hours=1)).isoformat())
    assert released.verdict == RELEASED


def test_a_state_stored_as_a_plain_dict_before_the_typed_state_still_reads():
    # What tables written by earlier releases hold: the held article as Article.to_dict().
    embargoed = art(1, embargoed_until=(NOW + timedelta(hours=1)).isoformat())
    stored = json.dumps({"id": embargoed.id, "version": 1, "published_version": None,
                         "killed": False, "held": embargoed.to_dict(),
                         "release_at": (NOW + timedelta(hours=1)).isoformat(),
                         "versions_seen": 1}).encode()
    article, released = release(decode(stored, StoryState), NOW + timedelta(hours=2))
    assert article == embargoed and released.state.held is None


# -- the boundaries the mutation run found unguarded ----------------------------------

def test_a_redelivered_kill_is_not_retracted_twice():
    # After a kill the highest version seen (4) is above the published one (3): a copy
    # of the kill compares with what was seen, not with what was published.
    state = decide(None, art(3), NOW).state
    kill = decide(state, art(4, pub_status="canceled", body=""), NOW)
    again = decide(kill.state, art(4, pub_status="canceled", body=""), NOW)
    assert (again.verdict, again.retract, again.publish) == (REDELIVERY, False, False)
    assert decide(kill.state, art(3), NOW).verdict == STALE


def test_a_held_version_redelivered_is_not_held_again():
    held = decide(None, art(1, pub_status="withheld"), NOW)
    assert decide(held.state, art(1, pub_status="withheld"), NOW).verdict == REDELIVERY


def test_time_zone_offsets_are_kept_when_times_are_parsed():
    assert parse_time("2026-03-03T14:00:00+02:00") == datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    assert parse_time("2026-03-03T07:00:00-05:00") == NOW
    assert parse_time("2026-03-03T12:00:00Z") == NOW
    assert parse_time("2026-03-03T12:00:00") == NOW  # naive: UTC
    # 13:30 in Berlin is 12:30 UTC: half an hour to wait, not an embargo already over.
    held = decide(None, art(1, embargoed_until="2026-03-03T13:30:00+01:00"), NOW)
    assert held.verdict == HELD
    assert held.release_at == "2026-03-03T12:30:00+00:00"
    # 13:30 in New York is 18:30 UTC: still held at 14:00 UTC.
    held = decide(None, art(1, embargoed_until="2026-03-03T13:30:00-05:00"), NOW)
    assert held.release_at == "2026-03-03T18:30:00+00:00"
    assert release(held.state, datetime(2026, 3, 3, 14, 0, tzinfo=UTC)) is None


def test_an_embargo_ends_at_its_release_time_not_after_it():
    until = NOW + timedelta(hours=1)
    # Arriving exactly at the release time: published at once.
    assert run(art(1, embargoed_until=NOW.isoformat())) == [NEW]
    # Held, then asked again exactly at the release time: released.
    held = decide(None, art(1, embargoed_until=until.isoformat()), NOW)
    assert held.verdict == HELD
    assert release(held.state, until - timedelta(microseconds=1)) is None
    article, released = release(held.state, until)
    assert released.verdict == RELEASED and article.version == 1
