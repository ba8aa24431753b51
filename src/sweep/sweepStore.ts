import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.ts';
import { type CellRecord, type SweepSpec, SWEEP_FORMAT, parseSpec, specToJson } from '../experiments/sweep/index.ts';
import { decodeExactJson, encodeExactJson } from '../node/exactJson.ts';

/** The database file of a sweep directory. */
export const STORE_FILE = 'sweep.sqlite';

/** What a sweep directory records about itself (the meta table). */
export interface SweepMeta {
  spec: SweepSpec;
  /** Random id of this sweep (names its queue jobs). */
  id: string;
  format: number;
  dln: string;
  total: number;
  created: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
  idx INTEGER PRIMARY KEY, key TEXT NOT NULL, status TEXT NOT NULL, stop TEXT NOT NULL, steps INTEGER NOT NULL,
  loss REAL, grad_norm REAL, loss_init REAL, loss_max REAL, loss_min REAL, nearest_critical REAL, nearest_rank INTEGER,
  plateau_steps TEXT NOT NULL, sharpness_start REAL, sharpness_end REAL, eta_max REAL, lr REAL, dims TEXT NOT NULL,
  coords TEXT NOT NULL, config TEXT NOT NULL, command TEXT NOT NULL, dln TEXT NOT NULL, error TEXT,
  record TEXT NOT NULL, worker TEXT NOT NULL, finished_at TEXT NOT NULL, critical_kind TEXT
);`;

/** A number for a REAL column: NULL where SQLite cannot hold it (NaN; the record column keeps it). */
const real = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);

/**
 * Opens the database at path in WAL mode. SQLite writes its journal (-wal, -shm) beside the database
 * even to read it, so a folder or file that cannot be written is an InputError saying so.
 */
function openWal(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    return db;
  } catch (e) {
    db?.close();
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^SQLITE_(READONLY|CANTOPEN|PERM)/.test(code)) throw e;
    throw new InputError(`${path} cannot be opened for writing (${code}), which SQLite needs even to read it: run as the owner of ${dirname(resolve(path))} or copy that folder somewhere writable`);
  }
}

/**
 * A sweep's SQLite database (THEORY §15, docs/decisions.md): WAL journal, one row per cell keyed by its
 * index (INSERT OR IGNORE, so a cell delivered twice is stored once), every batch of rows committed in
 * one transaction before the caller acknowledges it.
 */
export class SweepStore {
  private constructor(private readonly db: Database.Database, readonly meta: SweepMeta) {}

  /** Creates the database in dir (which must not hold one yet). */
  static create(dir: string, meta: SweepMeta): SweepStore {
    const path = join(dir, STORE_FILE);
    if (existsSync(path)) throw new InputError(`${path} already exists; use dln sweep resume ${dir}`);
    const db = SweepStore.connect(path);
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (const [k, v] of Object.entries(meta)) put.run(k, JSON.stringify(k === 'spec' ? specToJson(v as SweepSpec) : v));
    })();
    return new SweepStore(db, meta);
  }

  /** Opens the database of an existing sweep directory; an InputError when there is none or its format differs. */
  static open(dir: string): SweepStore {
    const path = join(dir, STORE_FILE);
    if (!existsSync(path)) throw new InputError(`${dir} is not a sweep directory (no ${STORE_FILE})`);
    const db = SweepStore.connect(path);
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    const m = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown])) as Record<string, unknown>;
    if (m.format !== SWEEP_FORMAT) {
      db.close();
      throw new InputError(`${path} holds a sweep of format ${String(m.format)} (dln ${String(m.dln)}); this dln reads format ${SWEEP_FORMAT}`);
    }
    const meta = { ...m, spec: parseSpec(m.spec) } as SweepMeta;
    return new SweepStore(db, meta);
  }

  private static connect(path: string): Database.Database {
    const db = openWal(path);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    // critical_kind came after the first stores of this format: add it to a store that lacks it.
    const columns = db.prepare('SELECT name FROM pragma_table_info(\'cells\')').pluck().all() as string[];
    if (!columns.includes('critical_kind')) db.exec('ALTER TABLE cells ADD COLUMN critical_kind TEXT');
    return db;
  }

  /** Stores records in one transaction (cells already stored are kept as they are); returns how many were new. */
  put(records: readonly CellRecord[], worker: string): number {
    const ins = this.db.prepare(`INSERT OR IGNORE INTO cells (idx, key, status, stop, steps, loss, grad_norm, loss_init, loss_max, loss_min,
      nearest_critical, nearest_rank, plateau_steps, sharpness_start, sharpness_end, eta_max, lr, dims, coords, config, command, dln, error, record,
      worker, finished_at, critical_kind) VALUES (@idx, @key, @status, @stop, @steps, @loss, @grad_norm, @loss_init, @loss_max,
      @loss_min, @nearest_critical, @nearest_rank, @plateau_steps, @sharpness_start, @sharpness_end, @eta_max, @lr, @dims, @coords, @config,
      @command, @dln, @error, @record, @worker, @finished_at, @critical_kind)`);
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      let n = 0;
      for (const r of records) {
        n += ins.run({
          idx: r.index, key: r.key, status: r.status, stop: r.stop, steps: r.steps, loss: real(r.loss), grad_norm: real(r.gradNorm),
          loss_init: real(r.lossInit), loss_max: real(r.lossMax), loss_min: real(r.lossMin), nearest_critical: r.nearestCritical?.loss ?? null,
          nearest_rank: r.nearestCritical?.rank ?? null, plateau_steps: JSON.stringify(r.plateauSteps), sharpness_start: real(r.sharpnessStart),
          sharpness_end: real(r.sharpnessEnd), eta_max: real(r.etaMax), lr: real(r.lr), dims: r.dims.join(','), coords: JSON.stringify(r.coords),
          config: encodeExactJson(r.config), command: r.command ?? '', dln: r.dln, error: r.error ?? null, record: encodeExactJson(r), worker, finished_at: now,
          critical_kind: r.critical?.kind ?? null,
        }).changes;
      }
      return n;
    })();
  }

  /** Indices of the cells stored so far. */
  doneIndices(): Set<number> {
    return new Set((this.db.prepare('SELECT idx FROM cells').pluck().all() as number[]));
  }

  /** Stored cells per status. */
  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM cells GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Stored cells by where they ended (critical_kind: global-minimum, plateau, neither; 'none' for diverged and failed cells, 'unknown' where not recorded). */
  criticalCounts(): Record<string, number> {
    const rows = this.db.prepare(`SELECT COALESCE(critical_kind, CASE WHEN status IN ('diverged', 'failed') THEN 'none' ELSE 'unknown' END) AS k, COUNT(*) AS n
      FROM cells GROUP BY k`).all() as { k: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }

  /** First and last finishing times (ISO) and the number of stored cells. */
  timing(): { first: string | null; last: string | null; n: number } {
    const r = this.db.prepare('SELECT MIN(finished_at) AS first, MAX(finished_at) AS last, COUNT(*) AS n FROM cells').get() as { first: string | null; last: string | null; n: number };
    return r;
  }

  /** Every stored record, by cell index. */
  records(): CellRecord[] {
    return (this.db.prepare('SELECT record FROM cells ORDER BY idx').pluck().all() as string[]).map((t) => decodeExactJson(t) as CellRecord);
  }

  close(): void { this.db.close(); }
}
