"""A deterministic synthetic Netherlands (regions and Kerncijfers per year) generated from a seed."""

from zicht.synth.generate import DEFAULT_YEARS, generate

__all__ = ["DEFAULT_YEARS", "generate"]
