"""``playground models --refresh``: fetch, validate and cache the model database (issue 17 item 1).

A loopback :class:`ReplayServer` plays models.dev's ``api.json``: a good answer, a 304 for the
ETag of the last one, invalid documents, no server at all, and a stale cached copy. The
packaged catalog must stay the fallback whatever happens, and nothing is fetched unless asked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.catalog import load_catalog
from playground.catalog import refresh as refresh_module
from playground.catalog.catalog import catalog_source, forget_loaded_catalogs
from playground.catalog.refresh import cache_path
from playground.cli import main
from tests.adapters.replay import ReplayServer, Reply


def _record(name: str, **extra: object) -> dict[str, object]:
    return {
        "name": name,
        "tool_call": True,
        "reasoning": False,
        "modalities": {"input": ["text", "image"], "output": ["text"]},
        "limit": {"context": 100_000, "output": 8_000},
        "cost": {"input": 1.0, "output": 2.0},
        **extra,
    }


API = {
    "openai": {
        "id": "openai",
        "models": {
            "gpt-4o": _record("GPT-4o"),
            "gpt-brand-new": _record(
                "GPT Brand New",
                reasoning=True,
                reasoning_options=[{"type": "effort", "values": ["low", "high"]}],
            ),
            "text-embedding-9": _record(
                "Embedding", modalities={"input": ["text"], "output": ["embedding"]}
            ),
        },
    },
    "anthropic": {"models": {"claude-sonnet-4-5": _record("Claude Sonnet 4.5", reasoning=True)}},
    "google": {"models": {"gemini-2.5-flash": _record("Gemini 2.5 Flash")}},
    "some-provider-we-do-not-list": {"models": {"x": _record("X")}},
}


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    server.reset()
    monkeypatch.setenv("PLAYGROUND_CATALOG_URL", f"{server.base_url}/api.json")
    forget_loaded_catalogs()
    yield
    forget_loaded_catalogs()


def _good(etag: str = '"v1"') -> Reply:
    return Reply(
        json.dumps(API).encode(),
        content_type="application/json",
        headers={"etag": etag, "last-modified": "Fri, 04 Dec 2026 20:00:00 GMT"},
    )


def _models(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["models", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_good_refresh_is_cached_and_preferred_over_the_packaged_catalog(server, capsys) -> None:
    assert catalog_source().kind == "packaged"
    packaged_openai = len(load_catalog().models("openai"))
    server.queue(_good())
    code, out, err = _models(capsys, "--refresh")
    assert code == 0, err
    assert out.startswith("playground models: updated: ") and str(cache_path()) in out
    assert server.requests[0].path == "/api.json"
    stored = json.loads(cache_path().read_text())
    assert stored["etag"] == '"v1"' and stored["v"] == 1

    assert catalog_source().kind == "cache"
    catalog = load_catalog()
    assert [m.id for m in catalog.models("openai")] == ["gpt-4o", "gpt-brand-new"]
    assert packaged_openai > 2
    # A provider the document does not list keeps its packaged models.
    assert len(catalog.models("groq")) > 0
    new = catalog.model("openai", "gpt-brand-new")
    assert new.known and new.thinking_options.efforts == ("low", "high")
    # models.dev said nothing about Claude's reasoning options: the packaged ones stay.
    claude = catalog.model("anthropic", "claude-sonnet-4-5")
    assert claude.thinking_options.style == "budget" and claude.prices.input == 1.0

    code, out, _ = _models(capsys, "--provider", "openai")
    assert "gpt-brand-new" in out and "catalog: refreshed copy, 1 min old" in out
    code, out, _ = _models(capsys, "--json")
    rows = json.loads(out)
    assert {r["source"] for r in rows if r["provider"] == "openai"} == {"cache"}
    assert {r["source"] for r in rows if r["provider"] == "sim"} == {"catalog"}


def test_the_next_refresh_sends_the_etag_and_a_304_keeps_the_copy(server, capsys) -> None:
    server.queue(_good('"abc"'), Reply(b"", status=304, content_type="application/json"))
    assert _models(capsys, "--refresh")[0] == 0
    before = json.loads(cache_path().read_text())
    code, out, err = _models(capsys, "--refresh")
    assert code == 0, err
    assert "not modified" in out
    second = server.requests[1]
    assert second.headers["if-none-match"] == '"abc"'
    assert second.headers["if-modified-since"] == "Fri, 04 Dec 2026 20:00:00 GMT"
    after = json.loads(cache_path().read_text())
    assert after["providers"] == before["providers"] and after["fetched_at"] >= before["fetched_at"]


@pytest.mark.parametrize(
    "reply",
    [
        Reply(b"<html>maintenance</html>", content_type="text/html"),
        Reply(json.dumps({"openai": {"models": {}}}).encode(), content_type="application/json"),
        Reply(json.dumps([1, 2, 3]).encode(), content_type="application/json"),
        Reply(b"[" * 100_000 + b"]" * 100_000, content_type="application/json"),
        Reply(b'{"error": "nope"}', status=500, content_type="application/json"),
    ],
    ids=["html", "no-core-providers", "not-an-object", "deep-json", "http-500"],
)
def test_a_bad_answer_changes_nothing(server, capsys, reply: Reply) -> None:
    server.queue(_good())
    assert _models(capsys, "--refresh")[0] == 0
    good = cache_path().read_bytes()
    server.queue(reply)
    code, out, err = _models(capsys, "--refresh")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "refresh failed" in err and "catalog unchanged" in err
    assert cache_path().read_bytes() == good
    forget_loaded_catalogs()
    assert catalog_source().kind == "cache"


def test_offline_is_one_line_and_the_packaged_catalog_stays(capsys, monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_CATALOG_URL", "http://127.0.0.1:9/api.json")
    code, out, err = _models(capsys, "--refresh", "--timeout", "2")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "127.0.0.1:9" in err
    assert not cache_path().exists()
    assert catalog_source().kind == "packaged"
    assert _models(capsys, "--provider", "anthropic")[0] == 0


def test_check_validates_without_storing(server, capsys) -> None:
    server.queue(_good())
    code, out, err = _models(capsys, "--refresh", "--check")
    assert code == 0, err
    assert re.search(
        r"valid: \d+ models from \d+ providers at http://127\.0\.0\.1:\d+/api\.json", out
    )
    assert "not stored" in out
    assert not cache_path().exists()
    assert "if-none-match" not in server.requests[0].headers


def test_a_corrupt_or_foreign_cached_copy_falls_back_to_the_packaged_catalog() -> None:
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for text in (
        "{not json",
        json.dumps({"v": 1, "providers": {"openai": "x"}, "fetched_at": 1e12}),
        json.dumps({"v": 99, "providers": {}, "fetched_at": 1e12}),
    ):
        path.write_text(text)
        forget_loaded_catalogs()
        assert catalog_source().kind == "packaged"
        assert load_catalog().model("anthropic", "claude-sonnet-4-5").known


def test_a_stale_copy_is_used_but_flagged(server, capsys, tmp_path, monkeypatch) -> None:
    server.queue(_good())
    assert _models(capsys, "--refresh")[0] == 0
    document = json.loads(cache_path().read_text())
    document["fetched_at"] = time.time() - 40 * 86_400
    cache_path().write_text(json.dumps(document))
    # A package installed long ago (a copy older than the installed package is ignored).
    old_package = tmp_path / "models.json"
    shutil.copyfile(refresh_module.packaged_path(), old_package)
    os.utime(old_package, (time.time() - 400 * 86_400,) * 2)
    monkeypatch.setattr(refresh_module, "packaged_path", lambda: old_package)
    forget_loaded_catalogs()
    source = catalog_source()
    assert source.kind == "cache" and source.stale
    _code, out, _ = _models(capsys, "--provider", "openai")
    assert "catalog: refreshed copy, 40 days old (stale: run 'playground models --refresh')" in out


def test_a_copy_older_than_the_installed_package_is_ignored(server, capsys) -> None:
    server.queue(_good())
    assert _models(capsys, "--refresh")[0] == 0
    document = json.loads(cache_path().read_text())
    document["fetched_at"] = Path(refresh_module.packaged_path()).stat().st_mtime - 60
    cache_path().write_text(json.dumps(document))
    forget_loaded_catalogs()
    assert catalog_source().kind == "packaged"


def test_nothing_is_fetched_unless_asked(server, capsys) -> None:
    assert _models(capsys)[0] == 0
    assert _models(capsys, "--json")[0] == 0
    load_catalog().models()
    assert server.requests == []


def test_the_url_can_come_from_the_config(server, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PLAYGROUND_CATALOG_URL")
    config = tmp_path / "config.toml"
    config.write_text(f'[catalog]\nurl = "{server.base_url}/mirror/api.json"\n')
    server.queue(_good())
    code, _out, err = _models(capsys, "--config", str(config), "--refresh")
    assert code == 0, err
    assert [r.path for r in server.requests] == ["/mirror/api.json"]
