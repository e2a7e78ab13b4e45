"""The bundled offline demo zone site (demo/site), served on a free loopback port."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from zonenews.devserver import StaticSite


def demo_site_root() -> Path:
    return Path(str(resources.files("zonenews").joinpath("demo/site")))


def serve_demo_site() -> StaticSite:
    """A started StaticSite for the demo; use it as a context manager to stop it."""
    return StaticSite(demo_site_root()).start()
