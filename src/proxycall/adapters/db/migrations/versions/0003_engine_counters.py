"""engine counters per minute (engine_minutes) and all time (engine_totals), filled from the existing engine events

Revision ID: 0003
Revises: 0002
"""
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import proxycall.adapters.db.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'engine_minutes',
        sa.Column('minute', proxycall.adapters.db.models.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('agent_type', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.Column('llm', sa.Integer(), nullable=False),
        sa.Column('fallbacks', sa.Integer(), nullable=False),
        sa.Column('replays', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('minute', 'kind', 'agent_type', 'action',
                                name=op.f('pk_engine_minutes')),
    )
    totals = op.create_table(
        'engine_totals',
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('agent_type', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.Column('llm', sa.Integer(), nullable=False),
        sa.Column('fallbacks', sa.Integer(), nullable=False),
        sa.Column('replays', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'agent_type', 'action', name=op.f('pk_engine_totals')),
    )
    _backfill(table, totals)


def _backfill(table: sa.Table, totals_table: sa.Table) -> None:
    """Count the events stored so far into their minutes (once, at upgrade)."""
    totals: Counter[tuple[Any, ...]] = Counter()
    rows = op.get_bind().execute(sa.text(
        "SELECT at, kind, agent_type, action, ai_used, fallback, replay FROM engine_events"))
    for at, kind, agent, action, ai_used, fallback, replay in rows:
        if isinstance(at, str):  # SQLite keeps text
            at = datetime.fromisoformat(at)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        key = (at.replace(second=0, microsecond=0), kind, agent, action or "")
        totals[(*key, "requests")] += 1
        totals[(*key, "llm")] += int(bool(ai_used))
        totals[(*key, "fallbacks")] += int(bool(fallback))
        totals[(*key, "replays")] += int(bool(replay))
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (minute, kind, agent, action, field), count in totals.items():
        row = merged.setdefault((minute, kind, agent, action), {
            'minute': minute, 'kind': kind, 'agent_type': agent, 'action': action,
            'requests': 0, 'llm': 0, 'fallbacks': 0, 'replays': 0})
        row[field] = count
    if merged:
        op.bulk_insert(table, list(merged.values()))
    overall: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (_minute, kind, agent, action), row in merged.items():
        total = overall.setdefault((kind, agent, action), {
            'kind': kind, 'agent_type': agent, 'action': action,
            'requests': 0, 'llm': 0, 'fallbacks': 0, 'replays': 0})
        for name in ('requests', 'llm', 'fallbacks', 'replays'):
            total[name] += row[name]
    if overall:
        op.bulk_insert(totals_table, list(overall.values()))


def downgrade() -> None:
    op.drop_table('engine_totals')
    op.drop_table('engine_minutes')
