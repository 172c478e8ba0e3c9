/**
 * Ed25519 verification on worker threads, so that a node's main thread, which also runs RPC, gossip, the mempool and
 * block execution, does not spend half its time in OpenSSL (docs/architecture.md, Performance facts; the same split as Lodestar's BLS pool).
 *
 * The main thread keeps SIG-3 to SIG-6 (byte comparisons) and the naming of a failure; a worker only answers whether
 * OpenSSL accepts the equation (SIG-7). So `verifyBatch` gives the outcome `verifyDetailed` gives, failure code
 * included, for every input.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { equationOutcome, precheckSignature, verifyDetailed } from './ed25519.ts';
import type { VerifyResult } from './ed25519-portable.ts';

/** One signature to check: `signature` by `publicKey` over `message`. */
export interface SignatureSet {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Verifies many signatures at once; each result is what `verifyDetailed` returns for that set. */
export interface SignatureVerifier {
  verifyBatch(sets: readonly SignatureSet[]): Promise<VerifyResult[]>;
}

export interface VerifyPoolOptions {
  /** worker threads; default one per core but the main thread's, at least 1 */
  readonly workers?: number;
  /** the workers' program (tests use a broken one); `verifyWorkerMain`'s source by default */
  readonly workerSource?: string;
}

export interface VerifyPoolStats {
  /** workers running: fewer than asked once workers kept dying before answering (then the main thread verifies) */
  readonly workers: number;
  /** signature equations sent to workers */
  readonly verified: number;
  readonly jobs: number;
  /** equations verified on the main thread because their worker died */
  readonly fallbacks: number;
}

/** A batch this small goes to one worker whole: splitting it costs more in messages than it saves. */
const MIN_SPLIT = 32;
/** Workers that die before their first answer, in a row, after which a slot is not refilled. */
const MAX_START_FAILURES = 3;

interface Job {
  readonly id: number;
  readonly sets: readonly SignatureSet[];
  readonly resolve: (holds: Uint8Array) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  /** equations sent and not answered yet */
  load: number;
  answered: boolean;
}

/** The default worker count: every core but one, at least one. */
export function defaultVerifyWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class VerifyPool implements SignatureVerifier {
  readonly #source: string;
  readonly #workers: PoolWorker[] = [];
  #startFailures = 0;
  #nextId = 0;
  #closed = false;
  #verified = 0;
  #jobs = 0;
  #fallbacks = 0;

  constructor(options: VerifyPoolOptions = {}) {
    const size = options.workers ?? defaultVerifyWorkers();
    if (!Number.isSafeInteger(size) || size < 1)
      throw new RangeError(`a verify pool needs at least 1 worker, not ${size}`);
    this.#source = options.workerSource ?? `(${verifyWorkerMain.toString()})()`;
    for (let i = 0; i < size; i++) this.#workers.push(this.#spawn());
  }

  get stats(): VerifyPoolStats {
    return { workers: this.#workers.length, verified: this.#verified, jobs: this.#jobs, fallbacks: this.#fallbacks };
  }

  async verifyBatch(sets: readonly SignatureSet[]): Promise<VerifyResult[]> {
    const results: (VerifyResult | undefined)[] = sets.map((s) =>
      precheckSignature(s.publicKey, s.message, s.signature),
    );
    const remaining: number[] = [];
    results.forEach((r, i) => {
      if (r === undefined) remaining.push(i);
    });
    if (remaining.length > 0) {
      const toVerify = remaining.map((i) => sets[i] as SignatureSet);
      const holds = await this.#equations(toVerify);
      remaining.forEach((i, k) => {
        results[i] = equationOutcome((sets[i] as SignatureSet).publicKey, holds[k] === 1);
      });
    }
    return results as VerifyResult[];
  }

  /** Stops the workers; a batch still in flight is finished on the main thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(
      workers.map(async (w) => {
        this.#fallBack(w);
        await w.worker.terminate();
      }),
    );
  }

  /** 1 where OpenSSL accepts the equation, in the order of `sets`. */
  async #equations(sets: readonly SignatureSet[]): Promise<Uint8Array> {
    if (this.#closed || this.#workers.length === 0) return this.#inline(sets);
    const parts = Math.min(this.#workers.length, Math.max(1, Math.floor(sets.length / MIN_SPLIT)));
    const size = Math.ceil(sets.length / parts);
    const chunks: Promise<Uint8Array>[] = [];
    for (let start = 0; start < sets.length; start += size) chunks.push(this.#send(sets.slice(start, start + size)));
    const answers = await Promise.all(chunks);
    if (answers.length === 1) return answers[0] as Uint8Array;
    const out = new Uint8Array(sets.length);
    let at = 0;
    for (const a of answers) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  }

  #send(sets: readonly SignatureSet[]): Promise<Uint8Array> {
    const target = this.#workers.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.#nextId++;
    this.#jobs++;
    this.#verified += sets.length;
    return new Promise((resolve) => {
      target.jobs.set(id, { id, sets, resolve });
      target.load += sets.length;
      const packed = pack(id, sets);
      target.worker.postMessage(packed, [packed.buffer]);
    });
  }

  #spawn(): PoolWorker {
    const worker = new Worker(this.#source, { eval: true, name: 'babychain-verify' });
    worker.unref();
    const entry: PoolWorker = { worker, jobs: new Map(), load: 0, answered: false };
    worker.on('message', (answer: { id: number; holds: Uint8Array }) => {
      const job = entry.jobs.get(answer.id);
      if (job === undefined) return;
      entry.jobs.delete(answer.id);
      entry.load -= job.sets.length;
      entry.answered = true;
      this.#startFailures = 0;
      job.resolve(answer.holds);
    });
    const replace = (): void => {
      const at = this.#workers.indexOf(entry);
      if (at === -1) return;
      this.#fallBack(entry);
      if (this.#closed) return;
      // A program that cannot start would otherwise be restarted forever; the main thread verifies instead.
      if (!entry.answered && ++this.#startFailures >= MAX_START_FAILURES) this.#workers.splice(at, 1);
      else this.#workers[at] = this.#spawn();
    };
    worker.on('error', replace);
    worker.on('exit', replace);
    return entry;
  }

  /** Answers a worker's unanswered jobs on the main thread: a dead worker loses no verdict. */
  #fallBack(entry: PoolWorker): void {
    for (const job of entry.jobs.values()) job.resolve(this.#inline(job.sets));
    entry.jobs.clear();
    entry.load = 0;
  }

  #inline(sets: readonly SignatureSet[]): Uint8Array {
    this.#fallbacks += sets.length;
    return Uint8Array.from(sets, (s) => (verifyDetailed(s.publicKey, s.message, s.signature).ok ? 1 : 0));
  }
}

/**
 * One job as a single transferable buffer: [id u32][count u32][keys 32·n][signatures 64·n][message ends u32·n]
 * [messages]. Offsets are 4-byte aligned because 32 and 64 are.
 */
function pack(id: number, sets: readonly SignatureSet[]): Uint8Array<ArrayBuffer> {
  const n = sets.length;
  const messageBytes = sets.reduce((sum, s) => sum + s.message.length, 0);
  const out = new Uint8Array(8 + 96 * n + 4 * n + messageBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, id, true);
  view.setUint32(4, n, true);
  const keysAt = 8;
  const sigsAt = keysAt + 32 * n;
  const endsAt = sigsAt + 64 * n;
  let messageAt = endsAt + 4 * n;
  sets.forEach((s, i) => {
    out.set(s.publicKey, keysAt + 32 * i);
    out.set(s.signature, sigsAt + 64 * i);
    out.set(s.message, messageAt);
    messageAt += s.message.length;
    view.setUint32(endsAt + 4 * i, messageAt, true);
  });
  return out;
}

/**
 * The worker's whole program. It runs from its source text (`eval`), so it must not reference anything outside its
 * body: that is what lets a release bundle (one file) start it.
 */
function verifyWorkerMain(): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const { createPublicKey, verify } = process.getBuiltinModule('node:crypto');
  type Key = ReturnType<typeof createPublicKey>;
  const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
  const keys = new Map<string, Key>();
  parentPort?.on('message', (job: Uint8Array) => {
    const view = new DataView(job.buffer, job.byteOffset, job.byteLength);
    const id = view.getUint32(0, true);
    const n = view.getUint32(4, true);
    const keysAt = 8;
    const sigsAt = keysAt + 32 * n;
    const endsAt = sigsAt + 64 * n;
    let messageAt = endsAt + 4 * n;
    const holds = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const end = view.getUint32(endsAt + 4 * i, true);
      const publicKey = job.subarray(keysAt + 32 * i, keysAt + 32 * i + 32);
      try {
        const name = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1');
        let key = keys.get(name);
        if (key === undefined) {
          if (keys.size >= 4096) keys.clear();
          key = createPublicKey({ key: Buffer.concat([spkiPrefix, publicKey]), format: 'der', type: 'spki' });
          keys.set(name, key);
        }
        const signature = job.subarray(sigsAt + 64 * i, sigsAt + 64 * i + 64);
        holds[i] = verify(null, job.subarray(messageAt, end), key, signature) ? 1 : 0;
      } catch {
        holds[i] = 0;
      }
      messageAt = end;
    }
    parentPort.postMessage({ id, holds }, [holds.buffer]);
  });
}
