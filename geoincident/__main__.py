"""``python -m geoincident`` runs the command-line interface."""

from geoincident.cli import main

raise SystemExit(main())
