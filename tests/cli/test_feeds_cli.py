"""`liaison feed ...` end to end on one node against a real TAXII server (medallion):
add, list, pull, remove; bad input exits 2 naming the field; no traceback."""

from __future__ import annotations

import orjson

from tests.cli.test_agreements_cli import said
from tests.cli.test_cli import liaison
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, feed_server
from tests.interop.misp_events import smuggling_network, to_stix

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"


def test_feed_add_list_pull_remove(env: dict[str, str]) -> None:
    env = {**env, "LIAISON_FEED_ALLOW_HTTP": "true", SECRET: PASSWORD}
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    with feed_server() as server:
        server.publish(to_stix(smuggling_network()))
        add = ["feed", "add", "community", "--api-root", server.api_root]
        code, out = liaison(env, "admin", *add, "--collection", COLLECTION, "--auth", "basic")
        assert code == 2 and "secret_env: the name of an environment variable" in said(out)
        assert "Traceback" not in out
        code, out = liaison(
            env, "admin", *add, "--collection", COLLECTION, "--auth", "basic",
            "--username", USER, "--secret-env", SECRET, "--markings", '{"tlp": "AMBER"}',
            "--evaluation", '{"scheme": "admiralty", "source": "B", "information": "2"}',
        )  # fmt: skip
        assert code == 0, out
        assert f"feed community: {server.collection_url}" in said(out)
        code, out = liaison(env, "admin", "feed", "pull", "community", "--json")
        assert code == 0, out
        report = orjson.loads(out)
        assert report["complete"] is True and report["counts"]["objects"] == 19
        assert report["cursor_after"] is not None
        code, out = liaison(env, "admin", "feed", "pull", "community")
        assert code == 0 and "0 object(s)" in said(out) and "up to date" in said(out)
    code, out = liaison(env, "admin", "feed", "list", "--json")
    assert code == 0
    (feed,) = orjson.loads(out)
    assert feed["markings"]["tlp"] == "AMBER" and feed["secret_env"] == SECRET
    assert PASSWORD not in out
    assert feed["cursor"] == report["cursor_after"] and feed["last_error"] is None
    code, out = liaison(env, "admin", "feed", "list")
    assert code == 0 and "community" in out
    code, out = liaison(env, "admin", "feed", "remove", "community")
    assert code == 0 and "feed community removed" in said(out)
    code, out = liaison(env, "admin", "feed", "pull", "community")
    assert code == 1 and "no feed 'community'" in said(out)
