"""Fail when a notebook tracked by git carries stored outputs or execution counts."""

import json
import subprocess
import sys

tracked = subprocess.run(
    ["git", "ls-files", "*.ipynb"], capture_output=True, text=True, check=True
).stdout.split()
dirty = []
for path in tracked:
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
            dirty.append(path)
            break
if dirty:
    print("Notebooks with stored outputs (clear them before committing):", *dirty, sep="\n  ")
    sys.exit(1)
print(f"{len(tracked)} notebooks, none with stored outputs")
