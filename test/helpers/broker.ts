/**
 * Where the tests' real broker listens. The jest global setup starts one (or finds one
 * running) and exports its address as KAFKAESQUE_BROKER; tests never skip without it.
 */
export function brokerAddress(): { host: string; port: number; bootstrap: string } {
  const bootstrap = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
  return { ...hostPort(bootstrap), bootstrap };
}

/** `host:port` (an IPv6 host keeps its colons) as its parts. */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** A topic name unique to this run, so tests never see each other's data. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
