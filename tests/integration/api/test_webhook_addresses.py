"""The secretary may not point a partner's webhook into the server's own network through the
API: registering a partner or setting its webhook with such an address is a 422 naming
`webhook_url`, and the directory is unchanged."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.integration.api.conftest import World

REFUSED = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[::1]:22/",
    "http://127.0.0.1:6379/",
    "http://localhost:5432/",
    "http://10.1.2.3/hooks",
    "http://192.168.0.1/admin",
    "https://partner:hunter2@hooks.example/needs",
    "ftp://hooks.example/needs",
]
PARTNER = {
    "name": "社区卫生服务中心",
    "kind": "hospital",
    "categories": ["worry_relief"],
    "blocks": ["B3"],
    "weekly_capacity": 8,
}


def test_a_webhook_into_the_servers_own_network_is_a_422_naming_webhook_url(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], world: World
) -> None:
    secretary = as_user("secretary")
    hospital = world.partner_ids["hospital"]
    for url in REFUSED:
        registered = client.post(
            "/api/v1/partners", json={**PARTNER, "webhook_url": url}, headers=secretary
        )
        changed = client.post(
            f"/api/v1/partners/{hospital}/webhook", json={"webhook_url": url}, headers=secretary
        )
        for response in (registered, changed):
            assert response.status_code == 422, (url, response.json)
            assert list(response.json["errors"]["json"]) == ["webhook_url"]
            assert "webhook_url" in response.json["message"]
    directory = client.get("/api/v1/partners", headers=secretary).json
    assert directory["total"] == len(world.partner_ids)
    assert all(p["webhook_url"] is None and p["version"] == 1 for p in directory["items"])
    accepted = client.post(
        f"/api/v1/partners/{hospital}/webhook",
        json={"webhook_url": "https://hooks.example/needs"},
        headers=secretary,
    )
    assert accepted.status_code == 200
    assert accepted.json["webhook_url"] == "https://hooks.example/needs"
