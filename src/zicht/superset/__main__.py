"""`python -m zicht.superset setup|start|stop|credentials` for the Makefile and the CLI."""

from __future__ import annotations

import argparse
import logging

from zicht.superset import print_credentials, setup_superset, start_superset, stop_superset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zicht.superset", description=__doc__)
    parser.add_argument("action", choices=["setup", "start", "stop", "credentials"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    if args.action == "setup":
        for step, seconds in setup_superset().items():
            print(f"{step:<14} {seconds:6.1f} s")
        print_credentials()
    elif args.action == "start":
        print(f"started in {start_superset():.1f} s")
        print_credentials()
    elif args.action == "stop":
        print("stopped" if stop_superset() else "was not running")
    else:
        print_credentials()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
