"""Locale: what depends on a brief's language (writing direction; label catalogs)."""
