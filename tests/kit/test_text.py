"""Paper titles as plain text: the LaTeX and markup the sources carry, resolved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.kit.text import plain_title


class TestPlainTitle:
    @pytest.mark.parametrize(("raw", "plain"), [
        (r"$\pi_{0.5}$: a Vision-Language-Action Model with Open-World Generalization",
         "π0.5: a Vision-Language-Action Model with Open-World Generalization"),
        ("A$^3$GS: Arbitrary Artistic Style into Arbitrary 3D Gaussian Splatting",
         "A³GS: Arbitrary Artistic Style into Arbitrary 3D Gaussian Splatting"),
        (r'Neural Lagrangian Schr\"{o}dinger Bridge', "Neural Lagrangian Schrödinger Bridge"),
        (r"$\textit{From Chaos to Clarity}$: Claim Normalization", "From Chaos to Clarity: Claim Normalization"),
        (r"Revisiting $(\epsilon, \gamma, \tau)$-similarity learning", "Revisiting (ε, γ, τ)-similarity learning"),
        (r"Stochastic $L^\natural$-convex Function Minimization", "Stochastic L♮-convex Function Minimization"),
        (r"$\ell_1$-regression with Heavy-tailed Distributions", "ℓ1-regression with Heavy-tailed Distributions"),
        (r"QuIP$\#$: Even Better LLM Quantization", "QuIP#: Even Better LLM Quantization"),
        (r"Inequality in $l_{\infty}$-adversarial training", "Inequality in l∞-adversarial training"),
        ("$100K or 100 Days: Trade-offs when Pre-Training", "$100K or 100 Days: Trade-offs when Pre-Training"),
        ("<i>Deep</i> Learning &amp; Friends", "Deep Learning & Friends"),
        (r"$\texttt{dattri}$: A Library for Data Attribution", "dattri: A Library for Data Attribution"),
        ("Plain   title\nwith a break", "Plain title with a break"), (None, ""),
    ])
    def test_reads_as_text(self, raw: str | None, plain: str) -> None:
        assert plain_title(raw) == plain

    @given(st.text(alphabet=st.characters(blacklist_characters="$\\{}<>&^_"), max_size=80))
    def test_a_title_without_markup_only_loses_extra_spaces(self, raw: str) -> None:
        assert plain_title(raw) == " ".join(raw.split())
