#!/usr/bin/env python3
"""The seeds' MLflow training loop, with scikit-learn in place of PyTorch; nothing here knows Sweep.

Run it by hand and the offline `mlflow` module (clients/python/mlflow_shim first on PYTHONPATH)
records a standalone run; under `sweep run examples/mlflow_sklearn.yaml` the agent puts that module
on PYTHONPATH itself and each trial's values arrive as --lr=... on the command line. The classifier
is an SGDClassifier trained one epoch at a time (partial_fit over mini-batches), so the per-epoch
train_loss and val_accuracy curves are real. A nested run holds the per-class evaluation.
"""
import argparse
import os
import pickle
import tempfile

import mlflow
import mlflow.sklearn
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import confusion_matrix, log_loss
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch_size", type=int, default=64)
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--alpha", type=float, default=1e-4)  # L2 penalty: the linear model's "dropout"
args = parser.parse_args()

# --- Generate data ---
X, y = make_classification(n_samples=2000, n_features=20, n_classes=3, n_informative=10, random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
classes = np.unique(y)
rng = np.random.default_rng(0)

# --- Model ---
model = SGDClassifier(loss="log_loss", learning_rate="constant", eta0=args.lr, alpha=args.alpha, random_state=0)

# --- Track with MLflow ---
mlflow.set_experiment("classification-experiment")
with mlflow.start_run(run_name="sgd-baseline") as run:
    # Log hyperparameters
    mlflow.log_params({
        "lr": args.lr,
        "batch_size": args.batch_size,
        "epochs": args.epochs,
        "architecture": "SGD-logistic",
        "alpha": args.alpha,
        "optimizer": "SGD",
    })
    mlflow.log_input(mlflow.data.from_numpy(X_train, targets=y_train, source="make_classification(random_state=42)",
                                            name="synthetic-3class"), context="training")
    # Training loop
    for epoch in range(args.epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            model.partial_fit(X_train[batch], y_train[batch], classes=classes)
        avg_loss = log_loss(y_train, model.predict_proba(X_train), labels=classes)
        mlflow.log_metric("train_loss", avg_loss, step=epoch)
        # Validation
        preds = model.predict(X_test)
        acc = (preds == y_test).mean()
        mlflow.log_metric("val_accuracy", acc, step=epoch)
    # Log final metrics
    mlflow.log_metric("final_accuracy", acc)
    # Per-class evaluation in a nested run, linked to this one by mlflow.parentRunId
    with mlflow.start_run(run_name="per-class-eval", nested=True):
        matrix = confusion_matrix(y_test, preds, labels=classes)
        for label, row in zip(classes, matrix):
            mlflow.log_metric("recall_class_%d" % label, row[label] / max(row.sum(), 1))
        mlflow.log_dict({"labels": classes.tolist(), "matrix": matrix.tolist()}, "confusion_matrix.json")
    # Log model artifact
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "model.pkl")
        with open(path, "wb") as handle:
            pickle.dump(model, handle)
        mlflow.log_artifact(path)
    # Log as MLflow model (enables registry + serving)
    mlflow.sklearn.log_model(model, "model")
    print(f"Final accuracy: {acc:.3f}")
