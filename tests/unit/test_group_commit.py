"""Rounds of a group commit: what arrives while a round runs is taken by the next one."""

from __future__ import annotations

import asyncio

from proxycall.adapters.db.turn_path import GroupCommit


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
