"""CPU time per epoch of nncourse.MLP against scikit-learn's MLPClassifier and PyTorch.

Every framework trains the same architecture on the same float32 data with the same batch size,
epochs, learning rate and momentum (0.9, Nesterov off, no weight decay, no early stopping), on one
BLAS thread. Runs are interleaved (nncourse, scikit-learn, PyTorch, nncourse, ...) so that load on
a shared machine hits all of them alike, and the script prints the median of the per-run ratios
``time(nncourse) / time(reference)``; below 1 means nncourse is faster. Accuracies are printed too.
A last case times ``fit`` with Adam and RMSProp against ``fit`` with momentum, in the same way.

Run from the repository root::

    python benchmarks/bench_mlp.py            # all cases
    python benchmarks/bench_mlp.py --quick    # fewer runs, smaller synthetic data

PyTorch is optional (not a requirement of nncourse): without it its columns are skipped.
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from nncourse.datasets import digits
from nncourse.network import MLP
from nncourse.optim import momentum_step

try:
    import torch
except ImportError:  # PyTorch is only a reference; the benchmark runs without it
    torch = None

LR, MOMENTUM = 0.1, 0.9
ADAPTIVE_LR = 0.001  # PyTorch's default for Adam; the adaptive methods take smaller steps


def cpu_seconds(train) -> float:
    """CPU time of one call of ``train`` (process time: not disturbed by other processes' load)."""
    start = time.process_time()
    train()
    return time.process_time() - start


# ----- one training run per framework; each returns (seconds per epoch, test accuracy) -----


def run_nncourse(data, sizes, batch_size, epochs, seed):
    X_train, X_test, y_train, y_test = data
    net = MLP(sizes, "relu", "softmax", "categorical_cross_entropy", seed=seed, dtype="float32")
    seconds = cpu_seconds(
        lambda: net.fit(X_train, y_train, epochs, LR, batch_size, MOMENTUM, seed=seed)
    )
    return seconds / epochs, np.mean(net.predict(X_test) == y_test)


def run_adaptive(optimizer):
    """A runner like `run_nncourse` that trains with ``fit(optimizer=optimizer)``."""

    def run(data, sizes, batch_size, epochs, seed):
        X_train, X_test, y_train, y_test = data
        net = MLP(sizes, "relu", "softmax", "categorical_cross_entropy", seed=seed, dtype="float32")
        seconds = cpu_seconds(
            lambda: net.fit(
                X_train, y_train, epochs, ADAPTIVE_LR, batch_size, seed=seed, optimizer=optimizer
            )
        )
        return seconds / epochs, np.mean(net.predict(X_test) == y_test)

    return run


def run_sklearn(data, sizes, batch_size, epochs, seed):
    X_train, X_test, y_train, y_test = data
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(sizes[1:-1]),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=LR,
        momentum=MOMENTUM,
        nesterovs_momentum=False,
        max_iter=epochs,
        shuffle=True,
        early_stopping=False,
        n_iter_no_change=epochs + 1,  # never stop early: exactly `epochs` epochs
        tol=0.0,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # "max_iter reached": intended
        seconds = cpu_seconds(lambda: clf.fit(X_train, y_train))
    return seconds / epochs, np.mean(clf.predict(X_test) == y_test)


def run_torch(data, sizes, batch_size, epochs, seed):
    X_train, X_test, y_train, y_test = data
    torch.manual_seed(seed)
    linear = [torch.nn.Linear(n_in, n_out) for n_in, n_out in itertools.pairwise(sizes)]
    modules = []
    for layer in linear[:-1]:
        modules += [layer, torch.nn.ReLU()]
    model = torch.nn.Sequential(*modules, linear[-1])
    optimiser = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_function = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(X_train), torch.from_numpy(y_train)
    n = len(X)

    def train():
        for _ in range(epochs):
            # The same data handling as nncourse: a new order every epoch, each batch gathering
            # its rows just before use, and the epoch's loss tracked from the mini-batches.
            order = torch.randperm(n)
            total = 0.0
            for start in range(0, n, batch_size):
                rows = order[start : start + batch_size]
                xb, yb = X[rows], y[rows]
                optimiser.zero_grad()
                loss = loss_function(model(xb), yb)
                loss.backward()
                optimiser.step()
                total += loss.item() * len(xb)

    seconds = cpu_seconds(train)
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(X_test)).argmax(dim=1).numpy() == y_test).mean()
    return seconds / epochs, accuracy


def per_example_loop(data, sizes, batch_size, epochs, seed):
    """The same mini-batch SGD with the same backpropagation code, but run on one example at a time.

    Each batch's gradient is the mean of its examples' gradients, so this computes exactly what
    `fit` computes; only the vectorisation over the batch is missing. It calls the network's
    internal ``_backprop`` on checked arrays, so input checks are not part of the difference.
    """
    X_train, X_test, y_train, y_test = data
    net = MLP(sizes, "relu", "softmax", "categorical_cross_entropy", seed=seed, dtype="float32")
    X, Y = net._as_X(X_train), net._as_Y(y_train, len(X_train))
    rng = np.random.default_rng(seed)
    theta, velocity = net._theta, np.zeros_like(net._theta)
    grad_one = np.empty_like(theta)
    grads_one = net._split(grad_one)

    def train():
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                grad_sum = np.zeros_like(theta)
                for i in batch:
                    net._backprop(X[i : i + 1], Y[i : i + 1], grads_one)
                    grad_sum += grad_one
                momentum_step(theta, velocity, grad_sum / len(batch), LR, MOMENTUM)

    seconds = cpu_seconds(train)
    return seconds / epochs, np.mean(net.predict(X_test) == y_test)


# ----- data -----


def synthetic(n_train, n_test, n_features=784, n_classes=10, seed=0):
    """Noisy points around random class centres in [0, 0.3]^784 (the size of flattened 28×28 images).

    Unit-variance noise makes the classes overlap, so accuracy stays below 100%.
    """
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.0, 0.3, (n_classes, n_features)).astype(np.float32)
    y = rng.integers(0, n_classes, n_train + n_test)
    X = centres[y] + rng.normal(0.0, 1.0, (len(y), n_features)).astype(np.float32)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


# ----- report -----


def compare(title, data, sizes, batch_size, epochs, runs, contenders, ours="nncourse"):
    """Interleave runs of every contender and print medians of per-run ratios of ``ours`` to each."""
    print(f"\n## {title}")
    print(f"sizes {sizes}, batch {batch_size}, {epochs} epochs per run, {runs} runs, float32")
    times = {name: [] for name in contenders}
    accuracy = {}
    for run in range(runs):
        for name, train in contenders.items():
            seconds, accuracy[name] = train(data, sizes, batch_size, epochs, seed=run)
            times[name].append(seconds)
    numerator = np.array(times[ours])
    header = f"{ours} / this"
    print(f"{'':16s} {'ms/epoch (median)':>18s} {'test accuracy':>14s} {header:>18s}")
    for name, seconds in times.items():
        ratio = np.median(numerator / np.array(seconds))
        print(f"{name:16s} {1e3 * np.median(seconds):18.2f} {accuracy[name]:14.3f} {ratio:18.3f}")
    return {
        name: float(np.median(numerator / np.array(seconds))) for name, seconds in times.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs and a smaller synthetic set"
    )
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    if torch is not None:
        torch.set_num_threads(1)
        print(f"PyTorch {torch.__version__}")
    else:
        print("PyTorch not installed: its comparisons are skipped (pip install torch)")
    references = {"nncourse": run_nncourse, "scikit-learn": run_sklearn}
    if torch is not None:
        references["PyTorch"] = run_torch

    with threadpool_limits(limits=1):  # one BLAS thread for NumPy and scikit-learn
        small = digits(seed=0, dtype="float32")
        ratios = compare(
            "Digits 64-32-10, ReLU, softmax", small, [64, 32, 10], 32, 20, runs, references
        )
        targets = {"PyTorch": 0.25, "scikit-learn": 0.35}

        loop = compare(
            "Vectorised fit against a per-example loop (digits, batch 32)",
            small,
            [64, 32, 10],
            32,
            5,
            max(3, runs // 2),
            {"nncourse": run_nncourse, "per-example loop": per_example_loop},
        )

        adaptive = {
            "fit, momentum": run_nncourse,
            "fit, Adam": run_adaptive("adam"),
            "fit, RMSProp": run_adaptive("rmsprop"),
        }
        optimizers = compare(
            "fit with Adam and RMSProp against fit with momentum (digits, batch 32)",
            small,
            [64, 32, 10],
            32,
            20,
            runs,
            adaptive,
            ours="fit, momentum",
        )

        n_train = 10_000 if args.quick else 60_000
        big = synthetic(n_train, 10_000)
        big_refs = {name: f for name, f in references.items() if name != "scikit-learn"}
        big_ratios = compare(
            f"Synthetic {n_train}×784, 784-128-64-10, ReLU, softmax",
            big,
            [784, 128, 64, 10],
            256,
            2,
            5 if not args.quick else 3,
            big_refs,
        )

    print("\n## Targets (nncourse time / reference time)")
    for name, target in targets.items():
        if name in ratios:
            verdict = "met" if ratios[name] <= target else "NOT met"
            print(f"digits vs {name}: {ratios[name]:.3f} (target <= {target}) {verdict}")
    if "PyTorch" in big_ratios:
        verdict = "met" if big_ratios["PyTorch"] <= 0.8 else "NOT met"
        print(f"784-128-64-10 vs PyTorch: {big_ratios['PyTorch']:.3f} (target <= 0.8) {verdict}")
    for name in ("fit, Adam", "fit, RMSProp"):
        ratio = 1 / optimizers[name]
        verdict = "met" if ratio <= 1.2 else "NOT met"
        print(f"{name} vs fit, momentum: {ratio:.3f} (target <= 1.2) {verdict}")
    speedup = 1 / loop["per-example loop"]
    print(
        f"vectorised fit vs per-example loop: {speedup:.1f}x faster (target >= 10) {'met' if speedup >= 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
