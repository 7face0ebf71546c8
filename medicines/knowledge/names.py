"""How two names are compared."""

import re


def normalise_name(text: str) -> str:
    """The key two names are compared by: lowercase letters and digits, single spaces."""
    text = text.casefold().replace("’", "'")
    text = re.sub(r"[.'`´]", "", text)
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())
