"""Benchmark settings (bench/run): production settings plus one bare view, the ceiling of the stack.

``/_bench/bare/`` renders a static template through the same middleware as every page, so
bench/run can express each page's throughput as a share of what this stack can do at most. It
exists only in this module: production settings never route to it.
"""

from .production import *  # noqa: F401,F403
from .production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "koffietafel.bench_urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]

# bench/run measures throughput: the API's abuse limit (300 requests a minute) would turn it into 429s.
KOFFIETAFEL_RATE_LIMITS = {**KOFFIETAFEL_RATE_LIMITS, "api": None}  # noqa: F405
