"""Where things live, relative to the repository root (never the working directory)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
STATIC = ROOT / "static"
SEED = ROOT.parent / "shared" / "seed" / "000_546095a7c4866ffd.txt"
