"""Every declared command reaches a method: a typo in an action name would otherwise make
its key, footer entry and palette entry do nothing, silently."""

from __future__ import annotations

import inspect

import pytest
from textual.actions import parse

from reviewer.tui.app import ReviewerApp
from reviewer.tui.declarations import MAIN, OUTLINE
from reviewer.tui.screens.main import MainScreen
from reviewer.tui.screens.outline import OutlineScreen


@pytest.mark.parametrize("screen, command", [(MainScreen, c) for c in MAIN]
                         + [(OutlineScreen, c) for c in OUTLINE],
                         ids=lambda value: getattr(value, "id", getattr(value, "__name__", "")))
def test_every_declared_action_resolves_to_a_method(screen, command):
    namespace, name, params = parse(command.action)
    owner = {"": screen, "app": ReviewerApp, "screen": screen}[namespace]
    method = getattr(owner, f"action_{name}", None)
    assert callable(method), f"{command.id}: no action_{name} on {owner.__name__}"
    # The declared arguments fit the method's signature.
    inspect.signature(method).bind(None, *params)


def test_the_check_catches_a_missing_action():
    _, name, _ = parse("no_such_action(1)")
    assert getattr(MainScreen, f"action_{name}", None) is None
