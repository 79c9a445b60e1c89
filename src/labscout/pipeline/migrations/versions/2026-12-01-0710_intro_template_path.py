"""The `intro` template names the introduction path when there are no shared co-authors.

Only a template the team has not edited is changed (its body is still the one first installed).

Revision ID: 0911_intro_template_path
Revises: 0910_correction_patch_pending
Create Date: 2026-12-01 07:10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0911_intro_template_path"
down_revision = "0910_correction_patch_pending"
branch_labels = None
depends_on = None

OLD_BODY = """Dear {{ candidate.first_name }},

{% if top_papers %}
I have been reading your work, in particular "{{ top_papers[0].title }}" ({{ top_papers[0].venue }} \
{{ top_papers[0].year }}){% if top_papers|length > 1 %} and "{{ top_papers[1].title }}"{% endif %}.
{% endif %}
{% if shared_coauthors %}
We have colleagues in common: {{ shared_coauthors|map(attribute='name')|join(', ') }}.
{% endif %}

We are building a new AI research lab, and I would like to talk with you about a {{ candidate.target_role }} \
position. Would you have 30 minutes in the coming weeks?

Best regards,
{{ sender.name }}
"""
NEW_BODY = """Dear {{ candidate.first_name }},

{% if top_papers %}
I have been reading your work, in particular "{{ top_papers[0].title }}" ({{ top_papers[0].venue }} \
{{ top_papers[0].year }}){% if top_papers|length > 1 %} and "{{ top_papers[1].title }}"{% endif %}.
{% endif %}
{% if shared_coauthors %}
We have colleagues in common: {{ shared_coauthors|map(attribute='name')|join(', ') }}.
{% elif intro_path %}
We are connected through {{ intro_path.names[1:-1]|join(' and ') }}.
{% endif %}

We are building a new AI research lab, and I would like to talk with you about a {{ candidate.target_role }} \
position. Would you have 30 minutes in the coming weeks?

Best regards,
{{ sender.name }}
"""


def _templates() -> sa.TableClause:
    return sa.table("outreach_templates", sa.column("name", sa.String), sa.column("body", sa.Text))


def upgrade() -> None:
    t = _templates()
    op.execute(t.update().where(t.c.name == "intro", t.c.body == OLD_BODY).values(body=NEW_BODY))


def downgrade() -> None:
    t = _templates()
    op.execute(t.update().where(t.c.name == "intro", t.c.body == NEW_BODY).values(body=OLD_BODY))
