"""A small research world in the paperlists format, with careers that move and topics that differ.

ICLR lists with OpenReview ids and affiliations, 2019-2023: Ada moves from Google to OpenAI in 2022, Ben stays
at MIT, Cleo works on diffusion at Stanford, Dan (MIT) wrote with Ben and Ada, Finn leaves Google for OpenAI in
2023 (two papers on each side), and a few others fill in.
"""

from __future__ import annotations

import json
from pathlib import Path

ORGS = {"google": ("Google Research", "google.com"), "openai": ("OpenAI", "openai.com"),
        "mit": ("MIT", "mit.edu"), "stanford": ("Stanford University", "stanford.edu"),
        "cmu": ("Carnegie Mellon University", "cmu.edu")}

# (year, title, keywords, status, [(name, org)])
PAPERS = [
    (2019, "Diffusion Models for Images", "diffusion;generative", "Oral", [("Cleo Stone", "stanford")]),
    (2020, "Better Diffusion Samplers", "diffusion;sampling", "Spotlight",
     [("Cleo Stone", "stanford"), ("Eve Park", "stanford")]),
    (2021, "Diffusion for Video", "diffusion;video", "Poster", [("Eve Park", "stanford"), ("Cleo Stone", "stanford")]),
    (2022, "Score Diffusion at Scale", "diffusion", "Oral", [("Cleo Stone", "stanford")]),
    (2019, "Reinforcement Learning Basics", "reinforcement learning", "Poster", [("Ada Lovel", "google")]),
    (2020, "Policy Gradients for Reasoning", "reinforcement learning;reasoning", "Poster",
     [("Ada Lovel", "google"), ("Dan Ray", "mit")]),
    (2021, "Reward Models", "reinforcement learning;alignment", "Poster", [("Ada Lovel", "google")]),
    (2022, "RL From Human Feedback", "reinforcement learning;alignment", "Oral", [("Ada Lovel", "openai")]),
    (2023, "Reasoning With Reinforcement Learning", "reinforcement learning;reasoning", "Spotlight",
     [("Ada Lovel", "openai"), ("Finn Cho", "openai")]),
    (2020, "Graph Networks", "graph neural networks", "Poster", [("Ben Kim", "mit"), ("Dan Ray", "mit")]),
    (2021, "Graph Networks Again", "graph neural networks", "Poster", [("Ben Kim", "mit")]),
    (2022, "Graphs and Diffusion", "graph neural networks;diffusion", "Reject", [("Ben Kim", "mit")]),
    (2023, "Graph Transformers", "graph neural networks", "Poster", [("Ben Kim", "mit"), ("Gus Hall", "cmu")]),
    (2022, "Alignment Study", "alignment", "Poster", [("Finn Cho", "google"), ("Hal Ng", "google")]),
    (2022, "Alignment Evaluations", "alignment;evaluation", "Poster", [("Finn Cho", "google")]),
    (2023, "Reward Hacking in Practice", "alignment;reward models", "Poster", [("Finn Cho", "openai")]),
    (2023, "Alignment Study Two", "alignment", "Poster", [("Hal Ng", "google")]),
]

# Abstracts, TL;DRs and citation counts for some papers: search reads the whole record, and learns acronyms
# from the text ("... (RLHF)").
ABSTRACTS = {
    "Reward Models": "Reward models trained from preferences, the core of reinforcement learning from human "
                     "feedback (RLHF).",
    "RL From Human Feedback": "We scale reinforcement learning from human feedback (RLHF) to large language "
                              "models (LLMs).",
    "Reasoning With Reinforcement Learning": "Reinforcement learning from human feedback (RLHF) improves the "
                                             "reasoning of large language models (LLMs) on mathematics.",
    "Alignment Study": "Large language models (LLMs) are aligned with human values through careful data.",
    "Graph Transformers": "Transformers on graphs: message passing meets attention.",
}
TLDRS = {"Score Diffusion at Scale": "Score-based generative models scale to megapixel images."}
CITATIONS = {"Diffusion Models for Images": 900, "Better Diffusion Samplers": 120, "Reinforcement Learning Basics": 40,
             "Policy Gradients for Reasoning": 15, "Graph Networks": 300}


def write_world(folder: Path) -> Path:
    target = folder / "iclr"
    target.mkdir(parents=True)
    by_year: dict[int, list[dict[str, object]]] = {}
    for n, (year, title, keywords, status, authors) in enumerate(PAPERS):
        by_year.setdefault(year, []).append({
            "id": f"w{n}", "title": title, "track": "main", "status": status, "keywords": keywords,
            "author": ";".join(a for a, _ in authors),
            "authorids": ";".join("~" + a.replace(" ", "_") + "1" for a, _ in authors),
            "aff": ";".join(ORGS[o][0] for _, o in authors), "aff_domain": ";".join(ORGS[o][1] for _, o in authors),
            "position": ";".join("Researcher" for _ in authors),
            **({"abstract": ABSTRACTS[title]} if title in ABSTRACTS else {}),
            **({"tldr": TLDRS[title]} if title in TLDRS else {}),
            **({"gs_citation": CITATIONS[title]} if title in CITATIONS else {}),
        })
    for year, rows in by_year.items():
        (target / f"iclr{year}.json").write_text(json.dumps(rows))
    return folder
