"""Executes a notebook with nbclient and writes the executed copy.

Used by notebooks/notebook_test.go (CI) and by hand:

    .venv-notebooks/bin/python notebooks/run_notebook.py notebooks/coalitions.ipynb /tmp/out.ipynb

The kernel is the python3 kernel of the interpreter running this script (the
venv's ipykernel), and it inherits the environment: COALITIONGRAPH_URL,
NEO4J_URI. Cells run with the notebook's directory as working directory.

Exit status: 0 when every cell ran; 1 when a cell failed (its error is
printed, and the partly executed notebook is still written so the failing
output can be read); 2 on bad usage.
"""

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(args.notebook.resolve().parent)}},
    )
    start = time.monotonic()
    status = 0
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        print(f"run_notebook: a cell failed:\n{err}", file=sys.stderr)
        status = 1
    finally:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, args.output)
    print(f"run_notebook: executed {args.notebook} in {time.monotonic() - start:.1f}s -> {args.output}",
          file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
