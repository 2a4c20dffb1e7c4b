/**
 * The resourceVersion up to which a stream's events have all been handled, when they are
 * handled concurrently: each event begins a step in arrival order, and the checkpoint moves to
 * a step's resourceVersion only once it and every step before it have finished. A successor
 * resuming from the checkpoint therefore misses nothing (it may see a few events again, which
 * event-like sources merge by their own count).
 */
export class Checkpoint {
  private readonly steps: { rv: string; finished: boolean }[] = [];
  value = '';

  /** Starts over at `rv` (a resume point), forgetting unfinished steps. */
  reset(rv: string): void {
    this.steps.length = 0;
    this.value = rv;
  }

  /** Begins a step that reaches `rv`; call the returned function when it is handled. */
  begin(rv: string): () => void {
    const step = { rv, finished: false };
    this.steps.push(step);
    return () => {
      step.finished = true;
      while (this.steps.length > 0 && this.steps[0].finished) this.value = this.steps.shift()!.rv;
    };
  }
}
