"""Whether a word after "I'm" can be a name: everyday words and verb forms never are."""

from __future__ import annotations

import pytest

from proxycall.core.parsers.names import mixed_case, not_a_name, plausible_name


@pytest.mark.parametrize("word", ["rostered", "working", "sick", "going", "late", "off", "not",
                                  "on", "running", "stuck", "feeling", "can't", "dont"])
def test_states_are_not_names(word: str) -> None:
    assert not_a_name(word)


@pytest.mark.parametrize("word", ["Sam", "Emily", "Kelly", "Jared", "Ahmed", "Brent", "Will",
                                  "Ming", "Jo-Anne", "O'Brien"])
def test_names_that_look_like_words_are_kept(word: str) -> None:
    assert not not_a_name(word)


def test_mixed_case_ignores_the_first_word_and_i() -> None:
    assert not mixed_case("I'm rostered on tomorrow")
    assert not mixed_case("Hi im jo")
    assert mixed_case("hi I'm jo from Coles")


def test_a_lower_case_name_counts_only_when_the_person_does_not_capitalise_names() -> None:
    assert plausible_name("jo", "hi im jo from coles")
    assert not plausible_name("jo", "hi im jo from Coles")
    assert plausible_name("Jo", "hi im Jo from Coles")
    assert not plausible_name("rostered", "the day I'm rostered on next")
