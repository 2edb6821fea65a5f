/**
 * RS256 signatures on worker threads: a successful token answer signs two tokens (about 0.2 ms of CPU
 * each), which on the main thread caps token answers at one core whatever the machine has. Only the
 * RSA work moves: the caller builds the signing input (and changes any state) before it awaits, so
 * concurrency cannot redeem a code twice, and a thread's signature is byte for byte the main
 * thread's (same key, and PKCS#1 v1.5 is deterministic).
 *
 * Threads start on the first signature, not with the pool, and are unreferenced while idle, so a
 * pool never keeps a process alive. A thread that dies is an internal failure, not the caller's: its
 * unanswered jobs are signed on the main thread, and a new thread takes its place on the next job
 * (unless threads keep dying before answering anything, when signing stays on the main thread).
 */
import { Worker } from "node:worker_threads";
import { signature, signingKey } from "./jwt.ts";

const WORKER_FILE = new URL("./signing-worker.mjs", import.meta.url);
/** Threads that die before their first answer this many times in a row are not started again. */
const MAX_FAILED_STARTS = 3;

interface Job {
  inputs: string[];
  resolve(signatures: string[]): void;
}

interface Thread {
  worker: Worker;
  /** Jobs sent and not answered, by id. */
  jobs: Map<number, Job>;
  answered: boolean;
}

/** A fixed number of signing threads, started on first use (see the file comment). */
export class SigningPool {
  readonly size: number;
  /** Threads that died and were replaced (or are about to be), for logs and tests. */
  restarts = 0;
  readonly #threads: Array<Thread | undefined>;
  #nextId = 1;
  #failedStarts = 0;
  #closed = false;

  /** A pool of `size` threads (at least 1); none starts before the first `sign()`. */
  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
    this.#threads = Array.from({ length: this.size }, () => undefined);
  }

  /** The signatures of `inputs`, in order; never rejects (a dead thread's jobs are signed here). */
  sign(inputs: string[]): Promise<string[]> {
    let thread: Thread | undefined;
    try {
      thread = this.#closed || this.#failedStarts >= MAX_FAILED_STARTS ? undefined : this.#pick();
    } catch {
      // A thread that cannot even start (no resources): the grant has already spent its code, so
      // sign here rather than fail the answer.
      this.#failedStarts++;
      thread = undefined;
    }
    if (thread === undefined) return Promise.resolve(inputs.map(signature));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      // Referenced only while it owes an answer: an idle pool never holds the process open.
      if (thread.jobs.size === 0) thread.worker.ref();
      thread.jobs.set(id, { inputs, resolve });
      thread.worker.postMessage({ id, inputs });
    });
  }

  /** Ends one thread abruptly, as a crash would; for the tests of the recovery. */
  async kill(index: number): Promise<void> {
    await this.#threads[index]?.worker.terminate();
  }

  /** Ends every thread; jobs still out are signed on the main thread, and later ones too. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t?.worker.terminate()));
  }

  /** The least busy thread, starting any slot that has none (on first use, or after a death). */
  #pick(): Thread {
    let best: Thread | undefined;
    for (let i = 0; i < this.#threads.length; i++) {
      const thread = this.#threads[i] ?? this.#start(i);
      if (best === undefined || thread.jobs.size < best.jobs.size) best = thread;
      if (best.jobs.size === 0) break;
    }
    return best as Thread;
  }

  #start(index: number): Thread {
    const worker = new Worker(WORKER_FILE, {
      workerData: { key: signingKey() },
      // The thread runs plain JavaScript: no TypeScript loader or other flags of the parent.
      execArgv: [],
    });
    const thread: Thread = { worker, jobs: new Map(), answered: false };
    this.#threads[index] = thread;
    worker.unref();
    worker.on("message", (msg: { id: number; signatures: string[] }) => {
      const job = thread.jobs.get(msg.id);
      if (job === undefined) return;
      thread.jobs.delete(msg.id);
      thread.answered = true;
      this.#failedStarts = 0;
      if (thread.jobs.size === 0) worker.unref();
      job.resolve(msg.signatures);
    });
    worker.on("error", (err) => console.error("mock: a signing thread failed:", err));
    worker.on("exit", (code) => this.#lost(index, thread, code));
    return thread;
  }

  /** A thread ended: what it owed is signed here, and its slot starts afresh on the next job. */
  #lost(index: number, thread: Thread, code: number): void {
    if (this.#threads[index] === thread) this.#threads[index] = undefined;
    if (!this.#closed) {
      this.restarts++;
      if (!thread.answered) this.#failedStarts++;
      console.error(
        `mock: a signing thread exited (code ${code}); ${thread.jobs.size} job(s) signed on the main thread, ` +
          (this.#failedStarts >= MAX_FAILED_STARTS ? "signing stays there" : "a new thread takes its place"),
      );
    }
    for (const job of thread.jobs.values()) job.resolve(job.inputs.map(signature));
    thread.jobs.clear();
  }
}
