"""The build's notion of "now", the one place that reads the clock.

Honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), so that rebuilding an
old commit decides "is this post in the future?" the same way every time.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc)
