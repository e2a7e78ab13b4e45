"""What goes wrong before a distributed crawl starts; the command layer turns it into a message."""


class DistributedError(Exception):
    """A distributed crawl cannot start or act as asked (e.g. a reset while workers run)."""


class RedisConfigError(DistributedError):
    """A bad Redis URL or key prefix, a bad option value, or a Redis that cannot be reached."""
