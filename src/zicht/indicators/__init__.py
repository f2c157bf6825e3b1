"""The indicator catalog (catalog.yml) and the statistics that compare a region with Nederland."""

from zicht.indicators.catalog import Catalog, Indicator, load_catalog

__all__ = ["Catalog", "Indicator", "load_catalog"]
