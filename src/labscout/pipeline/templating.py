"""Rendering user-written outreach templates within a time, size and step budget.

Jinja2's sandbox stops a template from reaching Python's internals, but not from working for minutes or
building gigabytes: `{% for i in range(99999) %}{% for j in range(99999) %}` ties up a server thread, and
`{% set x = x ~ x %}` doubles a string per line. This environment counts every loop iteration and call against
one step budget and one deadline, checks the size of every string it builds (concatenation, `*`, `+`, `%`,
filters that multiply their input, format widths) before or right after it is built, and stops the output at a
size limit. Whatever breaks a budget is a `TemplateBudgetError`, a TemplateError the caller reports like a typo.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_OUTPUT = 100_000  # characters a rendered subject or body may have, and any string built on the way
MAX_STEPS = 20_000  # loop iterations plus calls (macros, methods, filters called as functions)
TIME_BUDGET = 0.5  # seconds
MAX_RANGE = 10_000
MAX_NUMBER_ARG = 1_000  # widths and counts given to filters (center(…), indent(…), truncate(…))
MAX_POWER = 64
# A width or precision of five digits or more in a %-format or a {:…} format spec builds a huge string.
WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{5,}|%[-+ #0]*\d*\.\d{5,}|\{[^{}]*:[^{}]*\d{5,}[^{}]*\}")


class TemplateBudgetError(TemplateError):
    """The template would take too long, take too many steps or build too much text."""


class _Guards(NodeTransformer):
    """Wraps every loop's iterable in the step counter and every `~` concatenation in the size check."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # named as the visitor dispatches
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name("__bounded", "load"), [node.iter], [], None, None)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name("__sized", "load"), [node], [], None, None)


class BoundedSandbox(SandboxedEnvironment):
    """A sandbox with one budget for one render (make a new one per render)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *, time_budget: float = TIME_BUDGET, max_steps: int = MAX_STEPS,
                 max_output: int = MAX_OUTPUT) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
        self.time_budget = time_budget
        self.deadline = time.monotonic() + time_budget
        self.steps_left = max_steps
        self.max_output = max_output
        self.globals.update({"range": self._range, "__bounded": self._bounded, "__sized": self._sized})
        self.filters = {name: self._guarded_filter(name, f) for name, f in self.filters.items()}

    # -- the budget ----------------------------------------------------------------------------------------
    def step(self) -> None:
        self.steps_left -= 1
        if self.steps_left < 0:
            raise TemplateBudgetError("the template takes too many steps (loops or calls); simplify it")
        if time.monotonic() > self.deadline:
            raise TemplateBudgetError("the template takes too long to render; simplify it")

    def _sized(self, value: Any) -> Any:
        if isinstance(value, str | list | tuple | dict) and len(value) > self.max_output:
            raise TemplateBudgetError(f"the template builds more than {self.max_output:,} characters")
        return value

    def _bounded(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def _range(self, *args: int) -> range:
        found = range(*args)
        if len(found) > MAX_RANGE:
            raise TemplateBudgetError(f"range() of more than {MAX_RANGE:,} numbers")
        return found

    # -- operators, calls, filters -------------------------------------------------------------------------
    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
            raise TemplateBudgetError(f"an exponent above {MAX_POWER}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    self._sized_total(len(seq) * times)
        if operator == "%" and isinstance(left, str) and WIDE_FORMAT.search(left):
            raise TemplateBudgetError("a format width or precision that large")
        if operator == "+" and isinstance(left, str | list) and isinstance(right, str | list):
            self._sized_total(len(left) + len(right))
        return self._sized(super().call_binop(context, operator, left, right))

    def _sized_total(self, size: int) -> None:
        if size > self.max_output:
            raise TemplateBudgetError(f"the template builds more than {self.max_output:,} characters")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja calls it so
        __self.step()
        return __self._sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format and format_map, as the sandbox wraps them, refused with a huge width or precision."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and WIDE_FORMAT.search(owner):
            raise TemplateBudgetError("a format width or precision that large")
        return super().wrap_str_format(value)

    def _guarded_filter(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.step()
            # The context or environment some filters take first is Jinja's own; then the value, then arguments.
            # A lazy value (map(), select()) is read once here, so that measuring it does not use it up.
            args = tuple(self._sized(list(v)) if isinstance(v, Iterator) else v for v in args)
            values = [v for v in args if not _is_jinja_object(v)] + list(kwargs.values())
            if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_NUMBER_ARG for v in values[1:]):
                raise TemplateBudgetError(f"filter {name}: a number above {MAX_NUMBER_ARG:,}")
            self._sized_total(_estimate(name, values))
            return self._sized(fn(*args, **kwargs))
        return guarded

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded = _Guards().visit(tree)
        assert isinstance(guarded, nodes.Template)
        return guarded

    def render(self, source: str, context: dict[str, Any]) -> str:
        """Render `source`, stopping at the size limit; raises TemplateError (TemplateBudgetError included)."""
        out: list[str] = []
        size = 0
        try:
            template = self.from_string(source)
            # The budget is the render's: compiling (bounded by the source's length limit) does not spend it, or a
            # loaded machine would refuse a plain letter whose compilation alone took a moment.
            self.deadline = time.monotonic() + self.time_budget
            for chunk in template.generate(context):
                size += len(chunk)
                if size > self.max_output:
                    raise TemplateBudgetError(f"the template renders more than {self.max_output:,} characters")
                self.step()
                out.append(chunk)
        except RecursionError:
            raise TemplateBudgetError("the template calls itself too deeply") from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise TemplateBudgetError(f"the template failed: {exc}") from None
        return "".join(out)


def _is_jinja_object(value: Any) -> bool:
    return type(value).__module__.startswith("jinja2")


def _estimate(name: str, values: list[Any]) -> int:
    """How long the output of the filters that multiply their input could be, before they build it."""
    if not values:
        return 0
    value = values[0]
    text = value if isinstance(value, str) else None
    if name == "replace" and text is not None and len(values) >= 3:
        old, new = str(values[1]), str(values[2])
        return len(text) + (len(text) // max(len(old), 1) + 1) * len(new)
    if name == "join" and isinstance(value, Iterable) and len(values) >= 2 and not isinstance(value, str):
        items = value if isinstance(value, list | tuple) else []
        return len(items) * len(str(values[1])) + sum(len(str(i)) for i in items)
    if name == "indent" and text is not None and len(values) >= 2 and isinstance(values[1], int | str):
        width = values[1] if isinstance(values[1], int) else len(values[1])
        return len(text) + (text.count("\n") + 1) * width
    if name == "format" and text is not None and WIDE_FORMAT.search(text):
        raise TemplateBudgetError("a format width or precision that large")
    return 0
