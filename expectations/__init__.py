"""Data-quality suites, one module per published dataset (CONVENTIONS item 8).

Each module exposes ``build() -> list[Expectation]``; ``SUITES`` maps the dataset name to it, and
``zicht.quality.checkpoint`` runs the suite named after the dataset. Generated GX JSON and Data
Docs are build output under ``data/quality/``, never source.
"""

from __future__ import annotations

from .indicator_funnel import build as build_indicator_funnel
from .indicator_funnel_limits import build as build_indicator_funnel_limits
from .indicator_values import build as build_indicator_values
from .indicators import build as build_indicators
from .region_population import build as build_region_population
from .region_shapes import build as build_region_shapes
from .signal_map import build as build_signal_map

SUITES = {
    "indicator_funnel": build_indicator_funnel,
    "indicator_funnel_limits": build_indicator_funnel_limits,
    "indicator_values": build_indicator_values,
    "indicators": build_indicators,
    "region_population": build_region_population,
    "region_shapes": build_region_shapes,
    "signal_map": build_signal_map,
}
