"""A small linear / mixed-integer model solved by HiGHS (highspy): columns, rows, one solve, the figures back."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = highspy.kHighsInf
_BANNER_LOCK = threading.Lock()
_banner_done = False


@dataclass(slots=True)
class Model:
    """min or max cost·x subject to lower <= A x <= upper (rows) and bounds; integer columns where asked."""

    maximise: bool = False
    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_coefficients: list[dict[int, float]] = field(default_factory=list)

    def column(self, cost: float, lower: float = 0.0, upper: float = 1.0, *, integer: bool = True) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, coefficients: dict[int, float], lower: float = -INF, upper: float = INF) -> int:
        self.row_coefficients.append(coefficients)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_coefficients) - 1


@dataclass(frozen=True, slots=True)
class Result:
    status: str
    feasible: bool
    optimal: bool
    values: list[float]
    objective: float
    gap: float | None  # relative MIP gap HiGHS reports (0 for a proven optimum at full precision)
    seconds: float


def _highs() -> highspy.Highs:
    """A silent solver; the first one per process prints HiGHS's banner to stdout, which JSON output must not get."""
    global _banner_done
    with _BANNER_LOCK:
        if _banner_done:
            solver = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            sys.stdout.flush()
            saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            try:
                solver = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
    solver.setOptionValue("output_flag", False)
    return solver


def solve(model: Model, *, time_limit: float = 10.0, rel_gap: float = 1e-6) -> Result:
    """Solve `model`; a time limit ends the search with the best slate found and the gap it leaves."""
    n = len(model.cost)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(model.row_coefficients)
    lp.col_cost_ = np.asarray(model.cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if model.maximise else highspy.ObjSense.kMinimize
    starts, index, value = [0], [], []
    for coefficients in model.row_coefficients:
        for column, coefficient in sorted(coefficients.items()):
            index.append(column)
            value.append(coefficient)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(model.row_coefficients)
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=np.float64)
    if any(model.integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in model.integer]
    solver = _highs()
    solver.setOptionValue("time_limit", float(time_limit))
    solver.setOptionValue("mip_rel_gap", float(rel_gap))
    started = time.perf_counter()
    solver.passModel(lp)
    solver.run()
    seconds = time.perf_counter() - started
    status = solver.getModelStatus()
    info = solver.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = list(solver.getSolution().col_value) if has_solution else [0.0] * n
    optimal = status == highspy.HighsModelStatus.kOptimal
    gap = float(info.mip_gap) if any(model.integer) and has_solution else (0.0 if optimal else None)
    if gap is not None and (gap != gap or gap == INF):  # NaN or infinite: no bound known
        gap = None
    return Result(solver.modelStatusToString(status), has_solution, optimal, values,
                  float(info.objective_function_value) if has_solution else 0.0, gap, seconds)
