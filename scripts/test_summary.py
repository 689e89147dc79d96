"""Read an Odoo test log and print the closing line "N passed, N failed".

Exit status 1 when anything failed, errored, was skipped, when no test ran,
or when Odoo itself exited non-zero (an install error, for instance).
"""

import re
import sys

REPORT = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIPPED = re.compile(r"\bskipped\b", re.IGNORECASE)


def main(log_path, odoo_rc):
    failed = errors = ran = 0
    skipped = []
    seen_report = False
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = REPORT.search(line)
            if match:
                seen_report = True
                failed += int(match.group(1))
                errors += int(match.group(2))
                ran += int(match.group(3))
            elif SKIPPED.search(line):
                skipped.append(line.rstrip())
    bad = failed + errors + len(skipped)
    for line in skipped:
        print(f"counted as a failure (skipped test): {line}")
    if not seen_report:
        print("no test report found in the log: Odoo did not finish loading")
        bad = max(bad, 1)
    elif ran == 0:
        print("no test ran")
        bad = max(bad, 1)
    if odoo_rc != 0 and bad == 0:
        print(f"odoo-bin exited with status {odoo_rc}")
        bad = 1
    passed = max(ran - failed - errors - len(skipped), 0)
    print(f"{passed} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
