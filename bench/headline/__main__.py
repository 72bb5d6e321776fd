import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from headline import table  # noqa: E402

path = Path(sys.argv[1])
print(table(path) if path.exists() else f"no figures were recorded in {path}")
