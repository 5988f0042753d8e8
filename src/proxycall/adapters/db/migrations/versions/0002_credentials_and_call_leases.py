"""credentials (many tokens per user, revocable), call leases and deadlines

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 01:45:00
"""
import sqlalchemy as sa
from alembic import op

import proxycall.adapters.db.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credentials',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', proxycall.adapters.db.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', proxycall.adapters.db.models.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_credentials_user_id_users')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_credentials'))
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_user_id'), ['user_id'], unique=False)
    op.execute("INSERT INTO credentials (token_hash, user_id, created_at) "
               "SELECT token_hash, id, created_at FROM users")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_expires_at', proxycall.adapters.db.models.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deadline_at', proxycall.adapters.db.models.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('deadline_at')
        batch_op.drop_column('lease_expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    op.execute("UPDATE users SET token_hash = (SELECT MIN(c.token_hash) FROM credentials c "
               "WHERE c.user_id = users.id AND c.revoked_at IS NULL)")
    op.execute("UPDATE users SET token_hash = id WHERE token_hash IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_token_hash'), ['token_hash'])
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_user_id'))
    op.drop_table('credentials')
