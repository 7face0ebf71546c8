"""Input validation shared by the JSON API and the HTML checker.

Both fields are a list as typed: "Zoloft, ultram 50 mg", "phenelzine and prozac",
"zoloft/tramadol", one per line. The checker's parser (medicines.resolver) splits them
into medicines, keeping real products whole ("Tylenol with Codeine"). A valid form gives
one piece of text per medicine in `cleaned_data["drugs"]` and
`cleaned_data["recently_stopped"]`; the limits count medicines after splitting. Every error
carries one of the contract's codes (empty, too_many_drugs, name_too_long, bad_request) and
a friendly message; `first_error()` picks the one to show or return.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

MAX_DRUGS = 25
MAX_NAME_LENGTH = 100

MESSAGES = {
    "empty": "Enter at least one medicine name.",
    "too_many_drugs": f"Enter at most {MAX_DRUGS} medicines.",
    "too_many_stopped": f"Enter at most {MAX_DRUGS} recently stopped medicines.",
    "name_too_long": f"Each medicine name must be {MAX_NAME_LENGTH} characters or fewer.",
    "bad_request": "We could not read that list. Type the names again, separated by commas.",
}
CODES = ("bad_request", "empty", "too_many_drugs", "name_too_long")  # checked in this order
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # Cc but tab, CR, LF


def _unreadable(text: str) -> bool:
    """Control characters, or the replacement character left by invalid encoding."""
    if text.isascii():  # as most lists are: only the control characters to look for
        return _ASCII_CONTROL.search(text) is not None
    for char in text:
        if char == "\ufffd":
            return True
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") and char not in "\n\r\t":
            return True
    return False


def split_names(text: str) -> list[str]:
    """One piece of text per medicine, as typed (the same parser as the checker's)."""
    from medicines import knowledge
    from medicines.resolver import resolver_for

    return resolver_for(knowledge.snapshot()).split(text or "")


class CheckForm(forms.Form):
    drugs = forms.CharField(required=False, strip=False)
    recently_stopped = forms.CharField(required=False, strip=False)

    def _names(self, field: str, *, required: bool) -> list[str]:
        raw = self.cleaned_data.get(field) or ""
        if _unreadable(raw):
            raise ValidationError(MESSAGES["bad_request"], code="bad_request")
        names = split_names(raw) if raw else []
        if required and not names:
            raise ValidationError(MESSAGES["empty"], code="empty")
        if len(names) > MAX_DRUGS:
            message = MESSAGES["too_many_drugs" if field == "drugs" else "too_many_stopped"]
            raise ValidationError(message, code="too_many_drugs")
        if any(len(name) > MAX_NAME_LENGTH for name in names):
            raise ValidationError(MESSAGES["name_too_long"], code="name_too_long")
        return names

    def clean_drugs(self) -> list[str]:
        return self._names("drugs", required=True)

    def clean_recently_stopped(self) -> list[str]:
        return self._names("recently_stopped", required=False)

    def first_error(self) -> tuple[str, str]:
        """(code, message) of the most basic problem; bad_request for anything unexpected."""
        found = []
        for field in ("drugs", "recently_stopped", "__all__"):
            for error in self.errors.as_data().get(field, []):
                code = error.code if error.code in CODES else "bad_request"
                message = error.messages[0] if code == error.code else MESSAGES["bad_request"]
                found.append((CODES.index(code), code, message))
        if not found:
            return "bad_request", MESSAGES["bad_request"]
        _, code, message = min(found, key=lambda item: item[0])
        return code, message
