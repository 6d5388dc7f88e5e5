"""History import (docs/history.md): the JSONL record format, its on-disk ordering and the
import plan. Pure: no Click; the CLI is timctl/cli/import_history.py."""
