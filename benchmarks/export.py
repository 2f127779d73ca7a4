"""How long a briefing export takes: every catalog layer, A4 landscape, 300 dpi (target ≤ 5 s).

    python -m benchmarks.export [REPEATS]

The first export of a process also reads the layers and the font; it is
reported apart (``cold_s``).  The target applies to the median of later ones,
which is what a user waits for on the briefing page.
"""

from __future__ import annotations

import statistics
import sys
import time

from layers import export
from layers.io.catalog import load_catalog

TARGET_S = 5.0
TITLE = "株洲市“十四五”发展空间布局（基准测试）"


def _timed(layer_ids: list[str], fmt: str) -> tuple[float, int]:
    start = time.perf_counter()
    data = export.render(layer_ids, "city", TITLE, "全部图层", "a4-landscape", 300, fmt)
    return time.perf_counter() - start, len(data)


def measure_export(repeats: int = 3) -> dict:
    """Median seconds of an all-layers A4 landscape 300 dpi export, as PNG and as PDF."""
    layer_ids = load_catalog().ids()
    cold, _ = _timed(layer_ids, "png")
    png = [_timed(layer_ids, "png") for _ in range(repeats)]
    pdf = [_timed(layer_ids, "pdf") for _ in range(repeats)]
    return {
        "layers": len(layer_ids),
        "pixels": export.PAPERS["a4-landscape"].pixels(300),
        "repeats": repeats,
        "cold_s": round(cold, 3),
        "png_median_s": round(statistics.median(t for t, _ in png), 3),
        "pdf_median_s": round(statistics.median(t for t, _ in pdf), 3),
        "png_bytes": png[-1][1],
        "pdf_bytes": pdf[-1][1],
        "target_s": TARGET_S,
    }


def main() -> int:
    result = measure_export(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    width, height = result["pixels"]
    print(f"全部 {result['layers']} 个图层，A4 横向 300 dpi（{width}×{height} px），重复 {result['repeats']} 次")
    print(f"  首次（含读取图层与字体）: {result['cold_s']:.2f} s")
    print(f"  PNG 中位数: {result['png_median_s']:.2f} s（{result['png_bytes'] / 1e6:.1f} MB）")
    print(f"  PDF 中位数: {result['pdf_median_s']:.2f} s（{result['pdf_bytes'] / 1e6:.1f} MB）")
    slowest = max(result["png_median_s"], result["pdf_median_s"])
    print(f"  目标 ≤ {TARGET_S:.0f} s: {'达到' if slowest <= TARGET_S else '未达到'}")
    return 0 if slowest <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
