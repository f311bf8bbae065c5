"""Time drawing one round's dartboard with 200 respondents' marks, as SVG and as PNG.

Run from the project root: python bench/bench_charts.py [--repeat 20] [--respondents 200]
Prints the median and 95th percentile in milliseconds for each format.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.charts import dartboard  # noqa: E402

LABELS = [
    "Need for partnership",
    "Clarity and realism of purpose",
    "Commitment and ownership",
    "Trust",
    "Clear and robust arrangements",
    "Monitor, measure and learn",
]
# The PAT's rings, as its read model (InstrumentStructure.ring_limits) gives them.
RINGS = (6, 12, 18, 24)


def round_of(respondents: int, seed: int = 4) -> tuple[list[float], list[list[int]]]:
    """Return (means, marks) for a plausible round: each principle's scores spread around its own centre."""
    rng = random.Random(seed)
    centres = [19.5, 18.2, 17.0, 20.1, 16.4, 18.8]
    marks = [[max(6, min(24, round(rng.gauss(c, 3)))) for _ in range(respondents)] for c in centres]
    return [sum(m) / len(m) for m in marks], marks


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values`` (fraction 0.95 = p95)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def time_format(fmt: str, repeat: int, means: list[float], marks: list[list[int]]) -> list[float]:
    """Return the wall time in milliseconds of each of ``repeat`` drawings (after one warm-up)."""
    outline = [m - 1.5 for m in means]
    dartboard(means, LABELS, limits=RINGS, marks=marks, outline=outline, title="Warm-up", fmt=fmt)  # type: ignore[arg-type]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        dartboard(means, LABELS, limits=RINGS, marks=marks, outline=outline, title="Round 2", fmt=fmt)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--respondents", type=int, default=200)
    args = parser.parse_args()
    means, marks = round_of(args.respondents)
    print(f"dartboard, {args.respondents} respondents, {args.repeat} repeats (after one warm-up)")
    for fmt in ("svg", "png"):
        times = time_format(fmt, args.repeat, means, marks)
        print(f"  {fmt}: median {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms")


if __name__ == "__main__":
    main()
