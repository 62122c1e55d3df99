"""``reviewer config ...``: where the config file is."""

from __future__ import annotations

import argparse
from argparse import Namespace

from ..core.locations import config_file
from ..core.paths import parse_size, size_text
from .common import say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    config = sub.add_parser("config", help="the config file (theme, keys, behaviour)")
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("path", help="print where the config file is (or would be)")
    p.set_defaults(handler=cmd_path)
    p = actions.add_parser("show", help="the settings in effect and every remappable key")
    p.set_defaults(handler=cmd_show)


def cmd_path(ns: Namespace) -> int:
    say(str(config_file()))
    return 0


def cmd_show(ns: Namespace) -> int:
    from ..config import load
    from ..tui.declarations import MAIN, OUTLINE, keymap_conflicts  # plain data: no Textual

    settings, problems = load()
    path = config_file()
    say(f"# {path}{'' if path.exists() else ' (does not exist yet: these are the defaults)'}")
    for problem in problems:
        say(f"# problem: {problem}")
    for conflict in keymap_conflicts(settings.keys):
        say(f"# conflict: {conflict}")
    say(f'theme = "{settings.theme}"')
    say("")
    say("[behaviour]")
    say(f"advance_after_decision = {'true' if settings.advance_after_decision else 'false'}")
    say(f'editor = "{settings.editor}"')
    say(f'copy_key = "{settings.copy_key}"  # what y copies: "plain" (key) or "pandoc" (@key)')
    say("")
    say("[import]")
    limit = settings.max_import_bytes
    shown = size_text(limit)
    say(f'max_file_size = "{shown}"' if parse_size(shown) == limit else
        f"max_file_size = {limit}")
    say("")
    say("[backups]")
    say(f"keep = {settings.backups}  # automatic backups kept of each review; 0 turns them off")
    say("")
    say("[keys]  # binding id = key(s); remap any of them")
    for command in MAIN + OUTLINE:
        keys = settings.keys.get(command.id, command.keys)
        say(f'{command.id} = "{keys}"{"" if command.id not in settings.keys else "  # remapped"}')
    online = settings.online
    say("")
    say("[online]  # reviewer enrich; nothing goes online unless asked")
    say(f'email = "{online.email}"  # sent to Crossref as mailto')
    say('s2_api_key = "****"  # set; not shown' if online.s2_api_key else 's2_api_key = ""')
    for name, service in online.services.items():
        say(f"[online.{name}]")
        say(f'url = "{service.url}"')
        say(f"interval = {service.interval!r}  # seconds between requests")
    return 0
