"""The words the knowledge base may use: severities, mechanisms, drug classes, and the
mechanism properties of an ingredient with the values each may take."""

import re

SEVERITIES = ("contraindicated", "major", "moderate", "minor")
SEVERITY_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # higher = worse

MECHANISMS = (
    "serotonin-toxicity",
    "hypertensive-crisis",
    "cns-depression",
    "seizure-threshold",
    "qt-prolongation",
    "cyp2d6-inhibition",
    "cyp3a4-inhibition",
    "cyp3a4-induction",
    "opioid-blockade",
    "opioid-withdrawal",
    "bleeding",
    "lithium-levels",
    "liver-damage",
    "duplicate-therapy",
    "duplicate-ingredient",
    "lowered-tolerance",
    "pgp-inhibition",
    "pgp-induction",
    "enzyme-induction",
    "lithium-neurotoxicity",
    "alcohol-reaction",
    "reduced-effect",
    "anticonvulsant-levels",
    "stimulant-stacking",
    "dopamine-blockade",
)

CLASSES = (
    "antidepressant", "ssri", "snri", "tricyclic", "maoi", "atypical-antidepressant",
    "mood-stabilizer", "herbal", "opioid", "opioid-antagonist", "opioid-use-disorder-treatment",
    "cough-suppressant", "antidiarrheal", "benzodiazepine", "z-drug", "sleep-medicine",
    "barbiturate", "gabapentinoid", "muscle-relaxant", "antihistamine", "triptan", "antiemetic",
    "nsaid", "analgesic", "anticoagulant", "antiplatelet", "stimulant", "decongestant",
    "antipsychotic", "anxiolytic", "blood-pressure", "antibiotic", "antifungal", "anticonvulsant",
    "antiparkinson", "recreational", "alcohol", "cannabinoid", "anesthetic", "expectorant",
    "veterinary-sedative",
)  # fmt: skip

# Mechanism properties of an ingredient and the values each may take. `True` marks a flag.
PROPERTIES: dict[str, frozenset] = {
    "serotonergic": frozenset({"strong", "weak"}),
    "mao_inhibitor": frozenset({"nonselective", "reversible-a", "selective-b"}),
    "sympathomimetic": frozenset({True}),
    "cns_depressant": frozenset({"strong", "moderate"}),
    "opioid": frozenset({"agonist", "partial-agonist", "antagonist"}),
    "antagonist_use": frozenset({"full", "low-dose", "reversal"}),
    "seizure_risk": frozenset({"strong", "weak"}),
    "qt_risk": frozenset({"known", "possible"}),
    "cyp2d6_inhibitor": frozenset({"strong", "moderate"}),
    "cyp2d6_prodrug": frozenset({True}),
    "cyp2d6_substrate": frozenset({True}),
    "cyp3a4_inhibitor": frozenset({"strong", "moderate"}),
    "cyp3a4_inducer": frozenset({"strong", "moderate"}),
    "cyp3a4_substrate": frozenset({True}),
    # What the substrate's own label says with a strong / moderate CYP3A4 inhibitor, where it
    # says more than the default rules (lemborexant: avoid even with moderate inhibitors).
    "cyp3a4_with_strong": frozenset({"contraindicated", "major"}),
    "cyp3a4_with_moderate": frozenset({"major", "moderate"}),
    "pgp_substrate": frozenset({True}),
    "pgp_inhibitor": frozenset({True}),
    "pgp_inducer": frozenset({True}),
    "lowered_by_inducers": frozenset({True}),
    "lithium_neurotoxic": frozenset({True}),
    "disulfiram_like": frozenset({True}),
    "raises_anticonvulsants": frozenset({True}),
    "bleeding": frozenset({"serotonergic", "nsaid", "antiplatelet", "anticoagulant"}),
    "raises_lithium": frozenset({True}),
    "hepatotoxic": frozenset({True}),
    "dopamine_blocker": frozenset({True}),
    "dopaminergic": frozenset({True}),
    "five_ht3_blocker": frozenset({True}),
}
# Properties that may hold several values at once (aspirin: nsaid and antiplatelet).
MULTI_VALUED = frozenset({"bleeding", "opioid"})

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_]+)\}")
PLACEHOLDERS = frozenset({"a", "b", "A", "B", "class"})

# Selector keys besides the properties.
SELECTOR_KEYS = frozenset({"slug", "not_slug", "class", "not_class", "stopped"}) | frozenset(
    PROPERTIES
)
