"""Rendered findings are reused, but never across different findings."""

from django.urls import reverse

from interactions.templatetags import checker


def test_reused_html_is_the_same_page(client, db):
    checker._rendered.clear()
    url = reverse("interactions:check") + "?drugs=Zoloft,Ultram"
    first = client.get(url).content
    assert len(checker._rendered) == 1
    assert client.get(url).content == first


def test_what_was_entered_changes_the_finding_html(client, db):
    checker._rendered.clear()
    brand = client.get(reverse("interactions:check") + "?drugs=Zoloft,Ultram").content.decode()
    generic = client.get(reverse("interactions:check") + "?drugs=sertraline,tramadol").content.decode()
    assert "(in Zoloft)" in brand and "(in Zoloft)" not in generic
    assert len(checker._rendered) == 2


def test_a_stopped_medicine_is_never_served_the_current_text(client, db):
    checker._rendered.clear()
    current = client.get(reverse("interactions:check") + "?drugs=phenelzine,fluoxetine").content.decode()
    stopped = client.get(
        reverse("interactions:check") + "?drugs=phenelzine&recently_stopped=fluoxetine"
    ).content.decode()
    assert "You stopped fluoxetine recently" in stopped
    assert "You stopped fluoxetine recently" not in current


def test_the_cache_is_bounded(monkeypatch):
    checker._rendered.clear()
    monkeypatch.setattr(checker, "MAX_ENTRIES", 3)
    monkeypatch.setattr(checker, "get_template", lambda name: type("T", (), {"render": lambda self, ctx: str(ctx)})())
    for n in range(10):
        checker.render_finding({"n": n})
    assert len(checker._rendered) == 3
