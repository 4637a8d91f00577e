"""card scans and photos

Revision ID: ecb7fb6cf30d
Revises: d5fdb4f3820d
Create Date: 2026-11-23 11:10:21.458346

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ecb7fb6cf30d'
down_revision = 'd5fdb4f3820d'
branch_labels = None
depends_on = None


def upgrade():
    # A new table only (no columns added to existing tables, so no server defaults needed).
    # The photo is kept in the row (BLOB / bytea) so that every server of a deployment has it.
    op.create_table('card_scans',
    sa.Column('interview_id', sa.Uuid(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('engine', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('create_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_card_scans_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_card_scans_interview_id_interviews'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_scans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_scans'))
    )
    with op.batch_alter_table('card_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_scans_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_scans_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_scans_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('card_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_scans_user_id'))
        batch_op.drop_index(batch_op.f('ix_card_scans_interview_id'))
        batch_op.drop_index(batch_op.f('ix_card_scans_contact_id'))

    op.drop_table('card_scans')
