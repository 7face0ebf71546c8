"""Validate the knowledge-base files and copy them into the database (idempotent).

    python manage.py load_knowledge

Everything is validated first; a schema error names the file, the entry and the field, and
nothing in the database changes. Rows are matched on stable keys (slug, name, id), so
running it twice changes nothing, and entries removed from the files are removed here.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from medicines import knowledge
from interactions import models


class Command(BaseCommand):
    help = "Validate medicines/data/*.yaml and load it into the database."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(knowledge.default_data_dir()))

    def handle(self, *args, data_dir, **options):
        try:
            snap = knowledge.load(data_dir)
        except knowledge.KnowledgeError as error:
            raise CommandError(f"Knowledge base not loaded: {error}") from None
        with transaction.atomic():
            counts = self._load(snap)
            latest = models.KnowledgeVersion.objects.first()
            if latest is None or latest.version != snap.version:
                models.KnowledgeVersion.objects.create(version=snap.version, counts=counts)
        knowledge.reset()
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Knowledge base {snap.version} loaded: {summary}.")

    def _sync(self, model, key_field, rows):
        """update_or_create each row on its key; delete rows whose key is gone."""
        objects = {}
        for key, fields in rows:
            obj, _ = model.objects.update_or_create(**{key_field: key}, defaults=fields)
            objects[key] = obj
        model.objects.exclude(**{f"{key_field}__in": list(objects)}).delete()
        return objects

    def _load(self, snap):
        classes = self._sync(
            models.DrugClass,
            "slug",
            [
                (slug, {"name": snap.class_name(slug), "description": getattr(snap.classes.get(slug), "description", "")})
                for slug in sorted({c for i in snap.ingredients.values() for c in i.classes} | set(snap.classes))
            ],
        )
        ingredients = self._sync(
            models.Ingredient,
            "slug",
            [
                (
                    i.slug,
                    {
                        "name": i.name,
                        "summary": i.summary,
                        "label_url": i.label,
                        "synonyms": list(i.synonyms),
                        "properties": {
                            k: sorted(v, key=str)[0] if len(v) == 1 else sorted(v, key=str)
                            for k, v in sorted(i.properties.items())
                        },
                        "washout_days": i.washout_days,
                        "duplicate_severity": i.duplicate_severity,
                    },
                )
                for i in snap.ingredients.values()
            ],
        )
        for ingredient in snap.ingredients.values():
            ingredients[ingredient.slug].classes.set([classes[c] for c in sorted(ingredient.classes)])
        products = self._sync(
            models.Product,
            "name",
            [
                (p.name, {"kind": p.kind, "also_contains": list(p.also_contains), "note": p.note})
                for p in snap.products
            ],
        )
        for product in snap.products:
            products[product.name].ingredients.set([ingredients[s] for s in product.ingredients])
        self._sync(
            models.NotCoveredMedicine, "name", [(n.name, {"note": n.note}) for n in snap.not_covered]
        )
        references = self._sync(
            models.Reference,
            "key",
            [
                (r.id, {"title": r.title, "publisher": r.publisher, "authors": r.authors, "year": r.year, "url": r.url})
                for r in snap.references.values()
            ],
        )
        rules = []
        for kind, items in (("pair", snap.rules), ("duplicate", snap.duplicate_rules), ("cumulative", snap.cumulative_rules)):
            for rule in items:
                rules.append(
                    (
                        rule,
                        rule.id,
                        {
                            "kind": kind,
                            "severity": rule.severity or "",
                            "title": rule.texts.title,
                            "summary": rule.texts.summary,
                            "mechanisms": list(rule.mechanisms),
                            "position": rule.order,
                        },
                    )
                )
        saved = self._sync(models.Rule, "key", [(key, fields) for _, key, fields in rules])
        for rule, key, _ in rules:
            saved[key].references.set([references[r] for r in rule.references])
        return {
            "ingredients": len(ingredients),
            "products": len(products),
            "not covered": len(snap.not_covered),
            "references": len(references),
            "rules": len(saved),
        }
