#!/usr/bin/python3
"""scikit-learn reference of the heads benchmark (bench/heads/sklearn-runner.ts calls it).

stdin: {"input": dir with features.f32 (rows x dim float32) and meta.json {dim, labels}, "cGrid": [...], "maxIter": int, "tasks": [{"pool": [...], "test": [...]}]}
stdout: [{"accuracy", "macroF1", "fitMs", "chosenC"}] in task order.

The reference the issue names: a Pipeline(StandardScaler, LogisticRegression(lbfgs)) with C chosen by
GridSearchCV over the C grid with 5-fold stratified CV (fewer folds when the smallest class of the
pool is smaller) on the whole pool, scored by accuracy, then refit on the whole pool and scored on the
test split. fitMs covers the search and the refit; loading the file is excluded.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def run(X, y, task, c_grid, max_iter):
    pool, test = (np.array(task[k], dtype=int) for k in ("pool", "test"))
    started = time.perf_counter()
    smallest = np.unique(y[pool], return_counts=True)[1].min()
    folds = StratifiedKFold(n_splits=int(min(5, smallest)), shuffle=True, random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter)),
        {"logisticregression__C": sorted(c_grid)},
        cv=folds,
        scoring="accuracy",
        refit=True,
    )
    search.fit(X[pool], y[pool])
    fit_ms = (time.perf_counter() - started) * 1000
    predicted = search.predict(X[test])
    return {
        "accuracy": float(accuracy_score(y[test], predicted)),
        "macroF1": float(f1_score(y[test], predicted, average="macro", zero_division=0)),
        "fitMs": fit_ms,
        "chosenC": float(search.best_params_["logisticregression__C"]),
    }


def main():
    job = json.load(sys.stdin)
    with open(f"{job['input']}/meta.json") as f:
        meta = json.load(f)
    X = np.fromfile(f"{job['input']}/features.f32", dtype="<f4").reshape(-1, meta["dim"]).astype(np.float64)
    y = np.array(meta["labels"])
    warnings.simplefilter("ignore", ConvergenceWarning)
    json.dump([run(X, y, task, job["cGrid"], job["maxIter"]) for task in job["tasks"]], sys.stdout)


if __name__ == "__main__":
    main()
