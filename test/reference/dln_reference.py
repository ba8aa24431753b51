#!/usr/bin/env python3
"""Independent NumPy reference for dln, written from THEORY.md (§1–§7, §9–§10) alone.

Used by test/reference/crossCheck.test.ts: it reads one JSON request on stdin,
{"tasks": [{"op": ..., ...}, ...]}, and writes {"results": [...]} on stdout (one result per task,
or {"error": message} for a task that failed). Data files hold one sample per row (as dln's
--x/--y files), so X = X_file.T (d_0 × m) and Y = Y_file.T (d_N × m); weights files are .npz
archives with W1..WN, W_j of shape d_j × d_{j−1}.

Conventions (THEORY §1): L(W) = ½‖W_N⋯W_1 X − Y‖_F², ‖·‖ spectral norm, ‖·‖_F Frobenius,
index sets S 0-based inside this file and 1-based in every JSON answer.

`python3 dln_reference.py --self-check` runs the reference's own consistency checks (gradient and
Hessian against finite differences, Baldi–Hornik product against whitened Eckart–Young, critical
points of every S against Theorem 7 and the Hessian) and exits non-zero when one fails.
"""

import itertools
import json
import math
import sys

import numpy as np

RANK_TOL = 1e-9      # THEORY §7: singular values > 1e-9·max(1, σ_1) count
SIGN_TOL = 1e-9      # THEORY §7: λ < −1e-9·max|λ| is negative
GRAD_TOL = 1e-8      # relative gradient norm below which a point is taken as critical


# ---------------------------------------------------------------------------------------------
# data and weights


class Data:
    """X (d_0 × m), Y (d_N × m) and the statistics of THEORY §1.3 and §5.1."""

    def __init__(self, X, Y):
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = np.asarray(Y, dtype=np.float64)
        self.dx, self.m = self.X.shape
        self.dy = self.Y.shape[0]
        self.Sxx = self.X @ self.X.T
        self.Sxy = self.X @ self.Y.T
        self.Syx = self.Sxy.T.copy()
        self.Syy = self.Y @ self.Y.T
        self._spectrum = None

    @staticmethod
    def load(xpath, ypath):
        return Data(np.load(xpath).T, np.load(ypath).T)

    def sxx_invertible(self):
        if self.dx > self.m:
            return False
        ev = np.linalg.eigvalsh(self.Sxx)
        return ev[0] > 1e-12 * max(ev[-1], 1e-300)

    def sigma_min_x(self):
        s = np.linalg.svd(self.X, compute_uv=False)
        return s[-1] if self.dx <= self.m else 0.0

    def ols(self):
        """Σ_YX Σ_XX^{−1} (solve, not an explicit inverse)."""
        return np.linalg.solve(self.Sxx, self.Sxy).T

    def spectrum(self):
        """(λ descending, U) of Σ = Σ_YX Σ_XX^{−1} Σ_XY (THEORY §5.1)."""
        if self._spectrum is None:
            S = self.ols() @ self.Sxy
            S = 0.5 * (S + S.T)
            lam, U = np.linalg.eigh(S)
            order = np.argsort(lam)[::-1]
            self._spectrum = (lam[order], U[:, order])
        return self._spectrum

    def tr_syy(self):
        return float(np.trace(self.Syy))


def load_weights(path):
    z = np.load(path)
    n = len(z.files)
    return [np.asarray(z[f"W{j + 1}"], dtype=np.float64) for j in range(n)]


def save_weights(path, W):
    np.savez(path, **{f"W{j + 1}": np.ascontiguousarray(w) for j, w in enumerate(W)})


def dims_of(W):
    return [W[0].shape[1]] + [w.shape[0] for w in W]


# ---------------------------------------------------------------------------------------------
# §1.2 products, §1.4 loss, §2.1 gradient


def prod(W, b, a):
    """W_{b:a} = W_b ⋯ W_a (1-based, inclusive); the empty product W_{a−1:a} is I_{d_{a−1}}."""
    if b < a:
        return np.eye(W[a - 2].shape[0] if a >= 2 else W[0].shape[1])
    out = W[a - 1]
    for k in range(a + 1, b + 1):
        out = W[k - 1] @ out
    return out


def ident(d):
    return np.eye(d)


def A_(W, j):  # W_{N:j+1}
    N = len(W)
    return prod(W, N, j + 1) if j < N else ident(W[N - 1].shape[0])


def B_(W, j):  # W_{j−1:1}
    return prod(W, j - 1, 1) if j > 1 else ident(W[0].shape[1])


def C_(W, i, j):  # W_{j−1:i+1}, i < j
    return prod(W, j - 1, i + 1) if j > i + 1 else ident(W[i - 1].shape[0])


def product(W):
    return prod(W, len(W), 1)


def loss(W, d):
    E = product(W) @ d.X - d.Y
    return 0.5 * float(np.sum(E * E))


def G_(W, d):
    return product(W) @ d.Sxx - d.Syx


def gradient(W, d):
    G = G_(W, d)
    return [A_(W, j).T @ G @ B_(W, j).T for j in range(1, len(W) + 1)]


def flat(ws):
    return np.concatenate([w.reshape(-1) for w in ws])


def unflat(theta, dims):
    out, o = [], 0
    for j in range(1, len(dims)):
        n = dims[j] * dims[j - 1]
        out.append(theta[o:o + n].reshape(dims[j], dims[j - 1]))
        o += n
    return out


def grad_norm(W, d):
    return float(np.linalg.norm(flat(gradient(W, d))))


# ---------------------------------------------------------------------------------------------
# §2.4 dense Hessian, and the Hessian by central differences of the gradient


def hessian(W, d):
    N = len(W)
    dims = dims_of(W)
    sizes = [dims[j] * dims[j - 1] for j in range(1, N + 1)]
    offs = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    p = int(offs[-1])
    J = np.zeros((dims[N] * d.m, p))
    for j in range(1, N + 1):
        J[:, offs[j - 1]:offs[j]] = np.kron(A_(W, j), (B_(W, j) @ d.X).T)
    H = J.T @ J
    G = G_(W, d)
    K = np.zeros((p, p))
    for j in range(1, N + 1):
        for i in range(1, j):
            Mij = A_(W, j).T @ G @ B_(W, i).T          # d_j × d_{i−1}
            Cij = C_(W, i, j)                           # d_{j−1} × d_i
            # H[(j,a,b),(i,c,dd)] = Mij[a,dd]·Cij[b,c]
            blk = np.einsum("ad,bc->abcd", Mij, Cij).reshape(dims[j] * dims[j - 1], dims[i] * dims[i - 1])
            K[offs[j - 1]:offs[j], offs[i - 1]:offs[i]] = blk
    return H + K + K.T


def hessian_fd(W, d, h=None):
    dims = dims_of(W)
    theta = flat(W)
    p = theta.size
    scale = max(1.0, float(np.max(np.abs(theta))))
    h = h if h is not None else 1e-5 * scale
    H = np.zeros((p, p))
    for k in range(p):
        e = np.zeros(p)
        e[k] = h
        gp = flat(gradient(unflat(theta + e, dims), d))
        gm = flat(gradient(unflat(theta - e, dims), d))
        H[:, k] = (gp - gm) / (2 * h)
    return 0.5 * (H + H.T)


def gradient_fd(W, d, h=None):
    dims = dims_of(W)
    theta = flat(W)
    h = h if h is not None else 1e-6 * max(1.0, float(np.max(np.abs(theta))))
    g = np.zeros_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        g[k] = (loss(unflat(theta + e, dims), d) - loss(unflat(theta - e, dims), d)) / (2 * h)
    return g


# ---------------------------------------------------------------------------------------------
# §3 invariants and balancedness


def invariants(W):
    return [W[j].T @ W[j] - W[j - 1] @ W[j - 1].T for j in range(1, len(W))]


def sym_norm(C, norm):
    if norm == "frobenius":
        return float(np.linalg.norm(C))
    return float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (C + C.T))))) if C.size else 0.0


def balancedness(W, norm="spectral"):
    Cs = invariants(W)
    return max([sym_norm(C, norm) for C in Cs], default=0.0)


# ---------------------------------------------------------------------------------------------
# §4 the NRT bound


def c_n(choice, N):
    if choice == "(N+1)^2":
        return float((N + 1) ** 2)
    if choice == "N-1":
        return float(N - 1)
    raise ValueError(f"c_N choice {choice!r}")


def nrt_inputs(W, d, norm="spectral"):
    N = len(W)
    L0 = loss(W, d)
    smin = d.sigma_min_x()
    normY = float(np.linalg.norm(d.Y, 2))
    M = (math.sqrt(2 * L0) + normY) / smin
    return {
        "N": N, "L0": L0, "M": M, "sigmaMinX": float(smin), "normY": normY,
        "normX": float(np.linalg.norm(d.X, 2)), "normXY": float(np.linalg.norm(d.Sxy, 2)),
        "balancedness": balancedness(W, norm), "weightScale": weight_scale(W),
    }


def nrt_at(inp, cN, delta):
    N, M, L0 = inp["N"], inp["M"], inp["L0"]
    alpha = inp["balancedness"] / delta
    K = M ** (2.0 / N) + cN * delta
    B = 2 * math.e * N * K ** (N - 1) * inp["normX"] ** 2 + math.sqrt(math.e) * N * K ** (N / 2 - 1) * inp["normXY"]
    eta = 2 * (1 - alpha) * delta / (4 * L0 + (1 - alpha) * delta * B)
    return {"K": K, "B": B, "alpha": alpha, "etaMax": eta}


def optimal_delta(inp, cN):
    """argmax over δ > bal of η_max(δ): a log grid on δ − bal, then golden-section refinement."""
    bal = inp["balancedness"]
    base = max(inp["M"] ** (2.0 / inp["N"]) / max(cN, 1.0), bal, 1e-300)

    def f(t):  # t = log(δ − bal)
        return nrt_at(inp, cN, bal + math.exp(t))["etaMax"]

    ts = np.linspace(math.log(base) - 60, math.log(base) + 30, 9001)
    vals = np.array([f(t) for t in ts])
    k = int(np.argmax(vals))
    lo, hi = ts[max(k - 1, 0)], ts[min(k + 1, len(ts) - 1)]
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c1, c2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = f(c1), f(c2)
    for _ in range(200):
        if f1 >= f2:
            b, c2, f2 = c2, c1, f1
            c1 = b - g * (b - a)
            f1 = f(c1)
        else:
            a, c1, f1 = c1, c2, f2
            c2 = a + g * (b - a)
            f2 = f(c2)
    return bal + math.exp(0.5 * (a + b))


def closed_form(inp, cN):
    """THEORY §4.4(b): δ* = M^{2/N}/(N c_N), K = (1+1/N)M^{2/N}, K-powers bounded by e and √e."""
    N, M, L0 = inp["N"], inp["M"], inp["L0"]
    delta = M ** (2.0 / N) / (N * cN)
    alpha = inp["balancedness"] / delta
    if alpha >= 1:
        return None
    eta = 2 * (1 - alpha) * M ** (2.0 / N) / (
        N * (4 * cN * L0 + (1 - alpha) * (2 * math.e ** 2 * M ** 2 * inp["normX"] ** 2 + math.e * M * inp["normXY"])))
    return {"etaMax": eta, "delta": delta, "alpha": alpha}


def nrt_bound(W, d, cn_choice="(N+1)^2", delta="remark", norm="spectral"):
    if not d.sxx_invertible():
        return {"error": "Σ_XX singular", "premise": "sigma-xx-singular"}
    inp = nrt_inputs(W, d, norm)
    N = inp["N"]
    cN = c_n(cn_choice, N)
    if delta == "remark":
        dl = inp["M"] ** (2.0 / N) / (N * cN)
    elif delta == "optimal":
        dl = optimal_delta(inp, cN)
    else:
        dl = float(delta)
    out = dict(inp)
    out.update({"cN": cN, "delta": dl})
    if not dl > inp["balancedness"]:
        out.update({"error": "α ≥ 1", "premise": "alpha-below-one"})
        return out
    out.update(nrt_at(inp, cN, dl))
    # §4.4(b) exactly as printed ((N+1)², whatever --c-n), and its c_N-general form
    out["closedForm"] = closed_form(inp, float((N + 1) ** 2))
    out["closedFormCN"] = closed_form(inp, cN) if cN > 0 else None
    return out


# ---------------------------------------------------------------------------------------------
# §5 landscape


def rank(A):
    if A.size == 0:
        return 0
    s = np.linalg.svd(A, compute_uv=False)
    return int(np.sum(s > RANK_TOL * max(1.0, s[0])))


def critical_values(d, dims):
    lam, _ = d.spectrum()
    rmax = min(dims)
    tr = d.tr_syy()
    pts = []
    for r in range(0, rmax + 1):
        for S in itertools.combinations(range(d.dy), r):
            pts.append({"subset": [i + 1 for i in S], "rank": r, "loss": 0.5 * (tr - float(sum(lam[list(S)])))})
    pts.sort(key=lambda p: p["loss"])
    plateaus = [0.5 * (tr - float(np.sum(lam[:r]))) for r in range(rmax + 1)]
    E = d.ols() @ d.X - d.Y
    return {
        "rMax": rmax, "eigenvalues": lam.tolist(), "trSigmaYY": tr, "lossOLS": 0.5 * float(np.sum(E * E)),
        "criticalPoints": pts, "globalMinimum": {"subset": list(range(1, rmax + 1)), "rank": rmax,
                                                 "loss": plateaus[rmax]},
        "plateaus": plateaus,
    }


def best_rank_r(d, r):
    """§5.4 both ways: U_[r]U_[r]ᵀΣ_YXΣ_XX^{−1}, and whitened Eckart–Young."""
    lam, U = d.spectrum()
    Ur = U[:, :r]
    P1 = Ur @ Ur.T @ d.ols()
    ev, V = np.linalg.eigh(d.Sxx)
    Sxx_mhalf = V @ np.diag(ev ** -0.5) @ V.T
    Q = d.Syx @ Sxx_mhalf
    u, s, vt = np.linalg.svd(Q)
    P2 = (u[:, :r] * s[:r]) @ vt[:r] @ Sxx_mhalf
    return P1, P2


def subset_of(P, d):
    """§5.2: i ∈ S ⇔ u_iᵀ P (Σ_YXΣ_XX^{−1})^+ u_i ≈ 1."""
    lam, U = d.spectrum()
    proj = P @ np.linalg.pinv(d.ols())
    diag = np.einsum("ij,ik,kj->j", U, proj, U)
    return [i for i in range(d.dy) if diag[i] > 0.5], diag


def random_gauge(rng, n, cond):
    Q1, R1 = np.linalg.qr(rng.standard_normal((n, n)))
    Q1 = Q1 * np.sign(np.diag(R1))
    Q2, R2 = np.linalg.qr(rng.standard_normal((n, n)))
    Q2 = Q2 * np.sign(np.diag(R2))
    s = np.exp(rng.uniform(0, math.log(cond), n))
    s[0], s[-1] = 1.0, cond * 0.999 if n > 1 else 1.0
    return Q1 @ np.diag(s) @ Q2


def build_critical_point(d, dims, S, kind, rng, gauge=True, cond=5.0, random_blocks=True):
    """§5.7. S 0-based. kind: 'strict' | 'non-strict' | 'outer' | 'global' | 'auto'.

    Beyond the CLI's presets, the free blocks are random where §5.7 allows (r = r_max: any Z;
    strict with S = {1..r}: random middle blocks; non-strict: Z_2 = 0, other middle blocks random)."""
    N = len(dims) - 1
    r = len(S)
    rmax = min(dims)
    lam, U = d.spectrum()
    Q = [i for i in range(d.dy) if i not in S]
    US, UQ = U[:, S], U[:, Q]
    Z = {}
    for h in range(1, N + 1):
        rows = dims[h] - r
        cols = dims[h - 1] - (r if h > 1 else 0)
        Z[h] = np.zeros((rows, cols)) if h < N else np.zeros((d.dy - r, dims[N - 1] - r))
    rnd = (lambda shp: rng.standard_normal(shp)) if random_blocks else (lambda shp: np.zeros(shp))
    top = list(range(r)) == list(S)
    if r == rmax:
        for h in Z:
            Z[h] = rnd(Z[h].shape)
        if all(z.size > 0 for z in Z.values()):
            # r_max = d_x < d_y (outside Assumption 1): no block is empty, so Z_N⋯Z_1 need not vanish;
            # Prop. 10's two zero blocks keep the point critical
            Z[1] = np.zeros(Z[1].shape)
            Z[N] = np.zeros(Z[N].shape)
    elif N >= 3:
        if kind == "strict" and top:
            for h in range(2, N):
                Z[h] = rnd(Z[h].shape) if random_blocks else np.zeros(Z[h].shape)
                if not random_blocks:
                    Z[h][0, 0] = 1.0
        elif kind == "non-strict" and top:
            for h in range(3, N):
                Z[h] = rnd(Z[h].shape)
        elif kind == "outer":  # N ≥ 4: every middle block zero, Z_1 and Z_N random (Prop. 10 still holds)
            Z[1] = rnd(Z[1].shape)
            Z[N] = rnd(Z[N].shape)
        else:  # S not the top r: any middle blocks, Z_1 = Z_N = 0
            for h in range(2, N):
                Z[h] = rnd(Z[h].shape)
    D = {h: (random_gauge(rng, dims[h], cond) if gauge else np.eye(dims[h])) for h in range(1, N)}
    Dinv = {h: np.linalg.inv(D[h]) for h in D}
    W = [None] * N
    W[N - 1] = np.hstack([US, UQ @ Z[N]]) @ Dinv[N - 1]
    W[0] = D[1] @ np.vstack([US.T @ d.ols(), Z[1]])
    for h in range(2, N):
        blk = np.zeros((dims[h], dims[h - 1]))
        blk[:r, :r] = np.eye(r)
        blk[r:, r:] = Z[h]
        W[h - 1] = D[h] @ blk @ Dinv[h - 1]
    return W


def tightened(W, d, r):
    """§5.5: every pivot (i, j), 1 ≤ j < i ≤ N, has a complementary block of rank exactly r."""
    N = len(W)
    for i in range(2, N + 1):
        for j in range(1, i):
            B1 = B_(W, j) @ d.Sxy @ A_(W, i)        # W_{j−1:1} Σ_XY W_{N:i+1}
            B2 = C_(W, j, i)                          # W_{i−1:j+1}
            if rank(B1) != r and rank(B2) != r:
                return False
    return True


def weight_scale(W):
    """max_j ‖W_j‖², the scale of the invariants C_j (round-off in bal(W) is ε times this)."""
    return max(float(np.linalg.norm(w, 2)) ** 2 for w in W)


def gradient_scale(W, d):
    norms = [np.linalg.norm(w, 2) for w in W]
    N = len(W)
    s = 0.0
    for j in range(N):
        pj = float(np.prod([norms[i] for i in range(N) if i != j]))
        s += pj * (np.linalg.norm(d.Syx, 2) + np.linalg.norm(d.Sxx, 2) * float(np.prod(norms)))
    return s


def hessian_term_scale(W, d):
    """The size of the terms that make up the Hessian (§2.3), from the partial products:
    ‖Σ_XX‖·max_j(‖A_j‖‖B_j‖)² + (‖P‖‖Σ_XX‖ + ‖Σ_YX‖)·max_{i<j}‖A_j‖‖C_ij‖‖B_i‖ (spectral norms).
    Round-off in the Hessian's entries is a small multiple of ε times this."""
    N = len(W)
    n2 = lambda A: float(np.linalg.norm(A, 2)) if A.size else 0.0
    sxx, syx, Pn = n2(d.Sxx), n2(d.Syx), n2(product(W))
    gn = max(n2(A_(W, j)) * n2(B_(W, j)) for j in range(1, N + 1))
    pair = max([n2(A_(W, j)) * n2(C_(W, i, j)) * n2(B_(W, i)) for j in range(1, N + 1) for i in range(1, j)], default=0.0)
    return sxx * gn ** 2 + (Pn * sxx + syx) * pair


def relative_gradient(W, d):
    """‖∇L‖ over Σ_j Π_{i≠j}‖W_i‖·(‖Σ_YX‖ + ‖Σ_XX‖Π_i‖W_i‖), a bound of the same units."""
    return grad_norm(W, d) / max(gradient_scale(W, d), 1e-300)


def theorem7(W, d, critical):
    if not critical:
        return {"theorem7": "not-critical"}
    dims = dims_of(W)
    rmax = min(dims)
    P = product(W)
    r = rank(P)
    S, diag = subset_of(P, d)
    top = S == list(range(r))
    t = None
    if r == rmax:
        v = "global-minimum" if top else "strict-saddle"
    elif not top:
        v = "strict-saddle"
    else:
        t = tightened(W, d, r)
        v = "non-strict-saddle" if t else "strict-saddle"
    lam, _ = d.spectrum()
    return {"theorem7": v, "subset": [i + 1 for i in S], "rank": r, "rMax": rmax, "tightened": t,
            "criticalValue": 0.5 * (d.tr_syy() - float(sum(lam[S])))}


def classify(W, d, with_fd=False):
    dims = dims_of(W)
    L = loss(W, d)
    gn = grad_norm(W, d)
    relg = relative_gradient(W, d)
    critical = relg <= GRAD_TOL
    H = hessian(W, d)
    ev = np.linalg.eigvalsh(H)
    scale = float(np.max(np.abs(ev))) if ev.size else 0.0
    tol = SIGN_TOL * scale
    # THEORY §7's relative rule degenerates when H vanishes in exact arithmetic but not in floating
    # point (e.g. the §9 counter-example): a floor at round-off level of the Hessian's natural scale.
    floor = 100 * np.finfo(float).eps * ev.size * hessian_term_scale(W, d)
    tol_abs = max(tol, floor)
    neg = int(np.sum(ev < -tol_abs))
    zero = int(np.sum(np.abs(ev) <= tol_abs))
    neg_rel = int(np.sum(ev < -tol))
    rmax = min(dims)
    lam, _ = d.spectrum()
    gmin = 0.5 * (d.tr_syy() - float(np.sum(lam[:rmax])))
    if not critical:
        hv = "not-critical"
    elif neg > 0:
        hv = "strict-saddle"
    elif abs(L - gmin) <= 1e-8 * max(1.0, d.tr_syy()):
        hv = "global-minimum"
    else:
        hv = "non-strict-saddle"
    out = {"loss": L, "gradNorm": gn, "relativeGradient": relg, "critical": critical,
           "gradScale": gradient_scale(W, d), "weightScale": weight_scale(W),
           "hessianTermScale": hessian_term_scale(W, d),
           "parameters": int(H.shape[0]), "eigenvalues": ev.tolist(), "negative": neg, "zero": zero,
           "tolerance": tol, "toleranceWithFloor": tol_abs, "negativeRelativeRule": neg_rel,
           "hessianVerdict": hv, "globalMinimumLoss": gmin,
           "balancedness": balancedness(W), "balancednessFrobenius": balancedness(W, "frobenius"),
           "lambdaMinOverMax": (float(ev[0]) / scale) if scale > 0 else 0.0}
    out.update(theorem7(W, d, critical))
    out["agree"] = out["theorem7"] == hv
    if with_fd:
        Hfd = hessian_fd(W, d)
        out["hessianFdRelErr"] = float(np.max(np.abs(H - Hfd)) / max(np.max(np.abs(H)), 1e-300))
        gfd = gradient_fd(W, d)
        g = flat(gradient(W, d))
        out["gradientFdRelErr"] = float(np.max(np.abs(g - gfd)) / max(np.max(np.abs(g)), out["gradScale"], 1e-300))
    return out


# ---------------------------------------------------------------------------------------------
# GD (§1.6) with the columns of dln's trajectory.csv


def train(W, d, lr, steps, record_every, power=None):
    """GD (§1.6); power = (b, p) gives the schedule η_k = lr/(k+b)^p of §4.7, k = 0, 1, …"""
    W = [w.copy() for w in W]
    C0 = invariants(W)
    rows = []

    def record(k):
        P = product(W)
        sv = np.linalg.svd(P, compute_uv=False)
        Cs = invariants(W)
        drift = max([sym_norm(C - C0[j], "spectral") for j, C in enumerate(Cs)], default=0.0)
        driftF = max([sym_norm(C - C0[j], "frobenius") for j, C in enumerate(Cs)], default=0.0)
        rows.append({"step": k, "loss": loss(W, d), "grad_norm": grad_norm(W, d), "gradScale": gradient_scale(W, d),
                     "balancedness": balancedness(W), "weightScale": weight_scale(W), "drift": drift, "driftFrobenius": driftF,
                     "sv": sv.tolist()})

    for k in range(steps + 1):
        if k % record_every == 0 or k == steps:
            record(k)
        if k == steps:
            break
        g = gradient(W, d)
        eta = lr if power is None else lr / (k + power[0]) ** power[1]
        W = [w - eta * gj for w, gj in zip(W, g)]
    return {"weights": [w.tolist() for w in W], "trajectory": rows}


def stable_lr(W, d, steps):
    """A step size for which `steps` GD steps decrease the loss monotonically (so that rounding is
    not amplified by an unstable run): 1/λ_max(∇²L(W(0))), halved until the run is monotone."""
    lr = 1.0 / max(float(np.linalg.eigvalsh(hessian(W, d))[-1]), 1e-300)
    for _ in range(40):
        Wk, prev, ok = [w.copy() for w in W], loss(W, d), True
        for _ in range(steps):
            g = gradient(Wk, d)
            Wk = [w - lr * gj for w, gj in zip(Wk, g)]
            cur = loss(Wk, d)
            if not cur <= prev:
                ok = False
                break
            prev = cur
        if ok:
            return lr
        lr /= 2
    raise RuntimeError("no stable step size")


# ---------------------------------------------------------------------------------------------
# §6.3 escape bound, §6.5 PGD constants


def escape_steps(H, offset, eta, eps):
    lam, V = np.linalg.eigh(0.5 * (H + H.T))
    theta = V.T @ np.asarray(offset, dtype=np.float64)
    alpha = -lam[0]
    if not alpha > 0:
        return None
    pos = lam > 0
    a = float(np.sum(lam[pos] * theta[pos] ** 2))
    num = max(a, eps ** 2 / alpha)
    # θ_1: the offset along the eigenspace of λ_1 (a repeated λ_1 has no distinguished eigenvector;
    # GD grows every component of that eigenspace at the same rate 1 + ηα)
    cluster = np.abs(lam - lam[0]) <= 1e-9 * float(np.max(np.abs(lam)))
    theta1_sq = float(np.sum(theta[cluster] ** 2))
    # a negative bound means the offset has already escaped: 0 steps
    return max(0, int(math.ceil(0.5 * math.log(num / (alpha * theta1_sq)) / math.log(1 + eta * alpha))))


def pgd_constants(d_, beta, rho, eps, c, delta, dF):
    chi = 3 * max(math.log(d_ * beta * dF / (c * eps ** 2 * delta)), 4)
    return {"chi": chi, "eta": c / beta, "r": math.sqrt(c) / chi ** 2 * eps / beta,
            "gThres": math.sqrt(c) / chi ** 2 * eps, "fThres": c / chi ** 3 * math.sqrt(eps ** 3 / rho),
            "tThres": math.ceil(chi / c ** 2 * beta / math.sqrt(rho * eps)),
            "tThresReal": chi / c ** 2 * beta / math.sqrt(rho * eps), "epsilonInRange": eps <= beta ** 2 / rho}


# ---------------------------------------------------------------------------------------------
# self-check (the reference checked against itself)


def self_check(seed=0, quiet=False):
    rng = np.random.default_rng(seed)
    report = {}
    worst_g = worst_h = 0.0
    for dims in ([4, 3, 2], [3, 4, 2, 3], [5, 2, 3, 2, 3], [3, 5]):
        m = 9
        d = Data(rng.standard_normal((dims[0], m)), rng.standard_normal((dims[-1], m)))
        W = [rng.standard_normal((dims[j], dims[j - 1])) * 0.7 for j in range(1, len(dims))]
        g = flat(gradient(W, d))
        gfd = gradient_fd(W, d)
        worst_g = max(worst_g, float(np.max(np.abs(g - gfd)) / np.max(np.abs(g))))
        H = hessian(W, d)
        worst_h = max(worst_h, float(np.max(np.abs(H - hessian_fd(W, d))) / np.max(np.abs(H))))
        assert np.array_equal(H, H.T)
    report["gradientFd"] = worst_g
    report["hessianFd"] = worst_h
    # best rank-r product, two formulas
    d = Data(rng.standard_normal((5, 30)), rng.standard_normal((4, 30)))
    worst = 0.0
    for r in range(0, 5):
        P1, P2 = best_rank_r(d, r)
        worst = max(worst, float(np.linalg.norm(P1 - P2) / max(np.linalg.norm(P2), 1.0)))
        lam, _ = d.spectrum()
        E = P1 @ d.X - d.Y
        assert abs(0.5 * np.sum(E * E) - 0.5 * (d.tr_syy() - np.sum(lam[:r]))) < 1e-9 * d.tr_syy()
    report["bestRankR"] = worst
    # critical points of every S: zero gradient, closed-form loss, Theorem 7 = Hessian
    n, agree, worst_rel = 0, 0, 0.0
    for dims, kinds in (([5, 4, 4, 4], ("strict", "non-strict")), ([5, 3, 4], ("auto",)),
                        ([4, 3, 3, 3, 3], ("strict", "non-strict")), ([3, 4, 3, 5], ("strict", "non-strict"))):
        d = Data(rng.standard_normal((dims[0], 12)), rng.standard_normal((dims[-1], 12)))
        rmax = min(dims)
        for r in range(rmax + 1):
            for S in itertools.combinations(range(min(d.dy, d.dx)), r):
                for kind in kinds:
                    W = build_critical_point(d, dims, list(S), kind, rng)
                    c = classify(W, d)
                    lam, _ = d.spectrum()
                    worst_rel = max(worst_rel, c["relativeGradient"])
                    assert abs(c["loss"] - 0.5 * (d.tr_syy() - sum(lam[list(S)]))) <= 1e-8 * d.tr_syy()
                    n += 1
                    agree += c["agree"]
    report["criticalPoints"] = n
    report["criticalAgree"] = agree
    report["criticalRelGrad"] = worst_rel
    # §9 counter-example: W_3 = W_2 = 0, W_1 with rows in null(Σ_YX): zero Hessian, tightened
    d = Data(rng.standard_normal((5, 20)), rng.standard_normal((2, 20)))
    nullv = np.linalg.svd(d.Syx)[2][2:]
    W = [rng.standard_normal((3, 3)) @ nullv, np.zeros((3, 3)), np.zeros((2, 3))]
    c = classify(W, d)
    report["nullDirection"] = [c["theorem7"], c["hessianVerdict"], float(np.max(np.abs(c["eigenvalues"])))]
    # Theorem 2.4's guarantees (§4.3) along GD at η = η_max: monotone loss, sufficient decrease,
    # balancedness ≤ δ, ‖W_j‖² ≤ K_δ
    violations = 0
    for dims, std, delta in (([4, 3, 3, 2], 0.3, "optimal"), ([3, 4, 2], 0.5, "optimal"), ([5, 4, 4, 4, 3], 0.2, "optimal")):
        d = Data(rng.standard_normal((dims[0], 12)), rng.standard_normal((dims[-1], 12)))
        W = [rng.standard_normal((dims[j], dims[j - 1])) * std for j in range(1, len(dims))]
        b = nrt_bound(W, d, "(N+1)^2", delta)
        eta, L = b["etaMax"], loss(W, d)
        for _ in range(300):
            g = gradient(W, d)
            W = [w - eta * gj for w, gj in zip(W, g)]
            L1 = loss(W, d)
            violations += (L1 > L - 0.5 * eta * float(np.sum(flat(g) ** 2)) * (1 - 1e-12))
            violations += balancedness(W) > b["delta"]
            violations += max(float(np.linalg.norm(w, 2)) ** 2 for w in W) > b["K"]
            L = L1
    report["boundGuaranteeViolations"] = int(violations)
    # §6.3 on quadratic saddles f̃(θ) = ½θᵀHθ: GD has ε-escaped within the bound
    esc_bad = 0
    for _ in range(20):
        p = 8
        Q, _r = np.linalg.qr(rng.standard_normal((p, p)))
        lam = np.concatenate([[-rng.uniform(0.05, 1)], rng.uniform(-0.5, 3, p - 1)])
        H = Q @ np.diag(lam) @ Q.T
        beta = float(np.max(np.abs(lam)))
        eta, eps = 1 / beta, 1e-3
        w = 1e-4 * rng.standard_normal(p)
        bound = escape_steps(H, w, eta, eps)
        t = 0
        while not (0.5 * w @ H @ w < 0 and np.linalg.norm(H @ w) > eps):
            w = w - eta * H @ w
            t += 1
        esc_bad += t > bound
    report["escapeBoundViolations"] = int(esc_bad)
    ok = (violations == 0 and esc_bad == 0 and worst_g < 1e-6 and worst_h < 1e-6 and report["bestRankR"] < 1e-10 and agree == n
          and worst_rel < 1e-12 and c["theorem7"] == "non-strict-saddle" and c["hessianVerdict"] == "non-strict-saddle")
    report["ok"] = bool(ok)
    if not quiet:
        print(json.dumps(report, indent=1))
    return ok


# ---------------------------------------------------------------------------------------------
# request dispatch


def run_task(t):
    op = t["op"]
    if op == "self-check":
        return {"ok": self_check(t.get("seed", 0), quiet=True)}
    if op == "escape":
        H = np.asarray(t["hessian"], dtype=np.float64)
        return {"steps": escape_steps(H, t["offset"], t["eta"], t["epsilon"])}
    if op == "pgd-constants":
        return pgd_constants(t["d"], t["beta"], t["rho"], t["epsilon"], t["c"], t["delta"], t["deltaF"])
    d = Data.load(t["x"], t["y"])
    if op == "critical":
        if not d.sxx_invertible():
            return {"error": "Σ_XX singular", "premise": "sigma-xx-singular"}
        return critical_values(d, t["dims"])
    if op == "stable-lr":
        return {"lr": stable_lr(load_weights(t["weights"]), d, t["steps"])}
    if op == "bound":
        W = load_weights(t["weights"])
        return nrt_bound(W, d, t.get("cN", "(N+1)^2"), t.get("delta", "remark"), t.get("norm", "spectral"))
    if op == "classify":
        W = load_weights(t["weights"])
        out = classify(W, d, with_fd=t.get("fd", False))
        if out.get("subset") is not None and out["theorem7"] != "not-critical":
            r = out["rank"]
            P1, P2 = best_rank_r(d, r)
            P = product(W)
            # the critical product against U_SU_SᵀΣ_YXΣ_XX^{-1} and (S = top r) the Eckart–Young product
            lam, U = d.spectrum()
            S = [i - 1 for i in out["subset"]]
            PS = U[:, S] @ U[:, S].T @ d.ols()
            out["productErr"] = float(np.linalg.norm(P - PS) / max(np.linalg.norm(d.ols()), 1e-300))
            if S == list(range(r)):
                out["eckartYoungErr"] = float(np.linalg.norm(P - P2) / max(np.linalg.norm(d.ols()), 1e-300))
        return out
    if op == "build":
        rng = np.random.default_rng(t["seed"])
        W = build_critical_point(d, t["dims"], [i - 1 for i in t["subset"]], t.get("kind", "auto"), rng,
                                 gauge=t.get("gauge", True), cond=t.get("cond", 5.0))
        save_weights(t["out"], W)
        return {"written": t["out"]}
    if op == "null-direction":
        # §9: W_N = … = W_2 = 0 and W_1 with rows in null(Σ_YX) (needs d_x > d_y)
        rng = np.random.default_rng(t["seed"])
        dims = t["dims"]
        nullv = np.linalg.svd(d.Syx)[2][d.dy:]
        W = [rng.standard_normal((dims[1], nullv.shape[0])) @ nullv]
        W += [np.zeros((dims[j], dims[j - 1])) for j in range(2, len(dims))]
        if t.get("general", False):
            W[0] = rng.standard_normal(W[0].shape)
        save_weights(t["out"], W)
        return {"written": t["out"]}
    if op == "hessian-matrix":
        return {"hessian": hessian(load_weights(t["weights"]), d).tolist()}
    if op == "train":
        W = load_weights(t["weights"])
        return train(W, d, t["lr"], t["steps"], t["recordEvery"], t.get("power"))
    raise ValueError(f"unknown op {op}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-check":
        sys.exit(0 if self_check() else 1)
    req = json.load(sys.stdin)
    results = []
    for t in req["tasks"]:
        try:
            results.append(run_task(t))
        except Exception as e:  # noqa: BLE001 — reported per task
            results.append({"error": f"{type(e).__name__}: {e}"})
    def plain(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        raise TypeError(type(o).__name__)

    json.dump({"results": results}, sys.stdout, allow_nan=True, default=plain)


if __name__ == "__main__":
    main()
