"""Validate the knowledge-base files and report what they hold (run on every release).

    python manage.py load_knowledge [--data-dir DIR]

The checker reads the files themselves (an in-memory snapshot per process, medicines.knowledge);
nothing is copied into the database. A schema error names the file, the entry and the field
and the command fails, so a release with a broken file stops here while the running site
keeps its last good snapshot. Running it twice changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from medicines import knowledge


class Command(BaseCommand):
    help = "Validate medicines/data/*.yaml (or --data-dir) and report its version and size."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(knowledge.default_data_dir()))

    def handle(self, *args, data_dir, **options):
        try:
            snap = knowledge.load(data_dir)
        except knowledge.KnowledgeError as error:
            raise CommandError(f"Knowledge base not loaded: {error}") from None
        counts = {
            "ingredients": len(snap.ingredients),
            "products": len(snap.products),
            "not covered": len(snap.not_covered),
            "references": len(snap.references),
            "rules": len(snap.rules) + len(snap.duplicate_rules) + len(snap.cumulative_rules),
        }
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Knowledge base {snap.version} loaded: {summary}.")
