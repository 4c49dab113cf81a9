"""Real wire articles from ../shared/data (Reuters English, 10kGNAD German) as native JSON
documents, for the reliability scenarios and the benchmarks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
REUTERS = SHARED_DATA / "corpora/reuters21578/reuters21578.jsonl"
GNAD = SHARED_DATA / "corpora/10kgnad/10kgnad_test.textonly.jsonl"


def require_shared() -> None:
    if not SHARED_DATA.is_dir():
        sys.exit(f"benchmarks need the real corpora at {SHARED_DATA} (../shared beside the repo)")


def reuters_articles(limit: int) -> Iterator[dict[str, object]]:
    """English Reuters stories with a body, as native-format documents."""
    count = 0
    with REUTERS.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if not (doc.get("body") or "").strip() or not doc.get("title"):
                continue
            yield {"id": f"reuters:{doc['newid']}", "version": 1, "provider": "Reuters",
                   "headline": doc["title"], "body": doc["body"]}
            count += 1
            if count >= limit:
                return


def gnad_articles(limit: int) -> Iterator[dict[str, object]]:
    """German DER STANDARD articles (10kGNAD): first sentence as headline."""
    with GNAD.open(encoding="utf-8") as lines:
        for count, line in enumerate(lines):
            if count >= limit:
                return
            doc = json.loads(line)
            text = str(doc["text"])
            headline = text.split(". ")[0][:200]
            yield {"id": f"10kgnad:{doc['id']}", "version": 1, "provider": "DER STANDARD",
                   "headline": headline, "body": text}


def mixed_articles(n: int, german_share: float = 0.25) -> list[dict[str, object]]:
    """n articles, interleaved English and German."""
    german = list(gnad_articles(int(n * german_share)))
    english = list(reuters_articles(n - len(german)))
    out: list[dict[str, object]] = []
    step = max(1, len(english) // max(1, len(german))) if german else len(english) + 1
    g = iter(german)
    for i, article in enumerate(english):
        out.append(article)
        if german and i % step == step - 1:
            nxt = next(g, None)
            if nxt is not None:
                out.append(nxt)
    out.extend(g)
    return out[:n]
