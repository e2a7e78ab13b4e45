"""Build the fixture web and optionally serve it: ``python -m tests.fixtureweb DEST [--serve]``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from zonenews.devserver import SiteGroup

from .generator import SEED, build_fixture_web


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--serve", action="store_true", help="serve the sites on loopback until interrupted")
    args = parser.parse_args()
    manifest = build_fixture_web(args.dest, seed=args.seed)
    print(f"{len(manifest.sites)} sites, {len(manifest.articles)} articles -> {args.dest}")
    if args.serve:
        with SiteGroup(args.dest) as group:
            for name, site in group.sites.items():
                print(f"{name}: {site.base_url}/", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
