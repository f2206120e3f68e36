"""Admin CLI for ingestion: ``python ingest.py PATH|URL...`` is ``vnpos ingest``."""

import sys

from bot.cli import main

if __name__ == "__main__":
    main(["ingest", *sys.argv[1:]])
