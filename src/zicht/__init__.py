"""Zicht: an open data warehouse for an information position on ondermijning and liveability."""
