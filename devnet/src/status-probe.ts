/**
 * A well-behaved client probing `GET /status` on its own thread: the attacks run on the main thread of the same
 * process, and their own work (thousands of sends, a thousand connects) must not show up as the node's latency.
 */
import { request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ProbeOptions {
  readonly url: string;
  /** the loopback address the probe connects from, so that it has its own RPC budget */
  readonly from: string;
  readonly everyMs: number;
  readonly timeoutMs: number;
}

export interface ProbeResult {
  /** ms of each answered probe */
  readonly latencies: number[];
  /** probes that failed or timed out */
  readonly failures: number;
}

/** GET `path` from `from` on a fresh connection: the body, and how long the answer took. */
export function probe(
  url: string,
  path: string,
  from: string,
  timeoutMs: number,
): Promise<{ ms: number; status: number; body: string }> {
  const u = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path, localAddress: from, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            ms: performance.now() - started,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0, body: '' }));
    req.end();
  });
}

/** Starts probing on a worker thread; `stop` ends it and returns what it saw. */
export function startStatusProbe(options: ProbeOptions): { stop(): Promise<ProbeResult> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  const result = new Promise<ProbeResult>((resolve, reject) => {
    worker.once('message', (r: ProbeResult) => resolve(r));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const o = workerData as ProbeOptions;
  let running = true;
  port.once('message', () => {
    running = false;
  });
  const latencies: number[] = [];
  let failures = 0;
  while (running) {
    const answer = await probe(o.url, '/status', o.from, o.timeoutMs);
    if (answer.status === 200) latencies.push(answer.ms);
    else failures++;
    await new Promise((resolve) => setTimeout(resolve, o.everyMs)); // the probing pace
  }
  port.postMessage({ latencies, failures } satisfies ProbeResult);
}
