"""Data-quality suites, one module per published dataset (CONVENTIONS item 8).

Each module exposes ``build() -> list[Expectation]``; ``SUITES`` maps the dataset name to it, and
``zicht.quality.checkpoint`` runs the suite named after the dataset. Generated GX JSON and Data
Docs are build output under ``data/quality/``, never source.
"""

from __future__ import annotations

from .region_population import build as build_region_population
from .region_shapes import build as build_region_shapes

SUITES = {"region_population": build_region_population, "region_shapes": build_region_shapes}
