"""Where things live, relative to the repository root (never the working directory).

``ZZP_GEODATA`` points the app at another data folder (a deployment's own
copy, or a test's deliberately broken one); by default it is ``geodata/``.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = Path(os.environ.get("ZZP_GEODATA") or ROOT / "geodata").resolve()
STATIC = ROOT / "static"
SEED = ROOT.parent / "shared" / "seed" / "000_546095a7c4866ffd.txt"
