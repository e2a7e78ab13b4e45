"""Spiders: fetch pages and follow links; they hand pages to the pipelines and decide nothing else."""
