"""Offline language identification (py3langid) with the source's declared language as a prior.

The identifier judges over every language its model knows (142 labels), not only the
configured ones: restricted to en/de/fr/…, it can only answer one of those, so Finnish came
out as Dutch and got the Dutch pipeline's nonsense entities. Which pipeline runs is decided
afterwards (processors/pipelines.py); a language without one gets no entities.
"""

from __future__ import annotations

from collections.abc import Collection
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
# Undeclared text: a language outside the configured ones wins only on a call this sure.
# Below it (a headline, a results table) the best configured language is the better bet,
# as it always was: "Nato summit opens in Vilnius" scores Latin 0.54, English 0.08.
_OTHER_LANGUAGE_CONFIDENCE = 0.8
# The model's label for text without language (numbers, tables of names); not a language.
_NO_LANGUAGE = "zxx"
# ISO 639 codes that declare no particular language (undetermined, multiple, none).
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
# Codes a provider may declare that the identifier knows under another label.
_SAME_LANGUAGE = {"nb": "no", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# Written varieties the identifier tells apart by a hair: a declared one is never
# overruled by another of its group (an NTB story declared "no" that scores Danish).
_CLOSE_GROUPS = (frozenset({"no", "nn", "da"}), frozenset({"bs", "hr", "sr"}),
                 frozenset({"id", "ms"}), frozenset({"gl", "pt"}))


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str | None  # final ISO 639-1 code the pipeline uses
    detected: str | None
    confidence: float
    declared: str | None


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def identifier_languages() -> frozenset[str]:
    """Every language the identifier can answer (without its no-language label)."""
    return frozenset(_identifier().nb_classes) - {_NO_LANGUAGE}


def normalise_code(code: str | None) -> str | None:
    """'de-DE', 'DE', 'de_AT' -> 'de'; None or '' -> None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    if base in _NOT_A_LANGUAGE:
        return None
    return base if 2 <= len(base) <= 3 and base.isalpha() else None


def _judged_as(code: str) -> str:
    return _SAME_LANGUAGE.get(code, code)


def _close(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _CLOSE_GROUPS)


def identify(text: str, declared: str | None, languages: Collection[str]) -> LanguageGuess:
    """The article's language: the declared one unless the identifier, able to say it,
    confidently says another; without a declaration, the identifier's call (``languages``,
    the configured ones, win an unsure call)."""
    declared_code = normalise_code(declared)
    sample = text[:_SAMPLE_CHARS]
    ranking = _identifier().rank(sample) if sample.strip() else []
    detected, confidence = ranking[0] if ranking else (None, 0.0)
    if detected == _NO_LANGUAGE:
        detected = None
    if declared_code:
        final: str | None = declared_code
        judged = _judged_as(declared_code)
        if (
            detected
            and judged in identifier_languages()  # else it could never have said it
            and detected != judged
            and not _close(detected, judged)
            and confidence >= _OVERRULE_CONFIDENCE
            and len(sample) >= _OVERRULE_MIN_CHARS
        ):
            final = detected
    else:
        final = _undeclared(ranking, detected, confidence, languages)
    return LanguageGuess(code=final, detected=detected, confidence=round(float(confidence), 4),
                         declared=declared_code)


def _undeclared(ranking: list[tuple[str, float]], detected: str | None, confidence: float,
                languages: Collection[str]) -> str | None:
    if detected in languages or confidence >= _OTHER_LANGUAGE_CONFIDENCE:
        return detected
    # Unsure, and the top call has no pipeline: the best configured language, if the
    # identifier gives it any weight at all (restricting softmax = renormalising it).
    for label, prob in ranking:
        if label in languages and prob > 0.0:
            return label
    return detected


def language_label(code: str | None, configured: Collection[str] = ()) -> str:
    """A metrics label value from a small set: the code if configured or an ISO 639-1
    (two-letter) code, "und" for none, else "other". A declared code is provider input and
    every new label value is a new series; this runs in the worker's main process, so it
    does not load the identifier's model to ask it."""
    if not code:
        return "und"
    return code if len(code) == 2 or code in configured else "other"
