"""The benchmark's synthetic knowledge loads with the real loader, and KNOWLEDGE_DIR points
the site at it."""

import importlib

import pytest
from django.apps import apps
from django.test import override_settings

synthetic_kb = importlib.import_module("bench.synthetic_kb")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("kb") / "data"
    synthetic_kb.build(260, out, seed=3)
    return out


@pytest.fixture
def knowledge():
    module = synthetic_kb.knowledge_module()
    yield module
    module.use_data_dir(None)
    module.reset()


def test_synthetic_knowledge_is_valid_and_fires_the_same_rules(synthetic, knowledge):
    snap = knowledge.load(synthetic)
    real = knowledge.load(knowledge.DATA_DIR)
    assert len(snap.ingredients) == 260
    clones = [i for slug, i in snap.ingredients.items() if slug not in real.ingredients]
    assert len(clones) == 260 - len(real.ingredients)
    brands = [p for p in snap.products if p.ingredients[0] == clones[0].slug]
    assert 5 <= len(brands) <= 25  # about 13 brand names each
    # A clone keeps its original's properties, so a property rule fires for it too.
    serotonergic = [c for c in clones if "strong" in c.properties.get("serotonergic", ())]
    maoi = [c for c in clones if "nonselective" in c.properties.get("mao_inhibitor", ())]
    assert serotonergic and maoi
    engine = importlib.import_module(knowledge.__name__.rsplit(".", 1)[0] + ".engine")
    finding = engine.pair_finding(snap, serotonergic[0].slug, maoi[0].slug)
    assert finding is not None and finding.severity == "contraindicated"


def test_knowledge_dir_setting_points_the_site_at_another_folder(synthetic, knowledge):
    with override_settings(KNOWLEDGE_DIR=str(synthetic)):
        apps.get_app_config("interactions").ready()
        assert len(knowledge.snapshot().ingredients) == 260
    with override_settings(KNOWLEDGE_DIR=""):
        apps.get_app_config("interactions").ready()
        assert knowledge.snapshot().ingredients.keys() == knowledge.load().ingredients.keys()
