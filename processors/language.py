"""Offline language identification (py3langid) with the source's declared language as a prior."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# How much text langid sees: the first few thousand characters decide as well
# as the whole article and keep the cost flat for long bodies.
_SAMPLE_CHARS = 4000
# Overrule a declared language only on a confident call over enough text;
# providers mislabel rarely, short texts fool the classifier often.
_OVERRULE_CONFIDENCE = 0.99
_OVERRULE_MIN_CHARS = 200


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str | None  # final ISO 639-1 code the pipeline uses
    detected: str | None
    confidence: float
    declared: str | None


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        ident.set_languages(list(languages))
    return ident


def normalise_code(code: str | None) -> str | None:
    """'de-DE', 'DE', 'de_AT' -> 'de'; None or '' -> None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if 2 <= len(base) <= 3 and base.isalpha() else None


def identify(text: str, declared: str | None, languages: tuple[str, ...]) -> LanguageGuess:
    declared_code = normalise_code(declared)
    sample = text[:_SAMPLE_CHARS]
    detected: str | None = None
    confidence = 0.0
    if sample.strip():
        label, prob = _identifier(languages).classify(sample)
        detected, confidence = (str(label), float(prob)) if label else (None, 0.0)
    final = declared_code or detected
    if (
        declared_code
        and detected
        and detected != declared_code
        and confidence >= _OVERRULE_CONFIDENCE
        and len(sample) >= _OVERRULE_MIN_CHARS
    ):
        final = detected
    return LanguageGuess(code=final, detected=detected, confidence=round(confidence, 4),
                         declared=declared_code)
