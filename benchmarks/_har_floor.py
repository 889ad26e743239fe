"""Child process of the replay benchmark: the streaming floor of a HAR replay.

What any streaming replay must do at least: ijson reads the entries one by one and orjson
parses each response body. Nothing is validated.
"""

from __future__ import annotations

import json
import sys
import time

import ijson  # type: ignore[import-untyped,unused-ignore]
import orjson


def main(path: str) -> None:
    count = 0
    start = time.perf_counter()
    with open(path, "rb") as handle:
        for entry in ijson.items(handle, "log.entries.item", use_float=True):
            orjson.loads(entry["response"]["content"]["text"])
            count += 1
    seconds = time.perf_counter() - start
    sys.stdout.write(json.dumps({"parsed": count, "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1])
