"""Read-only browsing of the knowledge base. Edit the YAML files, then load_knowledge."""

from django.contrib import admin

from interactions import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DrugClass)
class DrugClassAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(models.Ingredient)
class IngredientAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "washout_days", "duplicate_severity"]
    list_filter = ["classes"]
    search_fields = ["name", "slug", "synonyms"]


@admin.register(models.Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "ingredients__name"]


@admin.register(models.NotCoveredMedicine)
class NotCoveredAdmin(ReadOnlyAdmin):
    list_display = ["name", "note"]
    search_fields = ["name"]


@admin.register(models.Reference)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ["key", "title", "publisher", "year"]
    search_fields = ["key", "title", "url"]


@admin.register(models.Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "severity", "title"]
    list_filter = ["kind", "severity"]
    search_fields = ["key", "title", "summary"]


@admin.register(models.KnowledgeVersion)
class KnowledgeVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "loaded_at"]
