/**
 * Client metrics: what one client (a producer, a consumer, an Admin: one Cluster each) has done,
 * counted as it happens and read with `metrics()`. Counting is a few additions per request,
 * batch or fetch (no allocation on the hot paths); a snapshot is built only when asked for.
 *
 * The figures follow the Java client's metric groups where one exists (`request-latency-avg`,
 * `record-send-total`, `records-lag`, ...); docs/observability.md lists them.
 */

/** Upper bounds (ms) of the latency histograms' buckets; a last bucket takes the rest. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000];
/** Upper bounds of the size histograms' buckets (records per batch or per request). */
export const COUNT_BUCKETS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

/** A histogram as a snapshot shows it. */
export interface HistogramSnapshot {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  /** Upper bounds of the buckets holding the 50th and 99th percentile (the max when in the last). */
  p50: number;
  p99: number;
  /** Cumulative counts, as OpenTelemetry and Prometheus take them: `count` values were <= `le`. */
  buckets: Array<{ le: number; count: number }>;
}

/** Counts of values in fixed buckets, with count, sum, min and max. */
export class Histogram {
  private readonly counts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  record(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The upper bound of the bucket holding quantile `q` (0..1), the max for the last bucket; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i < this.bounds.length ? Math.min(this.bounds[i]!, this.max) : this.max;
    }
    return this.max;
  }

  snapshot(): HistogramSnapshot {
    let cumulative = 0;
    return {
      count: this.count,
      sum: round(this.sum),
      min: this.count === 0 ? 0 : round(this.min),
      max: round(this.max),
      mean: this.count === 0 ? 0 : round(this.sum / this.count),
      p50: round(this.quantile(0.5)),
      p99: round(this.quantile(0.99)),
      buckets: this.bounds.map((le, i) => ({ le, count: (cumulative += this.counts[i]!) })),
    };
  }
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** Requests of one API, as a snapshot shows them. */
export interface RequestMetrics {
  /** Requests answered (or failed) so far. */
  count: number;
  /** Requests that failed without an answer: timeout, connection lost, a response that did not decode. */
  failed: number;
  bytesSent: number;
  bytesReceived: number;
  /** Time from writing the request to its response, in ms. */
  latencyMs: HistogramSnapshot;
}

class ApiCounters {
  count = 0;
  failed = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly latency = new Histogram(LATENCY_BUCKETS_MS);
}

/**
 * The counters of one Cluster (one client). BrokerConnection counts requests; the producer and
 * the consumer count records, batches and fetches; errors are counted by their code.
 */
export class ClientMetrics {
  private readonly apis = new Map<string, ApiCounters>();
  private readonly errorCodes = new Map<string, number>();
  /** Requests written and not yet answered, over every connection. */
  inFlight = 0;
  connectionsOpened = 0;
  connectionsClosed = 0;
  // producer
  recordsSent = 0;
  batchesSent = 0;
  /** Bytes of record batches acknowledged (compressed, as sent). */
  batchBytesSent = 0;
  produceRequests = 0;
  /** Batches sent again after a retriable error. */
  retries = 0;
  /** Records whose send failed for good. */
  recordErrors = 0;
  readonly recordsPerBatch = new Histogram(COUNT_BUCKETS);
  readonly recordsPerRequest = new Histogram(COUNT_BUCKETS);
  // consumer
  recordsReceived = 0;
  /** Bytes of record batches fetched (as on the wire). */
  fetchedBytes = 0;

  private api(name: string): ApiCounters {
    let a = this.apis.get(name);
    if (a === undefined) this.apis.set(name, (a = new ApiCounters()));
    return a;
  }

  /** @internal A request of `api` left, `bytes` long. */
  requestSent(api: string, bytes: number): void {
    this.inFlight++;
    this.api(api).bytesSent += bytes;
  }

  /** @internal Its response came, `bytes` long, after `latencyMs`. */
  requestAnswered(api: string, latencyMs: number, bytes: number): void {
    this.inFlight--;
    const a = this.api(api);
    a.count++;
    a.bytesReceived += bytes;
    a.latency.record(latencyMs);
  }

  /** @internal It failed without a response (timeout, connection lost, undecodable answer). */
  requestFailed(api: string, code: string): void {
    this.inFlight--;
    const a = this.api(api);
    a.count++;
    a.failed++;
    this.error(code);
  }

  /** @internal An error met, by its code (`ERR_KAFKA_NOT_LEADER_OR_FOLLOWER`, `ERR_REQUEST_TIMEOUT`, ...). */
  error(code: string): void {
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /** A plain, JSON-friendly copy of the counters now. */
  snapshot(): ClientMetricsSnapshot {
    const requests: Record<string, RequestMetrics> = {};
    let bytesSent = 0;
    let bytesReceived = 0;
    for (const [name, a] of [...this.apis].sort(([x], [y]) => (x < y ? -1 : 1))) {
      requests[name] = { count: a.count, failed: a.failed, bytesSent: a.bytesSent, bytesReceived: a.bytesReceived, latencyMs: a.latency.snapshot() };
      bytesSent += a.bytesSent;
      bytesReceived += a.bytesReceived;
    }
    return {
      requests,
      requestsInFlight: this.inFlight,
      bytesSent,
      bytesReceived,
      connections: { opened: this.connectionsOpened, closed: this.connectionsClosed },
      errors: Object.fromEntries([...this.errorCodes].sort(([x], [y]) => (x < y ? -1 : 1))),
    };
  }
}

/** What every client's `metrics()` has: its requests to the brokers and the errors it met. */
export interface ClientMetricsSnapshot {
  /** Per API (`Produce`, `Fetch`, `Metadata`, ...): count, failures, bytes and latency. */
  requests: Record<string, RequestMetrics>;
  requestsInFlight: number;
  /** Bytes written to and read from the brokers, over every API. */
  bytesSent: number;
  bytesReceived: number;
  connections: { opened: number; closed: number };
  /** Errors met, by code: failed requests, and the brokers' per-partition errors. */
  errors: Record<string, number>;
}

/** A producer's `metrics()`: its requests, and what it sent. */
export interface ProducerMetricsSnapshot extends ClientMetricsSnapshot {
  producer: {
    /** Records the brokers acknowledged (Java's record-send-total). */
    recordsSent: number;
    batchesSent: number;
    /** Bytes of the acknowledged record batches, compressed as sent. */
    batchBytesSent: number;
    produceRequests: number;
    /** Batches sent again after a retriable error (Java's record-retry-total counts records). */
    retries: number;
    /** Records whose send failed for good (Java's record-error-total). */
    recordErrors: number;
    recordsPerBatch: HistogramSnapshot;
    recordsPerRequest: HistogramSnapshot;
    /** Bytes of the send buffer in use, and its bound (Config.bufferBytes; Java's buffer.memory). */
    bufferUsedBytes: number;
    bufferLimitBytes: number;
    /** Records sent and not yet acknowledged or failed. */
    recordsOutstanding: number;
  };
}

/** A consumed partition in a consumer's `metrics()`. */
export interface PartitionMetrics {
  topic: string;
  partition: number;
  /** The next offset to fetch; -1 until known. */
  position: number;
  /** The partition's high watermark as the last fetch saw it (the last stable offset under read_committed); -1 until fetched. */
  highWatermark: number;
  /** highWatermark - position (Java's records-lag); -1 until both are known. */
  lag: number;
  /** The group's committed offset as this member committed or fetched it; -1 when none. */
  committed: number;
}

/** A consumer's `metrics()`: its requests, and what it fetched. */
export interface ConsumerMetricsSnapshot extends ClientMetricsSnapshot {
  consumer: {
    /** Records handed to the application (Java's records-consumed-total). */
    recordsReceived: number;
    /** Bytes of record batches fetched (Java's bytes-consumed-total). */
    fetchedBytes: number;
    /** Bytes fetched and not yet taken by the application, and its bound (Config.prefetchBytes). */
    prefetchedBytes: number;
    prefetchLimitBytes: number;
    /** Per owned (or manually consumed) partition, in topic and partition order. */
    partitions: PartitionMetrics[];
    /** The sum of the partitions' lags that are known (Java's records-lag-max is their max). */
    totalLag: number;
  };
}

/** Counters of a snapshot as numbers: -1 for an unknown offset. */
export function offsetNumber(v: bigint | undefined): number {
  return v === undefined || v < 0n ? -1 : Number(v);
}

/**
 * A partition's lag: records from `from` (a consumer's position, a group's committed offset) to
 * `end` (the high watermark, or the last stable offset under read_committed), never negative.
 * The consumer's metrics(), the plugin's health() and Admin.groupLag (the CLI's `groups lag`) all
 * count it so.
 */
export function partitionLag(end: bigint, from: bigint): bigint {
  return end > from ? end - from : 0n;
}
