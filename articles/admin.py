from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import Article, Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "category",
        "published",
        "last_reviewed",
        "view_on_site_link",
    ]
    list_filter = ["status", "category", "tags"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    readonly_fields = ["preview", "reading_minutes", "views", "updated"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "tags", "summary", "body"]}),
        ("Preview", {"fields": ["preview"], "description": "Save to refresh the preview."}),
        ("Review", {"fields": ["published", "last_reviewed", "author", "reviewer", "emergency"]}),
        ("Links", {"fields": ["references", "drugs", "mechanisms"]}),
        ("Stats", {"fields": ["reading_minutes", "views", "updated"]}),
    ]

    @admin.display(description="Rendered body")
    def preview(self, obj):
        # body_html was sanitised by nh3 when the guide was saved.
        return (
            format_html('<div class="guide-preview">{}</div>', mark_safe(obj.body_html))
            if obj.pk
            else "—"
        )

    @admin.display(description="On site")
    def view_on_site_link(self, obj):
        if not obj.is_public:
            return "not public"
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())

    @admin.action(description="Publish the selected guides")
    def publish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.save()

    @admin.action(description="Return the selected guides to draft")
    def unpublish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()
