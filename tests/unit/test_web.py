"""The worker's web server serves /metrics, /health and /ready and nothing else (issue 18:
Faust's /table pages showed embargoed bodies). In process, no broker: the app is built and
its aiohttp application is served by aiohttp's test server."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application, Response

from wirestream.config.settings import Settings
from wirestream.streams.pipeline.app import WEB_PATHS, WirestreamApp, served_paths

# Faust's own pages (faust/web/apps/*) and a few guesses: all must be 404.
FAUST_PATHS = ["/", "/router/", "/router/topics", "/router/story-versions/",
               "/router/story-versions/urn:b/", "/table/", "/table/story-versions/",
               "/table/story-versions/urn:b/", "/graph/", "/stats/", "/assignment/",
               "/performance/", "/metrics/", "/favicon.ico", "/static/"]


def _web_app(tmp_path: Path, **settings: object) -> tuple[WirestreamApp, Application]:
    wapp = WirestreamApp(Settings(data_dir=str(tmp_path / "data"), **settings),
                         "kafka://127.0.0.1:1")
    web = wapp.app.web
    web.init_server()  # what the worker does at start: Faust's blueprints, then ours
    return wapp, web.web_app


def test_only_the_own_paths_are_routed(tmp_path):
    _, web_app = _web_app(tmp_path)
    assert served_paths(web_app) == sorted(WEB_PATHS)


def test_faust_environment_variables_change_nothing(tmp_path, monkeypatch):
    # Faust lets these override what an app passes; the app gives Faust no environment.
    for name in ("APP_WEB_TABLES_ENABLED", "APP_WEB_ROUTER_ENABLED", "APP_WEB_STATS_ENABLED",
                 "APP_WEB_GRAPH_ENABLED", "APP_WEB_METRICS_ENABLED", "APP_DEBUG"):
        monkeypatch.setenv(name, "true")
    monkeypatch.setenv("WEB_BIND", "0.0.0.0")
    monkeypatch.setenv("WEB_PORT", "1")
    wapp, web_app = _web_app(tmp_path)
    assert served_paths(web_app) == sorted(WEB_PATHS)
    assert (wapp.app.conf.web_bind, wapp.app.conf.web_port) == ("127.0.0.1", 6066)


def test_bind_address_is_the_loopback_unless_configured(tmp_path):
    assert Settings().metrics_host == "127.0.0.1"
    wapp, _ = _web_app(tmp_path, metrics_host="0.0.0.0", metrics_port=7070)
    assert (wapp.app.conf.web_bind, wapp.app.conf.web_port) == ("0.0.0.0", 7070)


async def test_own_paths_answer_and_every_other_path_is_404(tmp_path):
    _, web_app = _web_app(tmp_path)
    async with TestClient(TestServer(web_app)) as client:
        metrics = await client.get("/metrics")
        assert metrics.status == 200 and "wirestream_" in await metrics.text()
        health = await client.get("/health")
        assert health.status == 200 and await health.json() == {"status": "ok"}
        ready = await client.get("/ready")  # not joined: no broker here
        assert ready.status == 503 and (await ready.json())["ready"] is False
        for path in FAUST_PATHS:
            for method in ("GET", "POST"):
                response = await client.request(method, path)
                assert response.status == 404, (method, path, response.status)


async def test_server_refuses_to_start_with_another_route(tmp_path):
    _, web_app = _web_app(tmp_path)

    async def leak(request: object) -> Response:
        return Response(text="embargoed")

    web_app.router.add_get("/table/", leak)
    with pytest.raises(RuntimeError, match="/table/"):
        async with TestClient(TestServer(web_app)):
            pass
