"""Themes, the config file and key remaps: broken ones never crash the app."""

from __future__ import annotations

from reviewer.config import load

from .conftest import SIZE, stored


def write_config(isolated_dirs, text: str):
    path = isolated_dirs / "config" / "reviewer" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_builtin_themes_load_and_dark_is_the_default(make_app):
    app = make_app()
    async with app.run_test(size=SIZE):
        assert app.theme == "reviewer-dark"
        assert {"reviewer-dark", "reviewer-light"} <= set(app.available_themes)


async def test_a_user_theme_and_a_broken_one(make_app, isolated_dirs):
    themes = isolated_dirs / "config" / "reviewer" / "themes"
    themes.mkdir(parents=True)
    (themes / "sepia.toml").write_text('name = "sepia"\nprimary = "#704214"\ndark = false\n')
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "not a colour"\n')
    (themes / "junk.toml").write_text("this is = = not toml")
    write_config(isolated_dirs, 'theme = "sepia"\n')
    app = make_app()
    async with app.run_test(size=SIZE):
        assert app.theme == "sepia"
        assert "broken" not in app.available_themes
        said = " ".join(app.said)
        assert "broken.toml" in said and "junk.toml" in said


async def test_unknown_theme_falls_back_with_a_notice(make_app, isolated_dirs):
    write_config(isolated_dirs, 'theme = "no-such-theme"\n')
    app = make_app()
    async with app.run_test(size=SIZE):
        assert app.theme == "reviewer-dark"
        assert any("no-such-theme" in m for m in app.said)


async def test_broken_config_gives_defaults_and_a_notice(make_app, isolated_dirs):
    write_config(isolated_dirs, "theme = [unclosed\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "reviewer-dark"
        assert any("not valid TOML" in m for m in app.said)
        await pilot.press("s")  # the app works as usual


async def test_theme_choice_is_remembered(make_app, isolated_dirs):
    path = write_config(isolated_dirs, "# my settings\n[keys]\nstar = \"w\"\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "reviewer-light"
        await pilot.pause()
    settings, problems = load(path)
    assert settings.theme == "reviewer-light" and settings.keys == {"star": "w"}
    assert problems == [] and path.read_text().count("# my settings") == 1
    app = make_app()
    async with app.run_test(size=SIZE):
        assert app.theme == "reviewer-light"


async def test_keys_remap_by_binding_id(make_app, review_path, isolated_dirs):
    write_config(isolated_dirs, '[keys]\nstar = "w"\nnot_a_binding = "z"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert not stored(review_path)[1].starred  # s no longer stars
        await pilot.press("w")
        assert stored(review_path)[1].starred
        assert any("not_a_binding" in m for m in app.said)


async def test_a_remap_that_takes_another_bindings_key_says_which_loses(
        make_app, review_path, isolated_dirs, capsys):
    # The README's own example: S was the outline's key, y the copy_key's.
    write_config(isolated_dirs, '[keys]\nstar = "S"\ninclude = "y,i"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        assert stored(review_path)[1].starred  # the remap wins...
        said = " ".join(app.said)
        assert "outline loses it" in said and "copy_key loses it" in said  # ...and says so
    from reviewer.cli import main

    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "# conflict: key 'S' is remapped to star: outline loses it" in out
