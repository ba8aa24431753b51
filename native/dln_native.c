/*
 * dln's native kernels: a thin N-API layer over OpenBLAS (cblas_dgemm) and LAPACKE (dsyevd,
 * dgesdd). Float64Array arguments are used in place (zero-copy).
 *
 * Matrices are row-major. A row-major m×n buffer read as column-major is the n×m transpose, which
 * lets dsyevd (symmetric input) and dgesdd (see Gesdd) run without any transposition copy.
 *
 * Call overhead: converting one Float64Array through N-API costs ~60-80 ns, which is more than a
 * 5×5 product. The hot entry gemmR therefore takes no arguments: its scalars and array ids come
 * from a parameter block bound once (bindParams), and the ids index a registry of data pointers
 * filled once per array (register). A registered pointer stays valid while the array lives: V8
 * moves a small on-heap typed array off the heap when N-API first asks for its data, and off-heap
 * backing stores never move. The JavaScript side (nativeBackend.ts) keeps the id map in a WeakMap,
 * checks lengths before every call (a detached buffer has length 0) and recycles ids through a
 * FinalizationRegistry. State is per N-API environment, so worker threads do not share it.
 */
#include <node_api.h>
#include <cblas.h>
#include <lapacke.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(env, call)                                                       \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      napi_throw_error((env), NULL, "dln_native: N-API call failed: " #call);  \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Products with m·n·k at most this run in small_gemm: OpenBLAS spends 70-200 ns per call on
 * argument checks and buffer management, more than the arithmetic of a 5×5 product. Measured
 * (OpenBLAS 0.3.21, Zen 2, one thread): 5×5×5 takes 210 ns in cblas_dgemm and 140 ns here (nt:
 * 108 vs 72 ns); the two meet between 6×6×6 and 7×7×7; at 8×8×8 cblas is faster (258 vs 392 ns). */
#define SMALL_GEMM_MNK 256

typedef struct {
  double *params; /* [transA, transB, m, n, k, alpha, beta, idA, idB, idC] */
  napi_ref params_ref;
  double **ptr;
  size_t *len;
  size_t cap;
} State;

static void free_state(napi_env env, void *data, void *hint) {
  (void)hint;
  State *s = data;
  if (s->params_ref != NULL) napi_delete_reference(env, s->params_ref);
  free(s->ptr);
  free(s->len);
  free(s);
}

static State *get_state(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, NULL, &data) != napi_ok) {
    napi_throw_error(env, NULL, "dln_native: napi_get_cb_info failed");
    return NULL;
  }
  return data;
}

static bool f64_array(napi_env env, napi_value v, double **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr = NULL;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, NULL, NULL) != napi_ok) return false;
  if (type != napi_float64_array) return false;
  *data = (double *)ptr;
  return true;
}

static bool f64_arg(napi_env env, napi_value v, double **data, size_t *len, const char *what) {
  if (f64_array(env, v, data, len)) return true;
  char msg[128];
  snprintf(msg, sizeof msg, "%s must be a Float64Array", what);
  napi_throw_type_error(env, NULL, msg);
  return false;
}

static bool get_int(napi_env env, napi_value v, int32_t *out, const char *what) {
  if (napi_get_value_int32(env, v, out) != napi_ok || *out < 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s must be a non-negative integer", what);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  return true;
}

static int imax(int a, int b) { return a > b ? a : b; }

/* c = alpha·op(a)·op(b) + beta·c in plain loops, for tiny products (beta already applied). */
static void small_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double *a,
                       const double *b, double *c) {
  size_t sa_i = ta ? 1 : (size_t)k, sa_p = ta ? (size_t)m : 1;
  if (!tb) {
    for (int i = 0; i < m; i++) {
      double *ci = c + (size_t)i * n;
      for (int p = 0; p < k; p++) {
        double x = alpha * a[i * sa_i + p * sa_p];
        const double *bp = b + (size_t)p * n;
        for (int j = 0; j < n; j++) ci[j] += x * bp[j];
      }
    }
  } else {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        const double *bj = b + (size_t)j * k;
        double s = 0;
        for (int p = 0; p < k; p++) s += a[i * sa_i + p * sa_p] * bj[p];
        c[(size_t)i * n + j] += alpha * s;
      }
  }
}

/* c = alpha·op(a)·op(b) + beta·c, row-major, after the shapes were checked against lengths. */
static void run_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double *a,
                     const double *b, double beta, double *c) {
  if (m == 0 || n == 0) return;
  bool small = (double)m * n * k <= SMALL_GEMM_MNK;
  if (k == 0 || alpha == 0.0 || small) {
    /* BLAS semantics: beta = 0 overwrites c (NaN garbage included) instead of scaling it. */
    size_t mn = (size_t)m * (size_t)n;
    if (beta == 0.0) memset(c, 0, mn * sizeof(double));
    else if (beta != 1.0) for (size_t i = 0; i < mn; i++) c[i] *= beta;
    if (k > 0 && alpha != 0.0) small_gemm(ta, tb, m, n, k, alpha, a, b, c);
    return;
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, imax(1, ta ? m : k), b, imax(1, tb ? k : n), beta, c, imax(1, n));
}

static bool check_gemm(napi_env env, double m, double n, double k, size_t la, size_t lb,
                       size_t lc) {
  if (!(m >= 0 && n >= 0 && k >= 0 && m <= INT32_MAX && n <= INT32_MAX && k <= INT32_MAX)) {
    napi_throw_range_error(env, NULL, "gemm: m, n, k must be non-negative 32-bit integers");
    return false;
  }
  if ((double)la < m * k || (double)lb < k * n || (double)lc < m * n) {
    char msg[160];
    snprintf(msg, sizeof msg, "gemm: buffers of length %zu, %zu, %zu are too short for m=%.0f n=%.0f k=%.0f",
             la, lb, lc, m, n, k);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  return true;
}

/* gemm(transA, transB, m, n, k, alpha, a, b, beta, c): every argument converted through N-API. */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  if (get_state(env, info, &argc, argv) == NULL) return NULL;
  if (argc < 10) {
    napi_throw_type_error(env, NULL, "gemm: expected 10 arguments");
    return NULL;
  }
  bool ta, tb;
  double m, n, k, alpha, beta, *a, *b, *c;
  size_t la, lb, lc;
  CHECK(env, napi_get_value_bool(env, argv[0], &ta));
  CHECK(env, napi_get_value_bool(env, argv[1], &tb));
  CHECK(env, napi_get_value_double(env, argv[2], &m));
  CHECK(env, napi_get_value_double(env, argv[3], &n));
  CHECK(env, napi_get_value_double(env, argv[4], &k));
  CHECK(env, napi_get_value_double(env, argv[5], &alpha));
  CHECK(env, napi_get_value_double(env, argv[8], &beta));
  if (!f64_arg(env, argv[6], &a, &la, "gemm: a") || !f64_arg(env, argv[7], &b, &lb, "gemm: b") ||
      !f64_arg(env, argv[9], &c, &lc, "gemm: c"))
    return NULL;
  if (!check_gemm(env, m, n, k, la, lb, lc)) return NULL;
  run_gemm(ta, tb, (int)m, (int)n, (int)k, alpha, a, b, beta, c);
  return NULL;
}

/* bindParams(block): block (a Float64Array of at least 10 entries) is read by every gemmR call. */
static napi_value BindParams(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  State *s = get_state(env, info, &argc, argv);
  if (s == NULL) return NULL;
  double *p;
  size_t len;
  if (argc < 1 || !f64_array(env, argv[0], &p, &len) || len < 10) {
    napi_throw_type_error(env, NULL, "bindParams: expected a Float64Array of at least 10 entries");
    return NULL;
  }
  if (s->params_ref != NULL) CHECK(env, napi_delete_reference(env, s->params_ref));
  CHECK(env, napi_create_reference(env, argv[0], 1, &s->params_ref));
  s->params = p;
  return NULL;
}

/* register(id, array): remembers array's data pointer and length under id (reusing the slot). */
static napi_value Register(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  State *s = get_state(env, info, &argc, argv);
  if (s == NULL) return NULL;
  int32_t id;
  double *p;
  size_t len;
  if (argc < 2 || !get_int(env, argv[0], &id, "register: id") || !f64_arg(env, argv[1], &p, &len, "register: array"))
    return NULL;
  if ((size_t)id >= s->cap) {
    size_t cap = s->cap ? s->cap : 64;
    while (cap <= (size_t)id) cap *= 2;
    double **ptr = realloc(s->ptr, cap * sizeof *ptr);
    if (ptr != NULL) s->ptr = ptr;
    size_t *lens = ptr == NULL ? NULL : realloc(s->len, cap * sizeof *lens);
    if (lens == NULL) {
      napi_throw_error(env, NULL, "register: out of memory");
      return NULL;
    }
    s->len = lens;
    for (size_t i = s->cap; i < cap; i++) s->ptr[i] = NULL, s->len[i] = 0;
    s->cap = cap;
  }
  s->ptr[id] = p;
  s->len[id] = len;
  return NULL;
}

/* gemmR(): gemm with the scalars and registered array ids taken from the bound block. */
static napi_value GemmR(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  State *s = get_state(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  const double *q = s->params;
  if (q == NULL) {
    napi_throw_error(env, NULL, "gemmR: call bindParams first");
    return NULL;
  }
  double ia = q[7], ib = q[8], ic = q[9];
  if (!(ia >= 0 && ib >= 0 && ic >= 0 && ia < s->cap && ib < s->cap && ic < s->cap)) {
    napi_throw_range_error(env, NULL, "gemmR: array id not registered");
    return NULL;
  }
  size_t a = (size_t)ia, b = (size_t)ib, c = (size_t)ic;
  if (!check_gemm(env, q[2], q[3], q[4], s->len[a], s->len[b], s->len[c])) return NULL;
  run_gemm(q[0] != 0, q[1] != 0, (int)q[2], (int)q[3], (int)q[4], q[5], s->ptr[a], s->ptr[b], q[6], s->ptr[c]);
  return NULL;
}

/* Element-wise kernels with the bits of dln's TypeScript loops (linalg/elementwise.ts): every
 * operation is rounded on its own (the addon is built with -ffp-contract=off, so no multiply-add is
 * fused) and sums keep the TypeScript order, so a result does not depend on the backend. Where the
 * compiler and CPU allow, an AVX2 clone runs the same operations four lanes at a time. */
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define DLN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DLN_CLONES
#endif

/* w[i] = w[i] − eta·g[i] for i < n. */
DLN_CLONES static void descend(double *restrict w, const double *restrict g, double eta, size_t n) {
  for (size_t i = 0; i < n; i++) w[i] = w[i] - eta * g[i];
}

/* Σ x_i²: eight partial sums s_r over i ≡ r (mod 8) up to the last multiple of eight, the rest
 * added to s_0 in order, then ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). */
DLN_CLONES static double sum_squares(const double *x, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += x[i] * x[i]; s1 += x[i + 1] * x[i + 1]; s2 += x[i + 2] * x[i + 2]; s3 += x[i + 3] * x[i + 3];
    s4 += x[i + 4] * x[i + 4]; s5 += x[i + 5] * x[i + 5]; s6 += x[i + 6] * x[i + 6]; s7 += x[i + 7] * x[i + 7];
  }
  for (; i < n; i++) s0 += x[i] * x[i];
  return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* A registered array's id from the parameter block, or -1 (with a RangeError thrown). */
static ptrdiff_t registered(napi_env env, const State *s, double id, const char *what) {
  if (!(id >= 0 && id < s->cap && s->ptr[(size_t)id] != NULL)) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s: array id not registered", what);
    napi_throw_range_error(env, NULL, msg);
    return -1;
  }
  return (ptrdiff_t)id;
}

/* descendR(): descend(w, g, eta, n) with [idW, idG, eta, n] from the bound block. */
static napi_value DescendR(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  State *s = get_state(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  const double *q = s->params;
  if (q == NULL) {
    napi_throw_error(env, NULL, "descendR: call bindParams first");
    return NULL;
  }
  ptrdiff_t w = registered(env, s, q[0], "descendR"), g = w < 0 ? -1 : registered(env, s, q[1], "descendR");
  if (g < 0) return NULL;
  if (!(q[3] >= 0 && q[3] <= (double)s->len[w] && q[3] <= (double)s->len[g])) {
    napi_throw_range_error(env, NULL, "descendR: n exceeds an array's length");
    return NULL;
  }
  descend(s->ptr[w], s->ptr[g], q[2], (size_t)q[3]);
  return NULL;
}

/* sumSquaresR(): writes sum_squares(x, n) into block[2], with [idX, n] from the bound block
 * (a returned double would be a fresh JavaScript number each call). */
static napi_value SumSquaresR(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  State *s = get_state(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  double *q = s->params;
  if (q == NULL) {
    napi_throw_error(env, NULL, "sumSquaresR: call bindParams first");
    return NULL;
  }
  ptrdiff_t x = registered(env, s, q[0], "sumSquaresR");
  if (x < 0) return NULL;
  if (!(q[1] >= 0 && q[1] <= (double)s->len[x])) {
    napi_throw_range_error(env, NULL, "sumSquaresR: n exceeds the array's length");
    return NULL;
  }
  q[2] = sum_squares(s->ptr[x], (size_t)q[1]);
  return NULL;
}

static void transpose_square(double *a, int n) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double t = a[(size_t)i * n + j];
      a[(size_t)i * n + j] = a[(size_t)j * n + i];
      a[(size_t)j * n + i] = t;
    }
}

static napi_value lapack_error(napi_env env, const char *routine, lapack_int info) {
  char msg[128];
  snprintf(msg, sizeof msg, "%s: LAPACK %s failed (info = %d)",
           routine + 1, routine, (int)info);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* syevd(n, a, w[, vectors = true]): a (n×n symmetric, row-major; the upper triangle is read) is
 * overwritten by the eigenvectors as columns, w (n) by the eigenvalues in ascending order. With
 * vectors = false only w is computed (jobz 'N': a fraction of the work) and a is left destroyed. */
static napi_value Syevd(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (get_state(env, info, &argc, argv) == NULL) return NULL;
  int32_t n;
  double *a, *w;
  size_t la, lw;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "syevd: expected (n, a, w)");
    return NULL;
  }
  if (!get_int(env, argv[0], &n, "syevd: n") || !f64_arg(env, argv[1], &a, &la, "syevd: a") ||
      !f64_arg(env, argv[2], &w, &lw, "syevd: w"))
    return NULL;
  if (la < (size_t)n * n || lw < (size_t)n) {
    napi_throw_range_error(env, NULL, "syevd: a must hold n×n entries and w n");
    return NULL;
  }
  bool vectors = true;
  if (argc >= 4 && napi_get_value_bool(env, argv[3], &vectors) != napi_ok) {
    napi_throw_type_error(env, NULL, "syevd: vectors must be a boolean");
    return NULL;
  }
  if (n == 0) return NULL;
  /* The row-major upper triangle is the column-major lower one. */
  lapack_int info_ = LAPACKE_dsyevd(LAPACK_COL_MAJOR, vectors ? 'V' : 'N', 'L', n, a, n, w);
  if (info_ != 0) return lapack_error(env, "dsyevd", info_);
  if (!vectors) return NULL;
  /* Column-major eigenvectors-as-columns read row-major are rows: transpose back to columns. */
  transpose_square(a, n);
  return NULL;
}

/* gesdd(m, n, a, s, u, vt, full): a = u·diag(s)·vt for the row-major m×n a (destroyed); s
 * (r = min(m, n)) descending; thin (full = false): u m×r, vt r×n; full: u m×m, vt n×n.
 * Read column-major, a is aᵀ (n×m) = U'ΣV'ᵀ, so a = V'ΣU'ᵀ: LAPACK's column-major VT' (·×m) is
 * exactly our row-major u, and its column-major U' (n×·) our row-major vt. */
static napi_value Gesdd(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (get_state(env, info, &argc, argv) == NULL) return NULL;
  if (argc < 7) {
    napi_throw_type_error(env, NULL, "gesdd: expected (m, n, a, s, u, vt, full)");
    return NULL;
  }
  int32_t m, n;
  bool full;
  double *a, *sv, *u, *vt;
  size_t la, ls, lu, lv;
  if (!get_int(env, argv[0], &m, "gesdd: m") || !get_int(env, argv[1], &n, "gesdd: n") ||
      !f64_arg(env, argv[2], &a, &la, "gesdd: a") || !f64_arg(env, argv[3], &sv, &ls, "gesdd: s") ||
      !f64_arg(env, argv[4], &u, &lu, "gesdd: u") || !f64_arg(env, argv[5], &vt, &lv, "gesdd: vt"))
    return NULL;
  CHECK(env, napi_get_value_bool(env, argv[6], &full));
  size_t r = (size_t)(m < n ? m : n);
  size_t ucols = full ? (size_t)m : r, vrows = full ? (size_t)n : r;
  if (la < (size_t)m * n || ls < r || lu < (size_t)m * ucols || lv < vrows * n) {
    napi_throw_range_error(env, NULL, "gesdd: buffers too short for the requested shapes");
    return NULL;
  }
  if (r == 0) return NULL;
  lapack_int info_ = LAPACKE_dgesdd(LAPACK_COL_MAJOR, full ? 'A' : 'S', n, m, a, n, sv, vt, n, u,
                                    (lapack_int)ucols);
  if (info_ != 0) return lapack_error(env, "dgesdd", info_);
  return NULL;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (get_state(env, info, &argc, argv) == NULL) return NULL;
  int32_t t;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &t) != napi_ok || t < 1) {
    napi_throw_range_error(env, NULL, "setThreads: n must be a positive integer");
    return NULL;
  }
  openblas_set_num_threads(t);
  return NULL;
}

static napi_value GetThreads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(env, napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[512];
  snprintf(buf, sizeof buf, "%s; core %s", openblas_get_config(), openblas_get_corename());
  napi_value out;
  CHECK(env, napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* noop(): the bare cost of crossing into the addon, for the overhead measurement. */
static napi_value Noop(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  return NULL;
}

NAPI_MODULE_INIT() {
  State *s = calloc(1, sizeof *s);
  if (s == NULL || napi_set_instance_data(env, s, free_state, NULL) != napi_ok) {
    free(s);
    napi_throw_error(env, NULL, "dln_native: cannot allocate the addon state");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_enumerable, s},
      {"bindParams", NULL, BindParams, NULL, NULL, NULL, napi_enumerable, s},
      {"register", NULL, Register, NULL, NULL, NULL, napi_enumerable, s},
      {"gemmR", NULL, GemmR, NULL, NULL, NULL, napi_enumerable, s},
      {"descendR", NULL, DescendR, NULL, NULL, NULL, napi_enumerable, s},
      {"sumSquaresR", NULL, SumSquaresR, NULL, NULL, NULL, napi_enumerable, s},
      {"syevd", NULL, Syevd, NULL, NULL, NULL, napi_enumerable, s},
      {"gesdd", NULL, Gesdd, NULL, NULL, NULL, napi_enumerable, s},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_enumerable, s},
      {"getThreads", NULL, GetThreads, NULL, NULL, NULL, napi_enumerable, s},
      {"config", NULL, Config, NULL, NULL, NULL, napi_enumerable, s},
      {"noop", NULL, Noop, NULL, NULL, NULL, napi_enumerable, s},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
