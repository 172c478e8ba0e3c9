// The upgrade demo paused at each of its stages while the browser looks: the demo's `watch` hook waits here until
// the test releases the stage, and the tests wait here until the demo reaches it.
import type { Devnet } from '../../src/devnet.ts';
import type { DemoStage } from '../../src/upgrade-demo.ts';

interface Gate {
  reached: Promise<Devnet>;
  arrive: (devnet: Devnet) => void;
  released: Promise<void>;
  release: () => void;
}

export class DemoStages {
  readonly #gates = new Map<DemoStage, Gate>();
  readonly #failed: ((e: unknown) => void)[] = [];
  #ended: Error | undefined;

  #gate(stage: DemoStage): Gate {
    let gate = this.#gates.get(stage);
    if (gate === undefined) {
      let arrive!: (d: Devnet) => void;
      let fail!: (e: unknown) => void;
      let release!: () => void;
      const reached = new Promise<Devnet>((resolve, reject) => {
        arrive = resolve;
        fail = reject;
      });
      reached.catch(() => {}); // a stage no test waits for must not be an unhandled rejection
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      this.#failed.push(fail);
      if (this.#ended !== undefined) fail(this.#ended);
      gate = { reached, arrive, released, release };
      this.#gates.set(stage, gate);
    }
    return gate;
  }

  /** The demo's `watch`: announces the stage, then waits until the tests let it go on. */
  readonly watch = async (stage: DemoStage, devnet: Devnet): Promise<void> => {
    const gate = this.#gate(stage);
    gate.arrive(devnet);
    await gate.released;
  };

  /** Waits for the demo to reach `stage`, releasing the stages before it. */
  async at(stage: DemoStage, order: readonly DemoStage[]): Promise<Devnet> {
    for (const earlier of order.slice(0, order.indexOf(stage))) this.#gate(earlier).release();
    return this.#gate(stage).reached;
  }

  /** The demo ended (or failed): no stage it did not reach will come. */
  end(outcome: unknown): void {
    this.#ended = new Error(`the upgrade demo ended before this stage: ${String(outcome)}`);
    for (const fail of this.#failed) fail(this.#ended);
  }

  releaseAll(): void {
    for (const gate of this.#gates.values()) gate.release();
  }
}
