"""The knowledge base: YAML files validated into an immutable in-memory snapshot.

Everything the engine and the resolver need is read from `medicines/data/` once per process
into frozen dataclasses. Plain Python only: no ORM, no request, no template.

    vocabulary.py  the words the files may use (severities, mechanisms, classes, properties)
    models.py      the frozen dataclasses and the Snapshot
    schema.py      the shape of each entry; errors name the file, the entry and the field
    loading.py     reading the folder, the cross-checks, load(), snapshot(), data_version()
    names.py       normalise_name: how two names are compared

Callers use `from medicines import knowledge` and the names below.
"""

from medicines.knowledge.loading import (
    DATA_DIR,
    data_files,
    data_version,
    default_data_dir,
    load,
    reset,
    snapshot,
    use_data_dir,
)
from medicines.knowledge.models import (
    Advice,
    CumulativeRule,
    DrugClass,
    DuplicateRule,
    Ingredient,
    NotCovered,
    Product,
    Reference,
    Rule,
    Selector,
    Snapshot,
    Texts,
)
from medicines.knowledge.names import normalise_name
from medicines.knowledge.schema import KnowledgeError
from medicines.knowledge.vocabulary import (
    CLASSES,
    MECHANISMS,
    MULTI_VALUED,
    PROPERTIES,
    SEVERITIES,
    SEVERITY_RANK,
)

__all__ = [
    "CLASSES", "DATA_DIR", "MECHANISMS", "MULTI_VALUED", "PROPERTIES", "SEVERITIES",
    "SEVERITY_RANK", "Advice", "CumulativeRule", "DrugClass", "DuplicateRule", "Ingredient",
    "KnowledgeError", "NotCovered", "Product", "Reference", "Rule", "Selector", "Snapshot",
    "Texts", "data_files", "data_version", "default_data_dir", "load", "normalise_name",
    "reset", "snapshot", "use_data_dir",
]  # fmt: skip
