"""`python -m relations_cli` runs the same program as the `relations` script."""

from relations_cli.cli import main

main()
