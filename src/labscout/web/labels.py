"""Words people read for the names the services use: stages, activity kinds, offer and deal statuses."""

from __future__ import annotations

from labscout.research import provenance

ACTIVITY_KINDS = {"email": "E-mail", "call": "Call", "meeting": "Meeting", "note": "Note", "comment": "Comment",
                  "stage": "Stage change", "offer": "Offer", "change": "Change", "link": "Research profile link"}
STATUSES = {"pending_approval": "Pending approval", "draft": "Draft", "approved": "Approved", "sent": "Sent",
            "accepted": "Accepted", "declined": "Declined", "withdrawn": "Withdrawn", "expired": "Expired"}
ORG_KINDS = {"industry_lab": "Industry lab", "university": "University", "startup": "Start-up",
             "government_nonprofit": "Government or non-profit", "unknown": "Kind not known"}
STEPS = {"submit": "Submit for approval", "approve": "Approve", "return": "Return to draft",
         "send": "Mark as sent", "accept": "Accepted", "decline": "Declined", "withdraw": "Withdraw",
         "confirm": "Confirm (CEO)"}
EVIDENCE = {"id": "shared author id", "coauthor": "shared co-authors", "organisation": "same organisation",
            "domain": "same e-mail domain", "paper-organisation": "organisation on the paper",
            "topic": "same topics", "rare-name": "rare name", "name-variant": "one name, two spellings",
            "alone": "first mention", "correction": "team's correction"}


def sentence(text: str | None) -> str:
    """`in conversation` as `In conversation`; underscores read as spaces."""
    if not text:
        return ""
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def stage(name: str | None) -> str:
    return sentence(name)


def activity_kind(kind: str | None) -> str:
    return ACTIVITY_KINDS.get(kind or "", sentence(kind))


def status(value: str | None) -> str:
    return STATUSES.get(value or "", sentence(value))


def org_kind(kind: str | None) -> str:
    return ORG_KINDS.get(kind or "", sentence(kind))


def step(name: str) -> str:
    return STEPS.get(name, sentence(name))


def evidence(reason: str | None) -> str:
    return EVIDENCE.get(reason or "", sentence(reason))


def source(adapter: str | None) -> str:
    """Where a record came from, as a reader names it: 'OpenAlex', 'the paper lists'."""
    return provenance.source_name(adapter) if adapter else ""


def percent(value: str | None) -> str:
    """A stake as people write it: `40.000` as `40`, `2.500` as `2.5` (the store keeps three decimals)."""
    if not value:
        return ""
    whole, _, part = value.partition(".")
    part = part.rstrip("0")
    return f"{whole}.{part}" if part else whole


FILTERS = {"percent": percent, "stage": stage, "kind": activity_kind, "status": status, "orgkind": org_kind,
           "step": step, "evidence": evidence, "sentence": sentence, "source": source}
