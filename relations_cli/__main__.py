"""`python -m relations_cli` runs the same program as the `relations` script."""

import sys

try:
    from relations_cli.cli import main
except KeyboardInterrupt:  # Ctrl-C while the program is still loading: no traceback
    sys.exit(130)

main()
