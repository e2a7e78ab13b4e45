"""zonenews: crawl China's high-tech and development zone news sites into clean JSON Lines.

The data path, one package per step:
spiders (fetch, follow) -> extract (HTML to raw fields) -> clean (boilerplate, in-page
duplicates, normalising) -> dedup (across pages and runs) -> export (JSON Lines).
"""

__version__ = "0.1.0"
