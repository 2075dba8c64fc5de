"""Small text helpers shared by the catalogue (matching keys for vocabularies and names)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def match_key(text: str) -> str:
    """Accent-, case- and spacing-insensitive key: 'Peinture  à l'Huile' -> "peinture a l'huile"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("’", "'").replace("œ", "oe").replace("Œ", "oe")
    return _SPACES.sub(" ", stripped).strip().casefold()[:255]
