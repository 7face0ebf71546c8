"""CheckForm: the validation shared by the API and the HTML checker."""

import pytest

from interactions.forms import CheckForm


def form(drugs=None, stopped=None):
    data = {}
    if drugs is not None:
        data["drugs"] = drugs
    if stopped is not None:
        data["recently_stopped"] = stopped
    return CheckForm(data)


def test_names_are_split_and_tidied():
    f = form(" Zoloft ,  ultram 50 mg,,\nTylenol ", "Prozac")
    assert f.is_valid()
    assert f.cleaned_data == {
        "drugs": ["Zoloft", "ultram 50 mg", "Tylenol"],
        "recently_stopped": ["Prozac"],
    }


@pytest.mark.parametrize(
    ("drugs", "stopped", "code"),
    [
        (None, None, "empty"),
        ("", "", "empty"),
        (" , ,", "", "empty"),
        (",".join(["b"] * 26), "", "too_many_drugs"),  # "a" is an article now, like "the"
        ("a", ",".join(["b"] * 26), "too_many_drugs"),
        ("y" * 101, "", "name_too_long"),
        ("a", "y" * 101, "name_too_long"),
        ("zoloft\x00", "", "bad_request"),
        ("zoloft\x1b[31m", "", "bad_request"),
        ("zoloft\ufffd", "", "bad_request"),
        ("a", "b\x7f", "bad_request"),
    ],
)
def test_errors_have_codes_and_messages(drugs, stopped, code):
    f = form(drugs, stopped)
    assert not f.is_valid()
    found_code, message = f.first_error()
    assert found_code == code
    assert message.endswith(".") and len(message) < 100


def test_every_ascii_character_is_judged_as_by_its_unicode_category():
    """Most lists are ASCII, which are checked by a quicker rule: it must say what the
    Unicode categories say (control characters out, but tab, line feed and carriage return)."""
    import unicodedata

    from interactions.forms import _unreadable

    for code in range(128):
        char = chr(code)
        control = unicodedata.category(char) == "Cc" and char not in "\n\r\t"
        assert _unreadable(f"zoloft{char}x") is control, repr(char)
        assert _unreadable(f"zöloft{char}x") is control, repr(char)  # the general rule
    assert _unreadable("zoloft\x85") and _unreadable("zoloft\ue000")  # non-ASCII controls


def test_limits_are_inclusive():
    assert form(",".join(["a"] * 25), ",".join(["b"] * 25)).is_valid()
    assert form("y" * 100).is_valid()


def test_names_are_split_on_every_separator_people_type():
    f = form("phenelzine and prozac; Tylenol with Codeine + zoloft/tramadol", "paxil & prozac")
    assert f.is_valid()
    assert f.cleaned_data == {
        "drugs": ["phenelzine", "prozac", "Tylenol with Codeine", "zoloft", "tramadol"],
        "recently_stopped": ["paxil", "prozac"],
    }


def test_limits_count_medicines_after_splitting():
    assert form(" and ".join(["zoloft"] * 25)).is_valid()
    f = form(" and ".join(["zoloft"] * 26))
    assert not f.is_valid() and f.first_error()[0] == "too_many_drugs"
    f = form("zoloft tramadol " + "y" * 101)
    assert not f.is_valid() and f.first_error()[0] == "name_too_long"
