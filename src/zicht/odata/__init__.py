"""A local CBS OData v3 feed serving the synthetic Netherlands in CBS's real shape."""

from zicht.odata.filters import ODataQueryError, compile_filter
from zicht.odata.server import DEFAULT_PAGE_SIZE, Fault, ODataServer, serve, serve_forever

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "Fault",
    "ODataQueryError",
    "ODataServer",
    "compile_filter",
    "serve",
    "serve_forever",
]
