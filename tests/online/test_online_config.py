"""[online] in config.toml: the issue's keys, defaults, and bad values reported."""

from __future__ import annotations

from reviewer.cli import main
from reviewer.config import load


def test_defaults_are_the_services_and_their_documented_pace(tmp_path):
    settings, problems = load(tmp_path / "none.toml")
    services = settings.online.services
    assert problems == []
    assert (services["arxiv"].url, services["arxiv"].interval) == (
        "https://export.arxiv.org", 3.0)
    assert services["hf"].interval == 0.6 and services["s2"].interval == 1.0
    assert services["crossref"].url == "https://api.crossref.org"


def test_the_issues_config_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[online]\nemail = "me@example.org"\ns2_api_key = "abc"\n'
                    '[online.hf]\nurl = "http://127.0.0.1:9/hf/"\ninterval = 0\n'
                    '[online.crossref]\ninterval = 0.25\n', encoding="utf-8")
    settings, problems = load(path)
    assert problems == []
    online = settings.online
    assert (online.email, online.s2_api_key) == ("me@example.org", "abc")
    assert online.services["hf"].url == "http://127.0.0.1:9/hf"
    assert online.services["hf"].interval == 0.0
    assert online.services["crossref"].interval == 0.25
    assert online.services["arxiv"].interval == 3.0


def test_bad_values_are_reported_and_the_defaults_kept(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[online]\nemail = 3\nmystery = 1\n[online.arxiv]\ninterval = -1\n'
                    'url = "ftp://x"\n[online.s2]\ntimeout = 2\n', encoding="utf-8")
    settings, problems = load(path)
    text = "\n".join(problems)
    assert "online.email must be text" in text and "unknown setting online.mystery" in text
    assert "online.arxiv.interval" in text and "online.arxiv.url" in text
    assert "unknown setting online.s2.timeout" in text
    assert settings.online.services["arxiv"].interval == 3.0


def test_config_show_prints_the_online_defaults_and_hides_the_key(capsys, tmp_path,
                                                                 monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[online]\ns2_api_key = "secret"\n', encoding="utf-8")
    monkeypatch.setenv("REVIEWER_CONFIG", str(path))
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "[online.arxiv]" in out and 'url = "https://export.arxiv.org"' in out
    assert "interval = 3.0" in out and "secret" not in out
