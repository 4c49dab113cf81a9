"""French: what the processors know of the language beyond its spaCy pipeline.

Entities, linking and places only: no event rules yet, so the event coder leaves French
copy alone, and country names come from pycountry's French locale.
"""

from __future__ import annotations

from wirestream.processors.lang.profile import LanguageProfile

PROFILE = LanguageProfile(code="fr", name="French", country_locale="fr")
