"""Spanish: what the processors know of the language beyond its spaCy pipeline.

Entities, linking and places only: no event rules yet, so the event coder leaves Spanish
copy alone, and country names come from pycountry's Spanish locale.
"""

from __future__ import annotations

from wirestream.processors.lang.profile import LanguageProfile

# English names quoted as they are ("Tower of London"): see foreign_name_links.
PROFILE = LanguageProfile(code="es", name="Spanish", country_locale="es",
                          foreign_name_links=frozenset({"of", "for", "the"}))
