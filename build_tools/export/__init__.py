"""Exports of the edition for other tools: citations (CSL-JSON, BibTeX, RIS, rendered styles)."""
