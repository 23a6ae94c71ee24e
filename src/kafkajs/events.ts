/** KafkaJS's instrumentation events: `on(name, listener)` returns a function that removes it. */
import { EventEmitter } from 'node:events';
import { KafkaJSNonRetriableError } from './errors.js';

export interface InstrumentationEvent<T = unknown> {
  id: number;
  type: string;
  timestamp: number;
  payload: T;
}

let nextId = 0;

export class Instrumentation {
  private readonly emitter = new EventEmitter();
  constructor(
    private readonly all: Record<string, string>,
    private readonly emitted: ReadonlySet<string>,
    private readonly what: string,
  ) {}

  on<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    const known = Object.values(this.all);
    if (!known.includes(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${this.what}.events: ${known.join(', ')}; got ${String(eventName)}`);
    }
    if (!this.emitted.has(eventName)) {
      // a listener that would never be called is a silent bug in the application: say so
      throw new KafkaJSNonRetriableError(`kafkaesque/kafkajs does not emit ${eventName} (see docs/kafkajs-migration.md)`);
    }
    const wrapped = (e: InstrumentationEvent<T>): void => {
      try {
        const r = listener(e) as unknown;
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // a listener's error must not break the client, as in KafkaJS
      }
    };
    this.emitter.on(eventName, wrapped);
    return () => {
      this.emitter.off(eventName, wrapped);
    };
  }

  /** Whether anything listens for `type` (payloads that cost something are built only then). */
  listening(type: string): boolean {
    return this.emitter.listenerCount(type) > 0;
  }

  emit(type: string, payload: unknown): void {
    if (this.emitter.listenerCount(type) === 0) return;
    this.emitter.emit(type, { id: nextId++, type, timestamp: Date.now(), payload });
  }
}
