"""Write the class-by-class table and the reviewed silence between core classes.

    python manage.py kb_classes [--md docs/kb_classes.md] [--csv docs/kb_classes.csv]
                                [--review docs/KB_REVIEW.md] [--silence docs/kb_silence.yaml]

For every pair of drug classes: the severity range over its ingredient pairs, the rules
behind it and its "none" cells (see medicines/class_table.py). Between two core classes
every none cell needs a reason (or an `open` entry) in docs/kb_silence.yaml; the reasons are
written into the table and into the generated block of docs/KB_REVIEW.md. The command lists
any core none cell without a reason and any entry that no longer matches a none cell.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from medicines import class_table, knowledge


class Command(BaseCommand):
    help = "Write the drug class x drug class table (Markdown, CSV) and the silence review."

    def add_arguments(self, parser):
        docs = Path(settings.BASE_DIR) / "docs"
        parser.add_argument("--md", default=str(docs / "kb_classes.md"))
        parser.add_argument("--csv", default=str(docs / "kb_classes.csv"))
        parser.add_argument(
            "--review",
            default=str(docs / "KB_REVIEW.md"),
            help="the file holding the generated silence block ('' to skip)",
        )
        parser.add_argument("--silence", default=str(class_table.SILENCE_PATH))

    def handle(self, *args, md, csv, review, silence, **options):
        snap = knowledge.snapshot()
        entries = class_table.load_silence(snap, Path(silence))
        Path(md).write_text(class_table.render_markdown(snap, entries), encoding="utf-8")
        Path(csv).write_text(class_table.render_csv(snap), encoding="utf-8")
        if review:
            path = Path(review)
            # Read just before writing: other sections of this file are edited by hand.
            text = path.read_text(encoding="utf-8")
            block = class_table.review_block(snap, entries)
            path.write_text(class_table.replace_review_block(text, block), encoding="utf-8")
        result = class_table.review(snap, entries)
        pairs = class_table.class_pairs(snap)
        self.stdout.write(
            f"Wrote {len(pairs)} class pairs to {md} and {csv}; {len(result.cells)} none cells "
            f"between core classes, {len(result.unexplained)} without a reason."
        )
        for xs, ys, _ in class_table.group_cells(result.unexplained):
            self.stdout.write(f"  no reason: {', '.join(xs)} x {', '.join(ys)}")
        for entry in result.unused:
            self.stdout.write(f"  stale entry (matches no core none cell): {entry.id}")
