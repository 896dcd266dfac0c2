"""CPU time per epoch of nncourse.MLP against scikit-learn's MLPClassifier and PyTorch.

Every framework trains the same architecture on the same float32 data with the same batch size,
epochs, learning rate and momentum (0.9, Nesterov off, no weight decay, no early stopping), on one
BLAS thread. Runs are interleaved (nncourse, scikit-learn, PyTorch, then the other way round, ...)
so that load on a shared machine hits all of them alike. The script prints two ratios
``time(nncourse) / time(reference)``, below 1 when nncourse is faster: the median of the per-run
ratios, which the targets are judged on, and the ratio of the fastest runs. Accuracies are printed
too. A last case times ``fit`` with Adam and RMSProp against ``fit`` with momentum, in the same
way but with each run the fastest of three back-to-back trainings (min of k: a burst of other load
then rarely counts), and the update step of each alone.

Run from the repository root::

    python benchmarks/bench_mlp.py            # all cases
    python benchmarks/bench_mlp.py --quick    # fewer runs, smaller synthetic data
    python benchmarks/bench_mlp.py --optimizers   # only fit with Adam and RMSProp

PyTorch is optional (not a requirement of nncourse): without it its columns are skipped.
"""

from __future__ import annotations

import argparse
import itertools
import time
import timeit
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from nncourse.datasets import digits
from nncourse.network import MLP
from nncourse.optim import make_update, momentum_step

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


def compare(title, data, sizes, batch_size, epochs, runs, contenders, ours="nncourse", repeats=1):
    """Interleave runs of every contender; print and return the time ratios of ``ours`` to each.

    In each run every contender trains ``repeats`` times back to back and keeps its fastest time (a
    burst of load from other processes then rarely counts), and every other run goes through the
    contenders in reverse order. Returns ``{name: (median, fastest)}``: the median of the per-run
    ratios, which the targets are judged on, and the ratio of the fastest runs of all.
    """
    print(f"\n## {title}")
    print(f"sizes {sizes}, batch {batch_size}, {epochs} epochs, {runs} runs × {repeats}, float32")
    times = {name: [] for name in contenders}
    accuracy = {}
    for run in range(runs):
        order = list(contenders) if run % 2 == 0 else list(contenders)[::-1]
        for name in order:
            tries = [contenders[name](data, sizes, batch_size, epochs, run) for _ in range(repeats)]
            seconds, accuracy[name] = min(tries)
            times[name].append(seconds)
    ours_times = np.array(times[ours])
    ratios = {
        name: (float(np.median(ours_times / seconds)), ours_times.min() / min(seconds))
        for name, seconds in times.items()
    }
    print(f"{'':16s} {'ms/epoch: median':>17s} {'fastest':>8s} {'test accuracy':>14s}", end="")
    print(f" {ours + ' / this: median':>27s} {'fastest':>8s}")
    for name, seconds in times.items():
        median, fastest = ratios[name]
        print(f"{name:16s} {1e3 * np.median(seconds):17.2f} {1e3 * min(seconds):8.2f}", end="")
        print(f" {accuracy[name]:14.3f} {median:27.3f} {fastest:8.3f}")
    return ratios


def update_step_times(data, sizes, repeats=7, number=2000):
    """Print the CPU time of one `make_update` step on the network's parameters, per optimiser."""
    X_train, _, y_train, _ = data
    net = MLP(sizes, "relu", "softmax", "categorical_cross_entropy", seed=0, dtype="float32")
    grad = np.empty_like(net._theta)
    net._backprop(net._as_X(X_train[:32]), net._as_Y(y_train[:32], 32), net._split(grad))
    steps = {
        "momentum": make_update("sgd", net._theta.copy(), LR, MOMENTUM),
        "Adam": make_update("adam", net._theta.copy(), ADAPTIVE_LR),
        "RMSProp": make_update("rmsprop", net._theta.copy(), ADAPTIVE_LR),
    }
    best = {name: [] for name in steps}
    for _ in range(repeats):  # interleaved, fastest of `repeats`
        for name, step in steps.items():
            seconds = timeit.timeit(lambda step=step: step(grad), time.process_time, number=number)
            best[name].append(seconds / number)
    print(
        f"\nOne update step alone on {net._theta.size} float32 parameters (fastest of {repeats}):"
    )
    for name, seconds in best.items():
        print(f"  {name:10s} {1e6 * min(seconds):6.2f} us")


def verdict(label, ratio, target, faster=True):
    """Print ``ratio`` (median, fastest) against ``target``, judged on the median."""
    median, fastest = ratio
    met = median <= target if faster else median >= target
    sign = "<=" if faster else ">="
    print(
        f"{label}: {median:.3f} (fastest runs {fastest:.3f}) "
        f"(target {sign} {target}) {'met' if met else 'NOT met'}"
    )


def framework_cases(runs, quick, references):
    """The comparisons with the other frameworks and with the per-example loop; their ratios."""
    small = digits(seed=0, dtype="float32")
    ratios = compare(
        "Digits 64-32-10, ReLU, softmax", small, [64, 32, 10], 32, 20, runs, references
    )
    loop = compare(
        "Vectorised fit against a per-example loop (digits, batch 32)",
        small,
        [64, 32, 10],
        32,
        5,
        max(3, runs // 2),
        {"nncourse": run_nncourse, "per-example loop": per_example_loop},
    )
    n_train = 10_000 if quick else 60_000
    big_ratios = compare(
        f"Synthetic {n_train}×784, 784-128-64-10, ReLU, softmax",
        synthetic(n_train, 10_000),
        [784, 128, 64, 10],
        256,
        2,
        3 if quick else 5,
        {name: f for name, f in references.items() if name != "scikit-learn"},
    )
    return ratios, loop, big_ratios


def optimizer_case(runs):
    """``fit`` with Adam and RMSProp against ``fit`` with momentum; time ratios adaptive / momentum."""
    small = digits(seed=0, dtype="float32")
    adaptive = {
        "fit, momentum": run_nncourse,
        "fit, Adam": run_adaptive("adam"),
        "fit, RMSProp": run_adaptive("rmsprop"),
    }
    ratios = compare(
        "fit with Adam and RMSProp against fit with momentum (digits, batch 32)",
        small,
        [64, 32, 10],
        32,
        20,
        runs,
        adaptive,
        ours="fit, momentum",
        repeats=3,
    )
    update_step_times(small, [64, 32, 10])
    # Inverted: adaptive / momentum (for an odd number of runs, the median inverts exactly).
    return {name: (1 / median, 1 / fastest) for name, (median, fastest) in ratios.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs and a smaller synthetic set"
    )
    parser.add_argument("--optimizers", action="store_true", help="only the Adam and RMSProp case")
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
        if not args.optimizers:
            ratios, loop, big_ratios = framework_cases(runs, args.quick, references)
        optimizers = optimizer_case(7 if args.quick else 15)

    print("\n## Targets (time ratios: median of the per-run ratios, and of the fastest runs)")
    if not args.optimizers:
        for name, target in {"PyTorch": 0.25, "scikit-learn": 0.35}.items():
            if name in ratios:
                verdict(f"digits, nncourse / {name}", ratios[name], target)
        if "PyTorch" in big_ratios:
            verdict("784-128-64-10, nncourse / PyTorch", big_ratios["PyTorch"], 0.8)
        speedup = tuple(1 / r for r in loop["per-example loop"])
        verdict("per-example loop / vectorised fit", speedup, 10, faster=False)
    for name in ("fit, Adam", "fit, RMSProp"):
        verdict(f"{name} / fit, momentum", optimizers[name], 1.2)


if __name__ == "__main__":
    main()
