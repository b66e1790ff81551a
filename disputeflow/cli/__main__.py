"""``python -m disputeflow.cli``."""

import sys

from disputeflow.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
