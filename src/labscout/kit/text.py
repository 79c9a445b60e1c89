"""Titles as people read them: LaTeX and HTML markup in paper titles turned into plain text.

"$\\pi_{0.5}$: a Vision-Language-Action Model" reads "π0.5: a Vision-Language-Action Model"; "A$^3$GS" reads
"A³GS"; "Schr\\"{o}dinger" reads "Schrödinger". A lone dollar ("$100K or 100 Days") is money, not math.
"""

from __future__ import annotations

import html
import re
import unicodedata

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ", "infty": "∞", "natural": "♮",
    "times": "×", "cdot": "·", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "approx": "≈",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "sqrt": "√", "partial": "∂", "nabla": "∇", "sum": "Σ",
    "prod": "Π", "in": "∈", "pm": "±", "star": "⋆", "circ": "∘", "ast": "∗", "dagger": "†", "sim": "∼",
    "mid": "|", "ldots": "…", "dots": "…", "cdots": "⋯", "%": "%", "&": "&", "#": "#", "_": "_", "$": "$",
    "{": "{", "}": "}",
}
_STYLES = ("textit", "textbf", "texttt", "textsc", "textsf", "textrm", "emph", "text", "mathrm", "mathbf",
           "mathcal", "mathbb", "mathsf", "mathit", "mathtt", "boldsymbol", "bm", "operatorname", "mbox", "hat",
           "tilde", "bar", "vec", "widehat", "widetilde", "overline")
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "c": "\u0327",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b"}
_SUPER = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")

_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
_STYLE = re.compile(r"\\(?:" + "|".join(_STYLES) + r")\s*\{([^{}]*)\}")
_ACCENT = re.compile(r"""\\(["'`^~=.]|[cuvH](?=[{\s]))\s*(?:\{(\w)\}|(\w))""")
_MATH_ACCENT = {"acute": "'", "grave": "`", "ddot": '"', "check": "v", "breve": "u", "dot": "."}
_MATH_ACCENTED = re.compile(r"\\(" + "|".join(_MATH_ACCENT) + r")\s*\{(\w)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|[%&#_${}])")
_SCRIPT = re.compile(r"([_^])\s*(?:\{([^{}]*)\}|([^\s{}\\]))")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def _script(match: re.Match[str]) -> str:
    kind, body = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
    if kind == "^" and body and all(ch in "0123456789+-=()n" for ch in body):
        return body.translate(_SUPER)
    if kind == "^" and body in ("∘", "\\circ", "o"):
        return "°"
    return body or ""


def _math(text: str) -> str:
    text = _STYLE.sub(lambda m: m.group(1), text).replace("\\,", " ").replace("~", " ")
    text = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(1)), text)
    for _ in range(3):  # nested scripts: x_{i^2}
        text = _SCRIPT.sub(_script, text)
    return text.replace("{", "").replace("}", "")


def plain_title(text: str | None) -> str:
    """A paper title as plain text: math, styling, accents, escapes and HTML tags resolved."""
    if not text:
        return ""
    out = html.unescape(_TAG.sub("", text)).replace("\\\\", " ").replace("\\ ", " ")
    out = _MATH_ACCENTED.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[_MATH_ACCENT[m.group(1)]]),
                             out)
    out = _ACCENT.sub(lambda m: unicodedata.normalize(
        "NFC", (m.group(2) or m.group(3)) + _ACCENTS[m.group(1)]), out)
    for _ in range(3):  # \textit{\textbf{x}}
        out = _STYLE.sub(lambda m: m.group(1), out)
    out = _MATH.sub(lambda m: _math(m.group(1)), out)
    out = re.sub(r"\^\{?([0-9+\-=()n]+)\}?", lambda m: m.group(1).translate(_SUPER), out)  # CNN^{2} outside math
    out = re.sub(r"\\([%&#_$])", r"\1", out)
    out = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(1)), out)
    out = out.replace("{", "").replace("}", "")
    return " ".join(out.split())


def is_digits(text: str) -> bool:
    """Whether `text` is one or more ASCII digits: what int() and float() read. str.isdigit() alone also holds
    for '²' and '٣', which they refuse (a form sent `since=²` once answered 500)."""
    return text.isascii() and text.isdigit()
