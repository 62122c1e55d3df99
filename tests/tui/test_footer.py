"""The footer: rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from reviewer.tui.widgets.footer import Footer

from .conftest import SIZE


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(Footer).query(FooterKey))


async def test_bindings_refreshed_without_change_keep_the_footer(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = footer_keys(app)
        assert "star" in [key.action for key in before]
        app.screen.refresh_bindings()
        app.screen.refresh_bindings()
        await pilot.pause()
        after = footer_keys(app)
        assert after and all(a is b for a, b in zip(before, after, strict=True))


async def test_a_remapped_key_shows_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [k.key_display for k in footer_keys(app) if k.action == "star"] == ["s"]
        app.set_keymap({"star": "S"})
        await pilot.pause()
        assert [k.key_display for k in footer_keys(app) if k.action == "star"] == ["S"]


async def test_other_keys_show_while_searching(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        triage = [key.action for key in footer_keys(app)]
        await pilot.press("slash")
        await pilot.pause()
        searching = [key.action for key in footer_keys(app)]
        await pilot.press("escape")
        await pilot.pause()
        assert searching != triage
        assert [key.action for key in footer_keys(app)] == triage


async def test_on_80_columns_every_key_fits_help_and_quit_included(make_app):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "command_palette" in [key.action for key in footer_keys(app)]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        keys = footer_keys(app)
        assert {"help", "app.quit", "star", "search"} <= {key.action for key in keys}
        assert "command_palette" not in [key.action for key in keys]
        assert all(key.region.width and key.region.right <= 80 for key in keys)


async def test_a_dialog_shows_its_own_keys_over_the_lists(make_app):
    """Behind a dialog the list's footer offered keys that do nothing there."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, expected in (("f", {"apply", "cancel", "clear"}), ("question_mark", {"close"}),
                              ("t", {"cancel"}), ("n", {"close"})):
            await pilot.press(key)
            await pilot.pause()
            footer = app.screen.query_one(Footer)
            assert footer.region.bottom == SIZE[1], key  # over the list's footer
            actions = {k.action for k in footer.query(FooterKey)}
            assert expected <= actions and "star" not in actions, key
            await pilot.press("escape")
            await pilot.pause()
        assert "star" in [k.action for k in footer_keys(app)]
