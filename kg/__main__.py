"""The ``kg`` command (``python -m kg`` and the console script): the CLI, with Ctrl-C handled from the start.

Importing the CLI takes a moment (spaCy, NetworkX, typer); Ctrl-C meanwhile
exits 130 with one line, as it does later in a build, not with a traceback
from whatever module was being imported.
"""
import sys


def main() -> None:
    """Run the ``kg`` command line."""
    try:
        from kg.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
