"""Render one PDF report in a fresh process and print "<milliseconds> <peak RSS in MB> <CPU milliseconds>" (for
bench/run.py). CPU time moves less than wall time on a shared machine."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from partnerships.models import Partnership  # noqa: E402
from reports import pdf, selectors  # noqa: E402


def main() -> None:
    kind = sys.argv[1]
    start, start_cpu = time.perf_counter(), time.process_time()
    if kind == "partnership":
        partnership = Partnership.objects.get(pk=int(sys.argv[2]))
        body = pdf.partnership_report_pdf(selectors.partnership_report(partnership, int(sys.argv[3])))
    else:
        body = pdf.portfolio_report_pdf(selectors.portfolio_report(int(sys.argv[2])))
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - start_cpu) * 1000
    assert body.startswith(b"%PDF")
    print(f"{elapsed:.1f} {own_peak_mb():.1f} {cpu:.1f}")


def own_peak_mb() -> float:
    """This process's own high-water mark. ru_maxrss survives exec, so a child forked from the large
    benchmark process would report the parent's size; VmHWM is this process's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
