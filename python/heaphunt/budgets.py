"""Budgets files: `heaphunt check`'s limits kept in a TOML file.

    # heaphunt-budgets.toml
    max-end-bytes = 0              # global limits: check's option names,
    max-peak-bytes = 10_000_000    #   without the leading dashes
    metric = "total-bytes"         # what the growth limits measure
    max-growth-bytes = 4096        # against --baseline OLD
    max-growth-percent = 5

    [[site]]                       # per function (any frame of the stack)
    function = "make_event"
    eb = 0                         # METRIC = N: at most N
    tb = ["+4096", "+5%"]          # "+N", "+P%": growth over the baseline

Read with the standard library's tomllib.  `load_budgets` returns the
limits, or raises BudgetError with one line naming the file, the key and
what is wrong.  Every key is checked: an unknown one is an error, not
ignored, so that a typo cannot turn a limit off.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .check import (DEFAULT_GROWTH_METRIC, GLOBAL_LIMITS, SITE_METRICS, Limit,
                    LimitSyntaxError, growth_limits, growth_metric_key, site_limit)

_GLOBAL_KEYS = {dest.replace("_", "-"): key_words for dest, key_words in GLOBAL_LIMITS.items()}
_GROWTH_KEYS = ("metric", "max-growth-bytes", "max-growth-percent")
_SITE_VALUE_RE = re.compile(r"^\+(?P<limit>\d+(?:\.\d+)?)(?P<pct>%)?$")


class BudgetError(ValueError):
    pass


def _count(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise BudgetError(f"{where}: expected a whole number >= 0, got {value!r}")
    return value


def _percent(value: Any, where: str) -> float:
    if type(value) not in (int, float) or value < 0 or value != value:
        raise BudgetError(f"{where}: expected a percentage >= 0, got {value!r}")
    return float(value)


def _site_limits(function: str, metric: str, value: Any, where: str) -> list[Limit]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise BudgetError(f"{where}: an empty list")
    limits = []
    for v in values:
        try:
            if type(v) is int and v >= 0:
                limits.append(site_limit(function, metric, str(v), False, False, where))
                continue
            m = _SITE_VALUE_RE.match(v) if isinstance(v, str) else None
            if m is None or ("." in m.group("limit") and not m.group("pct")):
                raise BudgetError(f"{where}: expected N (at most N), \"+N\" or \"+P%\""
                                  f" (growth over the baseline), got {v!r}")
            limits.append(site_limit(function, metric, m.group("limit"), True,
                                     m.group("pct") is not None, where))
        except LimitSyntaxError as e:
            raise BudgetError(str(e)) from None
    return limits


def limits_from_budgets(doc: dict[str, Any], name: str) -> list[Limit]:
    limits: list[Limit] = []
    for key, value in doc.items():
        if key in _GLOBAL_KEYS:
            summary_key, words = _GLOBAL_KEYS[key]
            limits.append(Limit(words, summary_key, _count(value, f"{name}: {key}")))
        elif key not in (*_GROWTH_KEYS, "site"):
            raise BudgetError(f"{name}: unknown key {key!r}; one of "
                              f"{', '.join([*_GLOBAL_KEYS, *_GROWTH_KEYS, 'site'])}")
    metric = doc.get("metric", DEFAULT_GROWTH_METRIC)
    if not isinstance(metric, str):
        raise BudgetError(f"{name}: metric: expected a metric name, got {metric!r}")
    max_bytes = doc.get("max-growth-bytes")
    max_percent = doc.get("max-growth-percent")
    if max_bytes is not None or max_percent is not None:
        try:
            key = growth_metric_key(metric)
        except LimitSyntaxError as e:
            raise BudgetError(f"{name}: {e}") from None
        limits += growth_limits(
            key,
            None if max_bytes is None else _count(max_bytes, f"{name}: max-growth-bytes"),
            None if max_percent is None else _percent(max_percent,
                                                      f"{name}: max-growth-percent"))
    sites = doc.get("site", [])
    if not isinstance(sites, list):
        raise BudgetError(f"{name}: site: expected [[site]] tables")
    for i, table in enumerate(sites):
        where = f"{name}: site[{i}]"
        if not isinstance(table, dict):
            raise BudgetError(f"{where}: expected a table")
        function = table.get("function")
        if not isinstance(function, str) or not function:
            raise BudgetError(f"{where}: needs function = \"NAME\"")
        metrics = [k for k in table if k != "function"]
        if not metrics:
            raise BudgetError(f"{where} ({function}): no limits; add e.g. eb = 0")
        for metric_key in metrics:
            if metric_key not in SITE_METRICS:
                raise BudgetError(f"{where} ({function}): unknown metric {metric_key!r};"
                                  f" one of {', '.join(SITE_METRICS)}")
            limits += _site_limits(function, metric_key, table[metric_key],
                                   f"{where} ({function}): {metric_key}")
    return limits


def load_budgets(path: str | Path) -> list[Limit]:
    name = str(path)
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as e:
        raise BudgetError(f"{name}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise BudgetError(f"{name}: not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise BudgetError(f"{name}: not valid TOML: not UTF-8 text") from None
    limits = limits_from_budgets(doc, name)
    if not limits:
        raise BudgetError(f"{name}: names no limit")
    return limits
