"""Scrapy settings for zonenews crawls: polite by default, every dimension bounded."""

import os

BOT_NAME = "zonenews"
SPIDER_MODULES = ["zonenews.spiders"]
NEWSPIDER_MODULE = "zonenews.spiders"

# Say who is crawling; set ZONENEWS_USER_AGENT (or USER_AGENT with -s) once for your team.
USER_AGENT = os.environ.get(
    "ZONENEWS_USER_AGENT", "zonenews/0.1 (zone news research crawler; set ZONENEWS_USER_AGENT to add a contact)"
)

ROBOTSTXT_OBEY = True
DOWNLOADER_MIDDLEWARES = {  # see zonenews/middlewares.py for why
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "zonenews.middlewares.SharedRobotsTxtMiddleware": 100,
    "zonenews.middlewares.AllowedHostsMiddleware": 40,   # before OffsiteMiddleware (50) and robots.txt (100)
    "zonenews.middlewares.SafeEncodingMiddleware": 590,  # its process_response runs before MetaRefresh (580)
    "zonenews.middlewares.DownloadSizeMiddleware": 950,  # marks bodies outgrowing DOWNLOAD_MAXSIZE (too_large)
}
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_ITEMS = 8  # the pipelines are synchronous: Scrapy's 100 item tasks per response only cost
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# `zonenews clean` (zonenews/limits.py): DOWNLOAD_MAXSIZE bounds every saved page and archived response
# too (too_large); a WARC record or file inflating past these ends that file with one error line.
ZONENEWS_WARC_MAX_RECORD_BYTES = 512 * 1024 * 1024
ZONENEWS_WARC_MAX_BYTES = 16 * 1024 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 8
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOGSTATS_INTERVAL = 60.0
LOG_LEVEL = "INFO"

# Bounds of the automatic crawl (see zonenews/spiders/zone.py).
ZONENEWS_MAX_PAGES_PER_HOST = 20000
ZONENEWS_MAX_LIST_PAGES = 200
ZONENEWS_MAX_QUERY_VARIANTS = 2000
ZONENEWS_MAX_DEPTH = 6

# Incremental runs: article URLs and content signatures of earlier runs (see zonenews/dedup/state.py).
# Empty string (or ZONENEWS_STATE= in the environment): no state. ZONENEWS_FULL: fetch and emit everything again (the state is still updated).
ZONENEWS_STATE = os.environ.get("ZONENEWS_STATE", "data/state/zonenews.sqlite")
ZONENEWS_FULL = False

# A crawl keeps a page without any publish date only when the page's markup says it is an article;
# `zonenews clean` and `eval` set this (a page handed over by name is an article unless it plainly is not).
ZONENEWS_ALLOW_UNDATED = False
ZONENEWS_STATE_MAX_SIGNATURES = 200_000

# A crawl fails (exit status 3, "problem" in its summary) when no page could be fetched, or when more
# than this share of its requests failed for good (download errors and HTTP 4xx/5xx after retries).
ZONENEWS_MAX_ERROR_SHARE = 0.5
# SQLite page cache of the duplicate index, MB (zonenews/dedup/store.py): its whole memory, at any size.
ZONENEWS_DEDUP_CACHE_MB = 32

# Distributed crawl (see docs/distributed.md; --redis and its options override these).
ZONENEWS_REDIS_URL = None            # redis://HOST:PORT/DB shares the crawl (also $ZONENEWS_REDIS_URL)
ZONENEWS_REDIS_PREFIX = "zone"       # prefix of the crawl's Redis keys: one prefix is one crawl
ZONENEWS_REDIS_IDLE_EXIT = 60.0      # seconds of empty shared frontier before a worker exits; 0 never
ZONENEWS_REDIS_WORKER_TTL = 30.0     # heartbeat lifetime: a worker silent this long is dead
ZONENEWS_REDIS_POLL = 0.5            # how often a worker checks the shared frontier, seconds

ITEM_PIPELINES = {
    "zonenews.pipelines.ExtractPipeline": 100,
    "zonenews.pipelines.CleanPipeline": 200,
    "zonenews.pipelines.DedupPipeline": 300,
    "zonenews.pipelines.ExportPipeline": 800,
}

FEED_EXPORT_ENCODING = "utf-8"
# Scrapy feeds (-o/-O, scrapyd's items file) to local files write through, so a record the state
# counts as written is on disk after a kill (see zonenews/feeds.py); an empty run leaves no file.
FEED_STORAGES = {scheme: "zonenews.feeds.WriteThroughFileFeedStorage" for scheme in ("", "file")}
FEED_STORE_EMPTY = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

EXTENSIONS = {"zonenews.extensions.RunSummary": 500, "zonenews.extensions.RedirectAliases": 510}
