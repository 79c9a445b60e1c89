"""A first outreach template, `intro`, that cites the candidate's own papers and shared co-authors.

Revision ID: 0003_intro_template
Revises: 0002_timeline_offers_plan_deals
Create Date: 2026-11-23 05:20
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_intro_template"
down_revision = "0002_timeline_offers_plan_deals"
branch_labels = None
depends_on = None

SUBJECT = "{{ candidate.first_name }}, your work on {{ top_papers[0].title if top_papers else 'AI research' }}"
BODY = """Dear {{ candidate.first_name }},

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


def upgrade() -> None:
    templates = sa.table("outreach_templates", sa.column("name", sa.String), sa.column("subject", sa.String),
                         sa.column("body", sa.Text), sa.column("updated_at", sa.DateTime),
                         sa.column("version", sa.Integer))
    op.bulk_insert(templates, [{"name": "intro", "subject": SUBJECT, "body": BODY,
                                "updated_at": datetime.now(UTC).replace(tzinfo=None), "version": 1}])


def downgrade() -> None:
    op.execute("DELETE FROM outreach_templates WHERE name = 'intro'")
