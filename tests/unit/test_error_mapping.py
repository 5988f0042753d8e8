"""One error tree, one HTTP table: every refusal and provider failure has a status; nothing else."""

from __future__ import annotations

import proxycall.config
import proxycall.core.agents
import proxycall.core.llm
import proxycall.core.places
import proxycall.core.policy
import proxycall.core.telephony
from proxycall.api.errors import HTTP_STATUS, http_status
from proxycall.core import errors
from proxycall.core.errors import ProviderFailure, ProxycallError, Refusal, SetupError

# every module that declares an error of the tree, so that all subclasses are loaded
LOADED = (proxycall.config, proxycall.core.agents, proxycall.core.llm, proxycall.core.places,
          proxycall.core.policy, proxycall.core.telephony)


def subclasses(root: type[ProxycallError]) -> set[type[ProxycallError]]:
    found: set[type[ProxycallError]] = set()
    pending = [root]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                pending.append(sub)
    return found


def instance(cls: type[ProxycallError]) -> ProxycallError:
    error = cls.__new__(cls)
    Exception.__init__(error, "x")
    return error


def test_every_refusal_and_provider_failure_has_an_http_status() -> None:
    answered = subclasses(Refusal) | subclasses(ProviderFailure)
    assert len(answered) >= 15
    unmapped = sorted(cls.__name__ for cls in answered if http_status(instance(cls)) == 500)
    assert unmapped == []


def test_setup_errors_are_not_answers() -> None:
    setup = subclasses(SetupError)
    assert {cls.__name__ for cls in setup} >= {"AgentSpecError", "CallWindowError",
                                               "ConfigError"}
    assert all(http_status(instance(cls)) == 500 for cls in setup)


def test_the_port_errors_belong_to_the_tree() -> None:
    for cls in (proxycall.core.telephony.TelephonyError, proxycall.core.llm.LlmUnavailable,
                proxycall.core.places.PlacesUnavailable):
        assert issubclass(cls, ProviderFailure)


def test_the_table_names_only_classes_of_the_tree() -> None:
    assert all(issubclass(cls, ProxycallError) for cls in HTTP_STATUS)
    assert http_status(errors.ConversationBusy("busy")) == 409
    assert errors.ConversationBusy("busy").retry_after == 1
