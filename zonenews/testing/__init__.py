"""Tooling that judges the product rather than being part of it: gold corpora and their scores."""
