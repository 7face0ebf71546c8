"""The knowledge base in the database, for the admin and for browsing.

The files under medicines/data/ are the source of truth and the engine reads them
directly (medicines/knowledge.py). `manage.py load_knowledge` copies them here, keyed on
stable names, so the admin can list and search them. Nothing in the checker reads these.
"""

from django.db import models


class DrugClass(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"

    def __str__(self):
        return self.name


class Ingredient(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    label_url = models.URLField(max_length=500)
    synonyms = models.JSONField(default=list, blank=True)
    classes = models.ManyToManyField(DrugClass, related_name="ingredients", blank=True)
    properties = models.JSONField(default=dict, blank=True)
    washout_days = models.PositiveIntegerField(null=True, blank=True)
    duplicate_severity = models.CharField(max_length=20, default="moderate")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    class Kind(models.TextChoices):
        BRAND = "brand"
        COMBINATION = "combination"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ingredients = models.ManyToManyField(Ingredient, related_name="products")
    also_contains = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class NotCoveredMedicine(models.Model):
    name = models.CharField(max_length=200, unique=True)
    note = models.TextField()

    class Meta:
        ordering = ["name"]
        verbose_name = "medicine not covered"
        verbose_name_plural = "medicines not covered"

    def __str__(self):
        return self.name


class Reference(models.Model):
    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300)
    authors = models.CharField(max_length=300, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.title


class Rule(models.Model):
    class Kind(models.TextChoices):
        PAIR = "pair"
        DUPLICATE = "duplicate"
        CUMULATIVE = "cumulative"

    key = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    mechanisms = models.JSONField(default=list)
    references = models.ManyToManyField(Reference, related_name="rules")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position"]

    def __str__(self):
        return self.key


class KnowledgeVersion(models.Model):
    """One row per load that changed something: which data version, when, how much."""

    version = models.CharField(max_length=32)
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self):
        return self.version
