"""what was agreed, tasks, reminders, push subscriptions, user name

Revision ID: d5fdb4f3820d
Revises: ccead0e37f44
Create Date: 2026-11-23 10:21:59.321925

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5fdb4f3820d'
down_revision = 'ccead0e37f44'
branch_labels = None
depends_on = None


def upgrade():
    # Columns added to existing tables get server defaults so that their rows stay valid.
    op.create_table('tasks',
    sa.Column('interview_id', sa.Uuid(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('plan_key', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('planned_at', sa.DateTime(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('user_changed', sa.Boolean(), nullable=False),
    sa.Column('undo_state', sa.JSON(), nullable=True),
    sa.Column('last_action_id', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('create_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_tasks_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_tasks_interview_id_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tasks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('interview_id', 'plan_key', name=op.f('uq_tasks_interview_id'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_expected_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_wanted', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_channel', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('not_before', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('concerns', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('interests', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('points_to_recall', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('value_add_touches', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('plan_round', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_reminder_at', sa.DateTime(), nullable=True))

    op.create_table('push_subscriptions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_reminders_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('task_id', name=op.f('uq_reminders_task_id'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_queue', ['state', 'next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_user_id'), ['user_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    op.drop_table('reminders')
    op.drop_table('push_subscriptions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_reminder_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_column('plan_round')
        batch_op.drop_column('value_add_touches')
        batch_op.drop_column('points_to_recall')
        batch_op.drop_column('interests')
        batch_op.drop_column('concerns')
        batch_op.drop_column('not_before')
        batch_op.drop_column('follow_up_channel')
        batch_op.drop_column('follow_up_on')
        batch_op.drop_column('follow_up_wanted')
        batch_op.drop_column('decision_expected_on')

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_user_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_interview_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_due_at'))
        batch_op.drop_index(batch_op.f('ix_tasks_contact_id'))

    op.drop_table('tasks')
    # ### end Alembic commands ###
