"""The database URL Alembic is given is the URL the server was given, whatever its characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from proxycall.adapters.db.migrate import alembic_config, sync_url

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@given(password=_TEXT, host=_TEXT)
def test_alembic_reads_back_the_url_it_was_given(password: str, host: str) -> None:
    url = URL.create("postgresql+psycopg", username="proxycall", password=password,
                     database="proxycall", query={"host": host} if host else {})
    text = url.render_as_string(hide_password=False)
    assert alembic_config(text).get_main_option("sqlalchemy.url") == sync_url(text)
