from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.rendering import render_markdown

EDITORIAL_TEAM = "Before You Mix editorial team"


class Category(models.Model):
    """A topic a patient browses by (/topics/<slug>/)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])


class Tag(models.Model):
    """Our own small tag: a slug and a name, from content/tags.yaml."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of "public": every list, feed, sitemap and search uses it."""
        return self.filter(status=Article.Status.PUBLISHED, published__lte=timezone.localdate())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="Two or three plain sentences shown at the top.")
    body = models.TextField(help_text="Markdown. Raw HTML is stripped.")
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published = models.DateField(default=timezone.localdate)
    last_reviewed = models.DateField(default=timezone.localdate)
    author = models.CharField(max_length=100, default=EDITORIAL_TEAM)
    reviewer = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    references = models.JSONField(
        default=list, help_text="List of {title, publisher, authors, year, url}."
    )
    emergency = models.BooleanField(default=False, help_text="Show the emergency-help box.")
    drugs = models.JSONField(default=list, blank=True, help_text="Ingredient slugs discussed.")
    mechanisms = models.JSONField(
        default=list, blank=True, help_text="Interaction mechanisms this guide explains."
    )
    views = models.PositiveIntegerField(default=0, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]
        indexes = [models.Index(fields=["status", "-published"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.toc = rendered.toc
        self.reading_minutes = rendered.reading_minutes
        # update_or_create (the import) saves only the fields it was given: the rendered
        # ones must be written too, or a re-imported guide keeps its old HTML.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "toc",
                "reading_minutes",
            }
        super().save(*args, **kwargs)
        # Imported here: the search module needs the saved row's id.
        from articles import search

        search.index_article(self)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published <= timezone.localdate()

    def related(self, limit=3):
        """Published guides sharing the most tags with this one."""
        return (
            Article.objects.published()
            .exclude(pk=self.pk)
            .filter(tags__in=self.tags.all())
            .annotate(shared=models.Count("tags"))
            .order_by("-shared", "-published")
            .distinct()[:limit]
        )
