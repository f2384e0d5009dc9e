#!/usr/bin/python3
"""scikit-learn reference of the heads benchmark (bench/heads/sklearn-runner.ts calls it).

stdin: {"input": dir with features.f32 (rows x dim float32) and meta.json {dim, labels}, "cGrid": [...], "maxIter": int, "tasks": [{"pool": [...], "test": [...], "train"?: [...], "validation"?: [...], "meanScaled"?: bool}]}
stdout: [{"accuracy", "macroF1", "fitMs", "fitCpuMs", "chosenC"}] in task order.

A task with the pool only: the reference the issue names, a Pipeline(StandardScaler,
LogisticRegression(lbfgs)) with C chosen by GridSearchCV over the C grid with 5-fold stratified CV
(fewer folds when the smallest class of the pool is smaller) on the whole pool, scored by accuracy,
then refit on the whole pool and scored on the test split.

A task with train and validation: the same work as one FitRun of the TypeScript logistic head, for
the fit-time ratio: StandardScaler on train, LogisticRegression(lbfgs) over the C grid in ascending
order with warm starts, C by validation accuracy (ties: lower validation log loss), then scaler and
model refit on train + validation, warm-started from the chosen model. With "meanScaled": the same
on the objective divided by the number of samples (sample weights 1/n, C·n: the same minimiser), which
is how scikit-learn >= 1.4 scales lbfgs's objective (PR #26721), so its gtol = tol then stops on the
gradient of the mean loss, as the TypeScript head does; the installed 1.2.1 applies it to the sum.

fitMs covers the fitting, wall clock; fitCpuMs the same span in CPU time of the process (all its
threads); loading the file and scoring the test split are excluded.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def grid_search(X, y, pool, c_grid, max_iter):
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
    return search.predict, float(search.best_params_["logisticregression__C"])


def fit(model, X, y, C, mean_scaled):
    """model fitted at C; mean_scaled: on the objective divided by n (weights 1/n, C·n)."""
    n = len(y)
    if mean_scaled:
        return model.set_params(C=C * n).fit(X, y, sample_weight=np.full(n, 1.0 / n))
    return model.set_params(C=C).fit(X, y)


def sweep(X, y, train, validation, c_grid, max_iter, mean_scaled):
    scaler = StandardScaler().fit(X[train])
    X_train, X_val = scaler.transform(X[train]), scaler.transform(X[validation])
    model = LogisticRegression(warm_start=True, max_iter=max_iter)
    best = None
    for C in sorted(c_grid):
        fit(model, X_train, y[train], C, mean_scaled)
        proba = model.predict_proba(X_val)
        score = (accuracy_score(y[validation], model.classes_[proba.argmax(1)]),
                 -log_loss(y[validation], proba, labels=model.classes_))
        if best is None or score > best[0]:
            best = (score, C, model.coef_.copy(), model.intercept_.copy())
    refit_rows = np.concatenate([train, validation])
    refit_scaler = StandardScaler().fit(X[refit_rows])
    final = LogisticRegression(warm_start=True, max_iter=max_iter)
    final.coef_, final.intercept_ = best[2], best[3]
    fit(final, refit_scaler.transform(X[refit_rows]), y[refit_rows], best[1], mean_scaled)
    return (lambda rows: final.predict(refit_scaler.transform(rows))), float(best[1])


def run(X, y, task, c_grid, max_iter):
    pool, test = (np.array(task[k], dtype=int) for k in ("pool", "test"))
    started = time.perf_counter()
    cpu_started = time.process_time()
    if "train" in task:
        train, validation = (np.array(task[k], dtype=int) for k in ("train", "validation"))
        mean_scaled = bool(task.get("meanScaled", False))
        predict, chosen_c = sweep(X, y, train, validation, c_grid, max_iter, mean_scaled)
    else:
        predict, chosen_c = grid_search(X, y, pool, c_grid, max_iter)
    fit_ms = (time.perf_counter() - started) * 1000
    fit_cpu_ms = (time.process_time() - cpu_started) * 1000
    predicted = predict(X[test])
    return {
        "accuracy": float(accuracy_score(y[test], predicted)),
        "macroF1": float(f1_score(y[test], predicted, average="macro", zero_division=0)),
        "fitMs": fit_ms,
        "fitCpuMs": fit_cpu_ms,
        "chosenC": chosen_c,
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
