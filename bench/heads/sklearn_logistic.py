#!/usr/bin/python3
"""scikit-learn side of the heads benchmark (bench/heads/sklearn-runner.ts calls it).

stdin: {"input": dir with features.f32 (rows x dim float32) and meta.json {dim, labels}, "cGrid": [...], "maxIter": int, "tasks": [{"train": [...], "validation": [...], "test": [...]}]}
stdout: [{"accuracy", "macroF1", "fitMs", "fitCpuMs", "chosenC", "iterations"}] in task order.

The protocol mirrors the TypeScript logistic head: StandardScaler on train, LogisticRegression(lbfgs)
over the C grid in ascending order with warm starts, C chosen by validation accuracy (ties: lower
validation log loss), then scaler and model refit on train + validation, warm-started from the chosen
model. fitMs covers scaling, sweep and refit, wall clock; fitCpuMs the same span in CPU time of the
process (all its threads); loading the file is excluded.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.preprocessing import StandardScaler


def run(X, y, task, c_grid, max_iter):
    train, validation, test = (np.array(task[k], dtype=int) for k in ("train", "validation", "test"))
    started = time.perf_counter()
    cpu_started = time.process_time()
    scaler = StandardScaler().fit(X[train])
    X_train, X_val = scaler.transform(X[train]), scaler.transform(X[validation])
    model = LogisticRegression(warm_start=True, max_iter=max_iter)
    best = None
    for C in sorted(c_grid):
        model.set_params(C=C).fit(X_train, y[train])
        proba = model.predict_proba(X_val)
        score = (accuracy_score(y[validation], model.classes_[proba.argmax(1)]),
                 -log_loss(y[validation], proba, labels=model.classes_))
        if best is None or score > best[0]:
            best = (score, C, model.coef_.copy(), model.intercept_.copy())
    refit_rows = np.concatenate([train, validation])
    refit_scaler = StandardScaler().fit(X[refit_rows])
    final = LogisticRegression(C=best[1], warm_start=True, max_iter=max_iter)
    final.coef_, final.intercept_ = best[2], best[3]
    final.fit(refit_scaler.transform(X[refit_rows]), y[refit_rows])
    fit_ms = (time.perf_counter() - started) * 1000
    fit_cpu_ms = (time.process_time() - cpu_started) * 1000
    predicted = final.predict(refit_scaler.transform(X[test]))
    return {
        "accuracy": float(accuracy_score(y[test], predicted)),
        "macroF1": float(f1_score(y[test], predicted, average="macro", zero_division=0)),
        "fitMs": fit_ms,
        "fitCpuMs": fit_cpu_ms,
        "chosenC": best[1],
        "iterations": int(final.n_iter_[0]),
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
