"""Whether a word after "I'm" / "this is" can be a person's name ("I'm Sam", never "I'm rostered").

A lead-in like "I'm" is followed far more often by a state ("sick", "running late", "rostered
on") than by a name, so a volunteered name must look like one: not a known everyday word, not
shaped like a verb form (-ing, -ed, -n't), and capitalised when the person capitalises
names elsewhere in the message.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Everyday words that follow "I'm", "I am", "this is", "it's" and are never a name. Names that
# are also words (Will, May, Rose, Grace, Sunny, Bill) are deliberately left out.
NOT_NAMES = _words("""
sick ill unwell crook not feeling going calling after looking trying hoping wondering running
late sorry afraid unable able so very really just also here there home back out off sure good
fine well ok okay tired stuck busy free available heading working at in on the a an with from
for to of and or but booked booking keen happy glad done about gonna wanting needing needs want
need ringing asking checking cancelling canceling meant supposed due down up over under having
getting got had has have can cant can't could couldn't would wouldn't won't should
shouldn't this that these those it its it's what who where when why how which yes yeah yep nah
no nope my your our their his her him them us me we you they he she i i'm im stressed
stressing burnt burned anxious exhausted pregnant injured hurt vomiting throwing coughing
feverish contagious recovering rostered scheduled covering sleeping staying stuffed wrecked
knackered buggered cooked rooted shattered dying sore bedridden hungover poorly rough terrible
awful bad worse better dizzy nauseous sneezing struggling dealing caring minding stuck urgent
new old still currently now today tomorrow tonight usually normally always never meant
ringing texting messaging writing emailing on-call oncall rostered-on unsure positive negative
isolating quarantined quarantining away interstate overseas outta outside inside nearly almost
only even actually literally basically probably maybe definitely guessing thinking asking
calling wanting trying needing missing skipping booked-in booked-on starting finishing meeting
picking dropping taking bringing waiting sitting lying laying stuck having doing coming
heaps pretty quite kinda sorta bit too more less all both either each every any some none
""")
# Names shaped like verb forms; kept short on purpose.
# People someone may be asked to call, named by who they are to the person, not by name: never a
# business's name ("call my boss" names nobody the call could ask for).
RELATIONS = _words("mum mom dad mother father boss manager supervisor work job team everyone them")


def a_relation(phrase: str) -> bool:
    """Whether a phrase only says who someone is to the person ("my boss", "the manager")."""
    words = phrase.lower().replace(",", " ").split()
    while words and words[0] in ("my", "the", "our"):
        words = words[1:]
    return bool(words) and all(word in RELATIONS for word in words)


_NAME_EXCEPTIONS = _words("""
jared ahmed mohammed mohamed muhammed syed saeed ned ted fred jed reed edward sterling irving
manning darling ewing keating king reading fielding harding golding browning channing khaled
waleed walid majed rasheed rashed hamed saied sayed zayed obed creed
""")
# -ing, -ed and negations; not -ly (Emily, Kelly) and not a bare -nt (Brent, Grant)
_VERB_SHAPE = re.compile(r"[a-z]{2,}(?:ing|ed)|[a-z]+n't|(?:ca|do|wo|is|was|did|could|would|"
                         r"should|ai|are|has|have|had)nt")
_FIRST_WORDS = frozenset({"i", "i'm", "im", "i've", "i'd", "i'll"})


def mixed_case(text: str) -> bool:
    """Whether the person capitalised a word other than the first one and "I"/"I'm"."""
    words = re.findall(r"[\w'\-]+", text)
    return any(w[:1].isupper() and w.lower() not in _FIRST_WORDS for w in words[1:])


def not_a_name(word: str) -> bool:
    """Whether a lower-cased word is an everyday word or a verb form, never a name."""
    word = word.lower().strip(".,!?")
    if word in NOT_NAMES:
        return True
    return word not in _NAME_EXCEPTIONS and _VERB_SHAPE.fullmatch(word) is not None


def plausible_name(word: str, message: str) -> bool:
    """Whether `word`, as typed in `message` after a weak cue like "I'm", can start a name."""
    if not word or not word[:1].isalpha() or not_a_name(word):
        return False
    return word[:1].isupper() or not mixed_case(message)
