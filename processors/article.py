"""The canonical Article every input format is parsed into."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

from msgspec import Meta


class RejectedInput(ValueError):
    """Input that cannot become an Article; ``reason`` is a short stable code.

    The code goes into dead-letter headers and the ``reason`` label of the
    rejection metric, so it must come from a small fixed set.
    """

    REASONS = (
        "not_json",
        "invalid_encoding",
        "unknown_format",
        "missing_id",
        "invalid_field",
        "empty_body",
        "too_large",
        "unreadable_file",
        "not_xml",  # XML that is not well-formed
        "unsafe_xml",  # DOCTYPE/ENTITY declarations: entity bombs, external entities
        "unsupported_item",  # well-formed news XML that is no article (package, concept...)
        "too_complex",  # under the size cap but over a structural limit (nesting, lists...)
    )

    def __init__(self, reason: str, message: str) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(message)
        self.reason = reason


# Every ``source_format`` a parser in processors/formats/ writes (the schema's enum).
SOURCE_FORMATS = ("native", "ninjs-1", "ninjs-2", "ninjs-3", "dpa-digitalwires", "text",
                  "newsml-g2", "newsml-1", "nitf", "rss", "atom")
PUB_STATUSES = ("usable", "withheld", "canceled")

# Field types shared by the Article and the output records built from it; the
# constraints and descriptions end up in the generated JSON Schemas (config/schemas/).
StoryId = Annotated[str, Meta(min_length=1, max_length=512, description=(
    "Provider's story id (ninjs uri, dpa urn, NewsML-G2 guid, NITF doc-id); also the "
    "Kafka key."))]
Version = Annotated[int, Meta(ge=0)]
SourceFormat = Annotated[str, Meta(extra_json_schema={"enum": list(SOURCE_FORMATS)})]
PubStatus = Annotated[str, Meta(extra_json_schema={"enum": list(PUB_STATUSES)})]
Body = Annotated[str, Meta(description="Plain text: markup stripped, mojibake fixed, NFC.")]
ZoneAssumed = Annotated[str | None, Meta(description=(
    "IANA zone that timestamps without an offset were read in (the provider's, default "
    "UTC); null when every timestamp carried its offset"))]


@dataclass(frozen=True, slots=True)
class Article:
    """One version of one wire story, whatever format it arrived in.

    ``id`` is the provider's story id (ninjs ``uri``, dpa ``urn``, NewsML-G2
    ``guid``) and the Kafka key throughout the pipeline; ``version`` is an integer
    so versions compare numerically even where the format carries a string.
    """

    id: StoryId
    version: Version
    source_format: SourceFormat
    headline: str
    body: Body
    provider: str | None = None
    language: str | None = None  # as declared by the source, if it says
    pub_status: PubStatus = "usable"
    signals: tuple[str, ...] = ()
    version_created: str | None = None  # ISO 8601 as given by the source
    first_created: str | None = None
    embargoed_until: str | None = None
    byline: str | None = None
    dateline: str | None = None
    urgency: int | None = None
    ednotes: tuple[str, ...] = field(default=())
    # The zone a timestamp without one was read in (the provider's, default UTC); None
    # when every timestamp carried its own offset.
    zone_assumed: ZoneAssumed = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signals"] = list(self.signals)
        data["ednotes"] = list(self.ednotes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        values = dict(data)
        values["signals"] = tuple(values.get("signals") or ())
        values["ednotes"] = tuple(values.get("ednotes") or ())
        return cls(**values)

    @property
    def word_count(self) -> int:
        return len(self.body.split())
