"""Dedup: the same article at several URLs, on several sites, or in an earlier run."""
