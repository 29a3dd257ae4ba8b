"""`python -m syndicate` runs the command line."""

from syndicate.cli import main

main()
