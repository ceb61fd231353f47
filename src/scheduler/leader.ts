import type { Db, Session } from '../db/index.js';

// Any fixed number; the same in every Gatehouse process.
const SCHEDULER_LOCK = 7_246_007;

/** Whether this process is the one that runs leader-only tasks now. */
export interface Leadership {
  /** Checks (and tries to take) leadership; cheap enough to ask before every leader-only run. */
  isLeader(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Leader election by a PostgreSQL session advisory lock held on a dedicated connection: the lock
 * lives exactly as long as that connection, so a crashed or killed leader's lock is released by
 * the server when its socket closes and the next process to ask takes over. On PGlite the one
 * process is always the leader.
 */
export function electLeader(db: Db, key = SCHEDULER_LOCK): Leadership {
  if (db.kind === 'pglite') return { isLeader: async () => true, release: async () => undefined };
  let session: Session | undefined;
  let leader = false;
  let released = false;
  const drop = async (): Promise<void> => {
    leader = false;
    const s = session;
    session = undefined;
    await s?.release();
  };
  let checking: Promise<boolean> | undefined;
  const check = async (): Promise<boolean> => {
    if (released) return false;
    try {
      if (session?.lost) await drop();
      session ??= await db.session();
      if (leader) {
        // The lock is only as alive as the connection: prove the connection still answers.
        await session.query('select 1');
        return true;
      }
      const { rows } = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]);
      leader = rows[0]?.ok === true;
      return leader;
    } catch {
      await drop().catch(() => undefined);
      return false;
    }
  };
  return {
    // Tasks ask at once; one check at a time keeps them to one session.
    isLeader: () => (checking ??= check().finally(() => (checking = undefined))),
    async release() {
      released = true;
      await drop();
    },
  };
}
