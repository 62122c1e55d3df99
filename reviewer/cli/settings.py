"""``reviewer config ...``: where the config file is."""

from __future__ import annotations

import argparse
from argparse import Namespace

from ..core.locations import config_file
from .common import say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    config = sub.add_parser("config", help="the config file (theme, keys, behaviour)")
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("path", help="print where the config file is (or would be)")
    p.set_defaults(handler=cmd_path)


def cmd_path(ns: Namespace) -> int:
    say(str(config_file()))
    return 0
