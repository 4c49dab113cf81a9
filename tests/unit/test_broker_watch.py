"""Local state is dropped only when it came from another broker history."""

from __future__ import annotations

from wirestream.streams.kafka.broker_watch import MARKER_FILE, reconcile_local_state


def _state(root):
    (root / "v1/tables/story-versions-0.db").mkdir(parents=True)
    (root / "near-duplicates/index").mkdir(parents=True)
    (root / "feed-state.json").write_text("{}")


def test_state_from_another_broker_history_is_dropped(tmp_path):
    _state(tmp_path)
    (tmp_path / MARKER_FILE).write_text("old-broker\n")
    assert reconcile_local_state(str(tmp_path), "new-broker")
    assert not (tmp_path / "v1").exists() and not (tmp_path / "near-duplicates").exists()
    assert (tmp_path / "feed-state.json").exists()  # not broker state: kept
    assert (tmp_path / MARKER_FILE).read_text().strip() == "new-broker"


def test_state_from_the_same_broker_is_kept(tmp_path):
    _state(tmp_path)
    (tmp_path / MARKER_FILE).write_text("same\n")
    assert not reconcile_local_state(str(tmp_path), "same")
    assert (tmp_path / "v1/tables/story-versions-0.db").exists()


def test_state_from_before_markers_is_adopted(tmp_path):
    _state(tmp_path)  # a data dir written before the marker existed
    assert not reconcile_local_state(str(tmp_path), "first-seen")
    assert (tmp_path / "near-duplicates/index").exists()
    assert (tmp_path / MARKER_FILE).read_text().strip() == "first-seen"
