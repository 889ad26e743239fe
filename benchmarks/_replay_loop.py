"""Child process of the replay benchmark: validate every line of a capture file.

Each line is ``OPERATION<TAB>STATUS<TAB>BODY`` (bodies are compact JSON: no newlines). One
line is in memory at a time; findings are merged as they come.
"""

from __future__ import annotations

import json
import sys
import time

from zdcontract import DriftValidator
from zdcontract.drift import aggregate


def main(path: str) -> None:
    validator = DriftValidator()
    findings: list = []
    count = 0
    start = time.perf_counter()
    with open(path, "rb") as handle:
        for line in handle:
            operation, status, body = line.rstrip(b"\n").split(b"\t", 2)
            found = validator.validate(body, operation=operation.decode(), status=int(status))
            if found:
                findings = aggregate([*findings, *found])
            count += 1
    seconds = time.perf_counter() - start
    sys.stdout.write(
        json.dumps({"validated": count, "seconds": seconds, "findings": len(findings)})
    )


if __name__ == "__main__":
    main(sys.argv[1])
