"""The `cocreate` console command: Django's management commands under the project's own name.

`cocreate demo`, `cocreate serve`, `cocreate user add …`, `cocreate seed …`, `cocreate worker`, and every
other management command (`cocreate migrate`, `cocreate createcachetable`, …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "cocreate"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
