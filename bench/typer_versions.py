"""Why Typer is pinned below 0.29: a one-command Typer app, timed on each version.

    python bench/typer_versions.py [0.28.0 0.29.2]

Creates a virtual environment per version under bench/out/ (pip installs from the package
index), runs the same tiny command in each 15 times, and prints the medians and whether
pydantic was imported.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
APP = '''
from typing import Annotated
import sys
import typer
app = typer.Typer()
@app.command()
def hello(name: Annotated[str, typer.Option("--name")] = "x") -> None:
    print(name, "pydantic" in sys.modules)
app()
'''


def environment(version: str) -> Path:
    folder = OUT / f"typer-{version}"
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"typer=={version}"],
                       check=True)
    return python


def main() -> None:
    versions = sys.argv[1:] or ["0.28.0", "0.29.2"]
    OUT.mkdir(exist_ok=True)
    script = OUT / "tiny_typer_app.py"
    script.write_text(APP, encoding="utf-8")
    for version in versions:
        python = environment(version)
        timings = []
        output = ""
        for _ in range(15):
            started = time.perf_counter()
            done = subprocess.run([str(python), str(script), "--name", "a"],
                                  capture_output=True, text=True, check=True)
            timings.append(time.perf_counter() - started)
            output = done.stdout.split()[-1]
        print(f"typer {version}: {statistics.median(timings) * 1000:.1f} ms a command "
              f"(median of 15), pydantic imported: {output}")


if __name__ == "__main__":
    main()
