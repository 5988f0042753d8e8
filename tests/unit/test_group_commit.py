"""Rounds of a group commit: what arrives while a round runs is taken by the next one."""

from __future__ import annotations

import asyncio

from proxycall.adapters.db.turn_path import GROWING_STEPS, GroupCommit


class Rounds:
    """A round function that records the items of each round and answers each with itself."""

    def __init__(self) -> None:
        self.rounds: list[list[int]] = []

    async def run(self, items: list[int]) -> list[int | Exception]:
        self.rounds.append(items)
        await asyncio.sleep(0)  # a round takes time: items arriving meanwhile wait for the next
        if -1 in items:
            return [ValueError("this one") if n == -1 else n for n in items]
        return list(items)


async def _submit_after(group: GroupCommit[int, int], item: int, steps: int) -> int:
    for _ in range(steps):
        await asyncio.sleep(0)
    return await group.submit(item)


async def test_a_round_starts_a_loop_step_after_its_first_item() -> None:
    """Items a step apart share the first round; what comes while it runs, the next."""
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=64)
    answers = await asyncio.gather(*(_submit_after(group, n, steps=n) for n in range(4)))
    assert answers == [0, 1, 2, 3]
    assert rounds.rounds[0] == [0, 1]
    assert sorted(n for r in rounds.rounds for n in r) == [0, 1, 2, 3]


async def test_a_growing_round_waits_while_items_keep_arriving() -> None:
    """With growing steps, items a step apart each share the first round."""
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=64, growing_steps=GROWING_STEPS)
    answers = await asyncio.gather(*(_submit_after(group, n, steps=n) for n in range(4)))
    assert answers == [0, 1, 2, 3]
    assert rounds.rounds == [[0, 1, 2, 3]]


async def test_a_group_that_keeps_growing_starts_after_its_steps() -> None:
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=64, growing_steps=GROWING_STEPS)
    count = GROWING_STEPS + 6
    answers = await asyncio.gather(*(_submit_after(group, n, steps=n) for n in range(count)))
    assert answers == list(range(count))
    assert rounds.rounds[0] == list(range(GROWING_STEPS + 2))  # the first step, then the growing
    assert sorted(n for r in rounds.rounds for n in r) == list(range(count))


async def test_a_growing_round_starts_once_no_more_arrive() -> None:
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=64, growing_steps=GROWING_STEPS)
    first = asyncio.gather(group.submit(1), group.submit(2))
    late = asyncio.ensure_future(_submit_after(group, 3, steps=GROWING_STEPS + 4))
    assert await first == [1, 2]
    assert await late == 3
    assert rounds.rounds == [[1, 2], [3]]


async def test_a_round_holds_at_most_its_bound() -> None:
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=3)
    assert await asyncio.gather(*(group.submit(n) for n in range(7))) == list(range(7))
    assert rounds.rounds == [[0, 1, 2], [3, 4, 5], [6]]


async def test_an_items_error_reaches_only_its_own_request() -> None:
    rounds = Rounds()
    group = GroupCommit(rounds.run, most_per_round=64)
    answers = await asyncio.gather(group.submit(1), group.submit(-1), group.submit(2),
                                   return_exceptions=True)
    assert answers[0] == 1 and answers[2] == 2
    assert isinstance(answers[1], ValueError)
    assert rounds.rounds == [[1, -1, 2]]
