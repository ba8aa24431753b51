"""numpy side of `npm run bench`: the same algorithms as dln, written as a numpy user would.

Reads one JSON job on stdin, prints one JSON result on stdout. Data and weights arrive as .npy
files (one sample per row, as users store them); weights as W1..WN in the column convention.
"""
import json
import sys
import time

import numpy as np


def gd_raw(X, Y, Ws, lr, steps):
    """GD on L = 1/2 ||Y - W_N..W_1 X||^2 from the raw data (X: d_x x m)."""
    N = len(Ws)
    for _ in range(steps):
        fwd = [np.eye(X.shape[0])]
        for W in Ws:
            fwd.append(W @ fwd[-1])
        R = fwd[-1] @ X - Y
        loss = 0.5 * np.sum(R * R)
        if not np.isfinite(loss):
            break
        G = R @ X.T
        back = G
        grads = [None] * N
        for j in range(N - 1, -1, -1):
            grads[j] = back @ fwd[j].T
            back = Ws[j].T @ back
        for W, g in zip(Ws, grads):
            W -= lr * g
    return loss


def gd_stats(Sxx, Syx, trYY, Ws, lr, steps):
    """GD from the sufficient statistics Sxx = X X^T, Syx = Y X^T."""
    N = len(Ws)
    for _ in range(steps):
        fwd = [np.eye(Sxx.shape[0])]
        for W in Ws:
            fwd.append(W @ fwd[-1])
        P = fwd[-1]
        G = P @ Sxx - Syx
        loss = 0.5 * (trYY - 2 * np.sum(P * Syx) + np.sum((P @ Sxx) * P))
        if not np.isfinite(loss):
            break
        back = G
        grads = [None] * N
        for j in range(N - 1, -1, -1):
            grads[j] = back @ fwd[j].T
            back = Ws[j].T @ back
        for W, g in zip(Ws, grads):
            W -= lr * g
    return loss


def gd_batched(Sxx, Syx, trYY, Ws, lr, steps):
    """GD on a batch of networks at once: every array has a leading batch axis, products are batched @."""
    N = len(Ws)
    B, d0 = Sxx.shape[0], Sxx.shape[1]
    eye = np.broadcast_to(np.eye(d0), (B, d0, d0))
    for _ in range(steps):
        fwd = [eye]
        for W in Ws:
            fwd.append(W @ fwd[-1])
        P = fwd[-1]
        PS = P @ Sxx
        G = PS - Syx
        loss = 0.5 * (trYY - 2 * np.sum(P * Syx, axis=(1, 2)) + np.sum(PS * P, axis=(1, 2)))
        back = G
        grads = [None] * N
        for j in range(N - 1, -1, -1):
            grads[j] = back @ np.swapaxes(fwd[j], 1, 2)
            back = np.swapaxes(Ws[j], 1, 2) @ back
        for W, g in zip(Ws, grads):
            W -= lr[:, None, None] * g
    return loss


def main():
    job = json.load(sys.stdin)
    kind = job["kind"]
    out = {"numpy": np.__version__}
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        pass
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
        t = time.perf_counter()
        loss = gd_batched(Sxx, Syx, trYY, Ws, lr, job["steps"])
        out.update(seconds=time.perf_counter() - t, loss=float(loss[0]))
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
        rng = np.random.default_rng(1)
        A = rng.standard_normal((job["n"], job["n"]))
        if job["op"] == "eigh":
            A = A + A.T
            f = lambda: np.linalg.eigh(A)
        else:
            f = lambda: np.linalg.svd(A)
        f()
        t = time.perf_counter()
        for _ in range(job["reps"]):
            f()
        out.update(seconds=(time.perf_counter() - t) / job["reps"])
    else:
        raise SystemExit(f"unknown job kind {kind}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
