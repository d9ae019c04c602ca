"""Runs Brayns' own python/testapi/core suite (unchanged) and measures pixels.

The suite's image check compares only file lengths, so this runner wraps
testapi.render.validate_from_file to keep every image a test renders, lets the
suite's check run as usual, and afterwards compares the images of passing tests
with their reference files: mean absolute difference over the RGBA channels,
0-255. Usage: python3 brayns-testapi-runner.py <brayns>/python/testapi/core [out.json]
"""

import json
import os
import sys
import unittest
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

import testapi.render as render

captured: dict[str, list[tuple[Path, bytes]]] = {}
current: list[str] = [""]
suite_check = render.validate_from_file


def keep_and_check(test: bytes, ref: Path, threshold: float = render.DEFAULT_THRESHOLD) -> None:
    captured.setdefault(current[0], []).append((Path(ref), test))
    suite_check(test, ref, threshold)


render.validate_from_file = keep_and_check


class Recorder(unittest.TextTestResult):
    def startTest(self, test: unittest.TestCase) -> None:
        current[0] = test.id()
        super().startTest(test)


def mad(test: bytes, ref: Path) -> float | None:
    # Only images Pillow reads are compared: g-buffer exports are EXR files, and some references
    # (export.exr) are absent from checkouts that do not fetch large files.
    try:
        a = Image.open(BytesIO(test)).convert("RGBA")
        b = Image.open(ref).convert("RGBA")
    except (OSError, ValueError):
        return None
    if a.size != b.size:
        return None
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    return float(diff.mean())


def main() -> int:
    folder = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    # TESTAPI_PATTERN narrows the run to some files while working on one area (default: all).
    pattern = os.environ.get("TESTAPI_PATTERN", "test*.py")
    suite = unittest.defaultTestLoader.discover(str(folder), pattern=pattern, top_level_dir=str(folder.parent.parent))
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=2, stream=sys.stderr)
    result = runner.run(suite)
    failed = {t.id() for t, _ in result.failures + result.errors}
    failed |= {t.id() for t, _ in result.skipped}
    total = result.testsRun
    passed = total - len(failed)
    images = []
    others = []
    save = os.environ.get("TESTAPI_SAVE")
    for test_id, shots in sorted(captured.items()):
        for ref, data in shots:
            entry = {"test": test_id, "reference": ref.name, "mad": mad(data, ref)}
            (others if test_id in failed else images).append(entry)
            if save:
                Path(save).mkdir(parents=True, exist_ok=True)
                (Path(save) / ref.name).write_bytes(data)
    values = sorted(i["mad"] for i in images if i["mad"] is not None)
    median = None
    if values:
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    report = {"tests": total, "passed": passed, "images": images, "median_mad": median, "images_of_failed_tests": others}
    for i in others:
        print(f"  (failed test) {'-' if i['mad'] is None else round(i['mad'], 2):>6}  {i['reference']}  ({i['test']})")
    for i in images:
        print(f"  {'-' if i['mad'] is None else round(i['mad'], 2):>6}  {i['reference']}  ({i['test']})")
    print(f"passed {passed} of {total} tests; median MAD {median if median is None else round(median, 2)} over {len(values)} images")
    if out is not None:
        out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
