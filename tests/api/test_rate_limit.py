"""Too many requests from one user: 429 with Retry-After; the operator's token is not throttled."""

from __future__ import annotations

from pathlib import Path

from tests.support.server import live_server


def test_a_user_over_the_limit_gets_429_with_retry_after(tmp_path: Path) -> None:
    with live_server(tmp_path, PROXYCALL_RATE_LIMIT="3/minute") as live:
        token = live.new_user("Speedy")
        with live.client(token) as user:
            codes = [user.get("/me").status_code for _ in range(4)]
            limited = user.get("/me")
        with live.client() as admin:
            admin_codes = {admin.get("/me").status_code for _ in range(10)}
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    assert admin_codes == {200}
