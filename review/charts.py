"""A small server-rendered SVG bar chart: no script, no style attribute (strict CSP)."""

from dataclasses import dataclass

# (label, lowest day, highest day) of days from service to signature.
DAY_BUCKETS = [
    ("Same day", None, 0),
    ("1 day", 1, 1),
    ("2", 2, 2),
    ("3", 3, 3),
    ("4–7", 4, 7),
    ("8–14", 8, 14),
    ("15–30", 15, 30),
    ("> 30", 31, None),
]
WIDTH, HEIGHT, TOP, BOTTOM = 560, 180, 22, 30


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


def days_histogram(histogram: dict[int, int]) -> dict:
    counts = []
    for label, low, high in DAY_BUCKETS:
        count = sum(
            n
            for days, n in histogram.items()
            if (low is None or days >= low) and (high is None or days <= high)
        )
        counts.append((label, count))
    total = sum(count for _, count in counts)
    peak = max((count for _, count in counts), default=0) or 1
    slot = WIDTH / len(counts)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (label, count) in enumerate(counts):
        height = plot * count / peak
        bars.append(
            Bar(
                label=label,
                count=count,
                percent=round(count * 100 / total) if total else 0,
                x=round(index * slot + slot * 0.15, 1),
                y=round(TOP + plot - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return {
        "bars": bars,
        "total": total,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 18,
    }
