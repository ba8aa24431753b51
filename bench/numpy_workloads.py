"""numpy side of `npm run bench`: the same algorithms as dln, written as a numpy user would.

Reads one JSON job on stdin, prints one JSON result on stdout. Data and weights arrive as .npy
files (one sample per row, as users store them); weights as W1..WN in the column convention.
"""
import json
import sys
import time

import numpy as np


def forward_products(Ws):
    """[None, W1, W2 W1, ..., P]: the products W_j..W_1 (fwd[0] is the identity, never formed)."""
    fwd = [None, Ws[0]]
    for W in Ws[1:]:
        fwd.append(W @ fwd[-1])
    return fwd


def backward(Ws, fwd, G):
    """Gradients W_{N:j+1}^T G W_{j-1:1}^T of every layer from G = dL/dP."""
    N = len(Ws)
    grads = [None] * N
    back = G
    for j in range(N - 1, 0, -1):
        grads[j] = back @ fwd[j].T
        back = Ws[j].T @ back
    grads[0] = back
    return grads


def gd_raw(X, Y, Ws, lr, steps):
    """GD on L = 1/2 ||Y - W_N..W_1 X||^2 from the raw data (X: d_x x m)."""
    loss = float("nan")
    for _ in range(steps):
        fwd = forward_products(Ws)
        R = fwd[-1] @ X - Y
        loss = 0.5 * np.sum(R * R)
        if not np.isfinite(loss):
            break
        for W, g in zip(Ws, backward(Ws, fwd, R @ X.T)):
            W -= lr * g
    return loss


def gd_stats(Sxx, Syx, trYY, Ws, lr, steps):
    """GD from the sufficient statistics Sxx = X X^T, Syx = Y X^T."""
    loss = float("nan")
    for _ in range(steps):
        fwd = forward_products(Ws)
        P = fwd[-1]
        PS = P @ Sxx
        G = PS - Syx
        loss = 0.5 * (trYY - 2 * np.sum(P * Syx) + np.sum(PS * P))
        if not np.isfinite(loss):
            break
        for W, g in zip(Ws, backward(Ws, fwd, G)):
            W -= lr * g
    return loss


def gd_batched(Sxx, Syx, trYY, Ws, lr, steps):
    """GD on a batch of networks at once: every array has a leading batch axis, products are batched @."""
    N = len(Ws)
    for _ in range(steps):
        fwd = [None, Ws[0]]
        for W in Ws[1:]:
            fwd.append(W @ fwd[-1])
        P = fwd[-1]
        PS = P @ Sxx
        G = PS - Syx
        loss = 0.5 * (trYY - 2 * np.sum(P * Syx, axis=(1, 2)) + np.sum(PS * P, axis=(1, 2)))
        back = G
        grads = [None] * N
        for j in range(N - 1, 0, -1):
            grads[j] = back @ np.swapaxes(fwd[j], 1, 2)
            back = np.swapaxes(Ws[j], 1, 2) @ back
        grads[0] = back
        for W, g in zip(Ws, grads):
            W -= lr[:, None, None] * g
    return loss


def blas_threads():
    """The thread count OpenBLAS reports inside this process (None when it cannot be asked)."""
    try:
        import ctypes
        paths = {line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()}
        for path in paths:
            lib = ctypes.CDLL(path)
            for sym in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
                if hasattr(lib, sym):
                    return int(getattr(lib, sym)())
    except OSError:
        pass
    return None


def timed_steps(run, min_seconds):
    """Seconds per step of run(steps), doubling the steps until one call takes min_seconds."""
    steps = 1
    while True:
        t = time.perf_counter()
        run(steps)
        t = time.perf_counter() - t
        if t >= min_seconds or steps >= 1 << 20:
            return t / steps
        steps *= 2


def sweep(job):
    """Seconds per GD step of random problems: widths n (square, N layers) or samples m (fixed widths)."""
    rng = np.random.default_rng(1)
    out = []
    for point in job["points"]:
        dims, m = point["dims"], point["m"]
        X = rng.standard_normal((dims[0], m))
        Y = rng.standard_normal((dims[-1], m))
        Ws = [rng.standard_normal((dims[j + 1], dims[j])) / np.sqrt(dims[j]) for j in range(len(dims) - 1)]
        lr = 1e-12
        row = {}
        if job.get("raw", True):
            row["raw"] = timed_steps(lambda k: gd_raw(X, Y, [W.copy() for W in Ws], lr, k), job["min_seconds"])
        Sxx, Syx, trYY = X @ X.T, Y @ X.T, float(np.sum(Y * Y))
        row["stats"] = timed_steps(lambda k: gd_stats(Sxx, Syx, trYY, [W.copy() for W in Ws], lr, k), job["min_seconds"])
        out.append(row)
    return out


def main():
    job = json.load(sys.stdin)
    kind = job["kind"]
    out = {"numpy": np.__version__, "blas_threads": blas_threads()}
    if kind in ("raw", "stats"):
        X = np.load(job["x"]).T.copy()
        Y = np.load(job["y"]).T.copy()
        Ws = [np.load(p).copy() for p in job["weights"]]
        t = time.perf_counter()
        if kind == "raw":
            loss = gd_raw(X, Y, Ws, job["lr"], job["steps"])
        else:
            Sxx, Syx, trYY = X @ X.T, Y @ X.T, float(np.sum(Y * Y))
            loss = gd_stats(Sxx, Syx, trYY, Ws, job["lr"], job["steps"])
        out.update(seconds=time.perf_counter() - t, loss=float(loss))
    elif kind == "batched":
        Sxx = np.load(job["sxx"])
        Syx = np.load(job["syx"])
        trYY = np.load(job["tryy"])
        Ws = [np.load(p).copy() for p in job["weights"]]
        lr = np.load(job["lr"])
        t, c = time.perf_counter(), time.process_time()
        loss = gd_batched(Sxx, Syx, trYY, Ws, lr, job["steps"])
        out.update(seconds=time.perf_counter() - t, cpu_seconds=time.process_time() - c, loss=float(loss[0]))
    elif kind == "gemm":
        n = job["n"]
        rng = np.random.default_rng(1)
        a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        reps = job["reps"]
        a @ b
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        out.update(seconds=(time.perf_counter() - t) / reps)
    elif kind == "decomp":
        if "matrix" in job:
            A = np.load(job["matrix"])
        else:
            A = np.random.default_rng(1).standard_normal((job["n"], job["n"]))
            if job["op"] != "svd":
                A = A + A.T
        f = {"eigh": lambda: np.linalg.eigh(A), "eigvalsh": lambda: np.linalg.eigvalsh(A), "svd": lambda: np.linalg.svd(A)}[job["op"]]
        f()
        times = []
        for _ in range(job["reps"]):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        out.update(seconds=float(np.median(times)))
    elif kind == "sweep":
        out.update(points=sweep(job))
    else:
        raise SystemExit(f"unknown job kind {kind}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
