"""The published JSON Schema of a record."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def record_schema() -> dict[str, Any]:
    return json.loads(resources.files("zonenews").joinpath("schema/record.schema.json").read_text("utf-8"))
