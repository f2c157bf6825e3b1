"""Find the suite of a dataset in the repository's ``expectations/`` package.

``expectations/`` sits at the project root, outside the installed ``zicht`` package, so it is
loaded from its path rather than from ``sys.path``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from zicht.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
PACKAGE_NAME = "expectations"


def load_expectations_package(directory: Path = EXPECTATIONS_DIR) -> ModuleType:
    loaded = sys.modules.get(PACKAGE_NAME)
    if loaded is not None and Path(loaded.__file__).resolve().parent == directory.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location(
        PACKAGE_NAME, directory / "__init__.py", submodule_search_locations=[str(directory)]
    )
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no expectations package in {directory}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE_NAME] = package
    spec.loader.exec_module(package)
    return package


def suite_builder(dataset: str) -> Callable[[], list]:
    """The ``build`` function registered for ``dataset`` in ``expectations.SUITES``."""
    suites = load_expectations_package().SUITES
    if dataset not in suites:
        raise KeyError(f"no data-quality suite for {dataset!r}; known: {sorted(suites)}")
    return suites[dataset]
