"""IIIF Image API speed: time to render typical requests from a large JPEG, a pyramidal TIFF
and a PNG, without the cache (what the first viewer of an image waits for).

Prints the median of --repeat renders for each request; a cached request costs only the read of
a file. No database, no Django: the format code of `exporters.iiif` alone.

    .venv/bin/python bench/iiif.py
    .venv/bin/python bench/iiif.py --repeat 9 path/to/scan.jpg
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exporters import iiif  # noqa: E402

IMAGES = ROOT / "tests" / "data" / "images"
SOURCES = [
    IMAGES / "large-7500px_publicdomainvectors_man-burning-bonfire.jpg",
    IMAGES / "multipage-pyramid_morisot_woman-at-her-toilette.tif",
    IMAGES / "png-alpha_tiepolo_allegory-with-venus-and-time.png",
]
REQUESTS = [
    "full/!400,400/0/default.jpg",  # a thumbnail
    "0,0,512,512/max/0/default.jpg",  # a tile at full resolution
    "full/!1024,1024/0/default.jpg",  # the whole image on a screen
    "full/max/0/default.jpg",  # the largest size served (capped to maxArea)
    "square/!512,512/22.5/gray.png",
]


def median_seconds(source: Path, path: str, repeat: int) -> tuple[float, tuple[int, int]]:
    with iiif.open_source(source) as opened:
        width, height = iiif.oriented_size(opened)
    wanted = iiif.parse_request(*path.split("/"), width=width, height=height)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        iiif.render(source, wanted)
        times.append(time.perf_counter() - start)
    return statistics.median(times), (width, height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, default=SOURCES)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for source in args.sources:
        print(f"\n{source.name}")
        for path in REQUESTS:
            seconds, (width, height) = median_seconds(source, path, args.repeat)
            print(f"  {width}×{height}  {path:<34} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
