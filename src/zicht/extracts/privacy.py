"""Pseudonymisation of identifying values: keyed HMAC-SHA256, so a value maps to the same pseudonym
everywhere (joins keep working) while nobody without the key can reverse or recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys

from zicht.errors import ZichtError

KEY_VARIABLE = "ZICHT_PSEUDONYM_KEY"
SHA256_BLOCK_SIZE = 64
# Only for the embedded demo with synthetic data; production refuses to run without its own key.
DEMO_KEY = "zicht-demo-pseudonym-key-not-secret"


class MissingPseudonymKey(ZichtError, RuntimeError):
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


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104): HMAC(K, m) =
    SHA256(outer || SHA256(inner || m)). For computing the same pseudonym where Python is not at
    hand (the dbt plugin's SQL macro); they are as secret as the key."""
    if not key:
        raise MissingPseudonymKey("an empty key would make pseudonyms recomputable by anyone")
    secret = key.encode("utf-8")
    if len(secret) > SHA256_BLOCK_SIZE:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(SHA256_BLOCK_SIZE, b"\0")
    return bytes(byte ^ 0x36 for byte in secret), bytes(byte ^ 0x5C for byte in secret)
