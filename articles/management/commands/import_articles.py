from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.content import ContentError, load_library
from articles.linking import forget_index
from articles.models import Article, Category, Tag


class Command(BaseCommand):
    help = "Create or update guides, topics and tags from the content folder (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content folder")

    def handle(self, *args, **options):
        try:
            categories, tags, guides = load_library(Path(options["dir"]))
        except ContentError as exc:
            raise CommandError(f"Nothing imported. {exc}") from exc

        with transaction.atomic():
            category_objs = {}
            for position, entry in enumerate(categories):
                category_objs[entry["slug"]], _ = Category.objects.update_or_create(
                    slug=entry["slug"],
                    defaults={
                        "name": entry["name"],
                        "description": entry.get("description", ""),
                        "position": position,
                    },
                )
            tag_objs = {}
            for entry in tags:
                tag_objs[entry["slug"]], _ = Tag.objects.update_or_create(
                    slug=entry["slug"],
                    defaults={"name": entry["name"], "description": entry.get("description", "")},
                )
            created = updated = 0
            for guide in guides:
                article, was_created = Article.objects.update_or_create(
                    slug=guide.slug,
                    defaults={
                        "title": guide.title,
                        "summary": guide.summary,
                        "body": guide.body,
                        "category": category_objs[guide.category],
                        "status": guide.status,
                        "published": guide.published,
                        "last_reviewed": guide.last_reviewed,
                        "author": guide.author,
                        "reviewer": guide.reviewer,
                        "emergency": guide.emergency,
                        "drugs": guide.drugs,
                        "mechanisms": guide.mechanisms,
                        "references": guide.references,
                    },
                )
                article.tags.set([tag_objs[slug] for slug in guide.tags])
                created += was_created
                updated += not was_created
        forget_index()
        self.stdout.write(
            f"Imported {len(guides)} guides ({created} new, {updated} updated), "
            f"{len(categories)} topics, {len(tags)} tags."
        )
