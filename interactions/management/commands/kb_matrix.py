"""Write the full ingredient-by-ingredient severity table for review.

    python manage.py kb_matrix [docs/kb_matrix.csv] [--pairs docs/kb_pairs.csv]

Rows and columns are ingredient slugs in knowledge-base order (grouped by file and class).
A cell holds the severity of the pair's finding, or is blank: every blank is a claim that we
know of no interaction, so review blanks as carefully as warnings. The diagonal holds the
severity of taking the same ingredient from two products ("same:major"); exempt
ingredients (naloxone, nalmefene) never produce a finding. --pairs also writes one line per
finding with its title and rules.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from medicines import engine, knowledge


class Command(BaseCommand):
    help = "Write the ingredient x ingredient severity matrix (CSV) for review."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(Path(settings.BASE_DIR) / "docs" / "kb_matrix.csv")
        )
        parser.add_argument("--pairs", help="also write one row per pair finding to this CSV")

    def handle(self, *args, path, pairs, **options):
        snap = knowledge.snapshot()
        table = engine.pair_table(snap)
        slugs = list(snap.ingredients)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["ingredient", *slugs])
            for x in slugs:
                row = [x]
                for y in slugs:
                    if x == y:
                        ingredient = snap.ingredients[x]
                        row.append(
                            ""
                            if snap.is_exempt(ingredient)
                            else f"same:{_duplicate(snap, ingredient)}"
                        )
                        continue
                    finding = table.current.get((min(x, y), max(x, y)))
                    row.append(finding.severity if finding else "")
                writer.writerow(row)
        self.stdout.write(f"Wrote {len(slugs)} x {len(slugs)} matrix to {target}")
        if pairs:
            with Path(pairs).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["a", "b", "severity", "title", "mechanisms", "rules"])
                for (x, y), finding in sorted(table.current.items()):
                    writer.writerow(
                        [
                            x,
                            y,
                            finding.severity,
                            finding.title,
                            " ".join(finding.mechanisms),
                            " ".join(finding.rule_ids),
                        ]
                    )
            self.stdout.write(f"Wrote {len(table.current)} pair findings to {pairs}")


def _duplicate(snap, ingredient):
    finding = engine._duplicate_finding(snap, ingredient.slug, ["one product", "another"])
    return finding.severity if finding else ""
