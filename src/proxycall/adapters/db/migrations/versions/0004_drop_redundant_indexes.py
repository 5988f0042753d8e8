"""drop the two indexes another index already covers (every turn paid to keep them)

ix_conversations_user_id is the prefix of the (user_id, client_id) unique index and
ix_turns_conversation_id the prefix of both (conversation_id, ...) unique indexes: every lookup
they served is served as well by the wider index, and every stored turn updated them.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_conversations_user_id', table_name='conversations')
    op.drop_index('ix_turns_conversation_id', table_name='turns')


def downgrade() -> None:
    op.create_index('ix_turns_conversation_id', 'turns', ['conversation_id'])
    op.create_index('ix_conversations_user_id', 'conversations', ['user_id'])
