"""A deterministic multi-site fixture web of Chinese zone news sites for crawl tests.

``build_fixture_web(dest)`` writes one subdirectory per site (serve them with
``zonenews.devserver.SiteGroup(dest)``) and returns the :class:`Manifest` (also written as
``dest/manifest.json``) that describes the ground truth: which pages are articles and what records
they should give, which are not, robots-disallowed pages, traps, republished groups, redirects,
broken and off-site links. See ``README.md`` in this directory.
"""

from .generator import SEED, build_fixture_web
from .model import Article, Manifest, body_sha

__all__ = ["SEED", "Article", "Manifest", "body_sha", "build_fixture_web"]
