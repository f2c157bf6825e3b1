"""Pseudonymisation of identifying values: keyed HMAC-SHA256, so a value maps to the same pseudonym
everywhere (joins keep working) while nobody without the key can reverse or recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from collections.abc import Iterable

KEY_VARIABLE = "ZICHT_PSEUDONYM_KEY"
SHA256_BLOCK_SIZE = 64
# Only for the embedded demo with synthetic data; production refuses to run without its own key.
DEMO_KEY = "zicht-demo-pseudonym-key-not-secret"


class MissingPseudonymKey(RuntimeError):
    pass


def pseudonym_key(environ: dict[str, str] | None = None) -> str:
    """The key from ZICHT_PSEUDONYM_KEY; the demo key outside production (with a notice on stderr)."""
    environ = os.environ if environ is None else environ
    key = environ.get(KEY_VARIABLE, "").strip()
    if key:
        return key
    if environ.get("ZICHT_ENV", "embedded").strip().lower() == "production":
        raise MissingPseudonymKey(
            f"{KEY_VARIABLE} is not set; production refuses to pseudonymise with the demo key"
        )
    print(f"zicht: {KEY_VARIABLE} not set, using the demo pseudonym key {DEMO_KEY!r}", file=sys.stderr)
    return DEMO_KEY


def pseudonymise(value: str | None, key: str) -> str | None:
    """Hex HMAC-SHA256 of the value; None stays None (a missing value is not an identity)."""
    if value is None:
        return None
    if not key:
        raise MissingPseudonymKey("an empty key would make pseudonyms recomputable by anyone")
    return hmac.new(key.encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise_all(values: Iterable[str | None], key: str) -> list[str | None]:
    """`pseudonymise` of every value (a register has millions of keys).

    HMAC (RFC 2104) with the keyed inner and outer hash states computed once and copied per value:
    the same digest as `hmac.new`, about twice as fast.
    """
    if not key:
        raise MissingPseudonymKey("an empty key would make pseudonyms recomputable by anyone")
    secret = key.encode("utf-8")
    if len(secret) > SHA256_BLOCK_SIZE:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(SHA256_BLOCK_SIZE, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in secret))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in secret))

    def one(value: str) -> str:
        digest = inner.copy()
        digest.update(value.encode("utf-8"))
        result = outer.copy()
        result.update(digest.digest())
        return result.hexdigest()

    return [None if value is None else one(str(value)) for value in values]
