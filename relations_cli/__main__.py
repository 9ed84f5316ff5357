"""`python -m relations_cli` runs the same program as the `relations` script."""

import sys

try:
    from relations_cli._entry import defer_unused_modules

    defer_unused_modules()  # as the console script does: see _entry.py
    from relations_cli.cli import main
except KeyboardInterrupt:  # Ctrl-C while the program is still loading: no traceback
    sys.exit(130)

main()
