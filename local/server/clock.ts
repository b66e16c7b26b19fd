/** Where the server reads the time. The virtual clock only moves when told to (tests skip time). */
export interface Clock {
  readonly virtual: boolean;
  /** Epoch milliseconds. */
  now(): number;
}

export class RealClock implements Clock {
  readonly virtual = false;
  now(): number {
    return Date.now();
  }
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  /** Moves time to `target` (never backwards); the scheduler fires what falls due on the way. */
  set(target: number): void {
    if (target > this.current) this.current = target;
  }
}

/**
 * Calls back each key at its deadline. One entry per key: setting a key again moves its deadline.
 * With a real clock it arms one `setTimeout` for the earliest deadline; with a virtual clock deadlines
 * fire only inside `advance`, each at its own instant, in order.
 */
export class DeadlineScheduler {
  private readonly deadlines = new Map<string, number>();
  private heap: { at: number; key: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (key: string) => void,
  ) {}

  set(key: string, at: number | undefined): void {
    if (at === undefined || !Number.isFinite(at)) {
      this.deadlines.delete(key);
      return;
    }
    if (this.deadlines.get(key) === at) return;
    this.deadlines.set(key, at);
    this.push({ at, key });
    this.arm();
  }

  /** Fires every deadline up to `target` (virtual clock), then leaves the clock at `target`. */
  advance(target: number): number {
    const clock = this.clock as VirtualClock;
    let fired = 0;
    for (let next = this.peek(); next && next.at <= target; next = this.peek()) {
      clock.set(next.at);
      fired += this.fireDue();
    }
    clock.set(target);
    return fired;
  }

  /** Fires every deadline that is due now. */
  fireDue(): number {
    let fired = 0;
    const now = this.clock.now();
    for (let next = this.peek(); next && next.at <= now; next = this.peek()) {
      this.pop();
      this.deadlines.delete(next.key);
      fired++;
      this.onDue(next.key);
    }
    return fired;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get size(): number {
    return this.deadlines.size;
  }

  private arm(): void {
    if (this.clock.virtual || this.stopped) return;
    const next = this.peek();
    if (!next || next.at >= this.armedAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = next.at;
    // Node timers cap at ~24.8 days; a longer wait is simply re-armed when it wakes.
    const delay = Math.min(Math.max(0, next.at - this.clock.now()), 2_000_000_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedAt = Number.POSITIVE_INFINITY;
      this.fireDue();
      this.arm();
    }, delay);
    this.timer.unref?.();
  }

  /** The earliest live entry, dropping stale ones (keys whose deadline moved). */
  private peek(): { at: number; key: string } | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0] as { at: number; key: string };
      if (this.deadlines.get(top.key) === top.at) return top;
      this.pop();
    }
    return undefined;
  }

  private push(entry: { at: number; key: string }): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as { at: number }).at <= entry.at) break;
      heap[index] = heap[parent] as { at: number; key: string };
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as { at: number }).at < (heap[left] as { at: number }).at
          ? right
          : left;
      if ((heap[child] as { at: number }).at >= last.at) break;
      heap[index] = heap[child] as { at: number; key: string };
      index = child;
    }
    heap[index] = last;
  }
}
