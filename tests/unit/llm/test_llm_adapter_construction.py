"""Building the adapter: no import-time cost, no secret in its repr, no silent env fallback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from proxycall.adapters.llm.openai_extractor import OpenAIExtractor


def test_importing_the_adapters_does_not_import_the_sdk() -> None:
    code = (
        "import sys, proxycall.adapters.llm.openai_extractor, proxycall.adapters.llm.fake_openai;"
        "sys.exit(1 if 'openai' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_repr_names_the_model_not_the_key() -> None:
    llm = OpenAIExtractor("sk-secret-abcdef", base_url="http://127.0.0.1:9/v1", model="m1")
    assert "sk-secret-abcdef" not in repr(llm)
    assert llm.model == "m1"


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="API key"):
        OpenAIExtractor("")
