/**
 * The logging interface the client layers write to. Fields are structured data; no layer ever
 * passes credentials, keys or record payloads to a logger.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** Discards everything; the default. */
export const NOOP_LOGGER: Logger = { debug: noop, info: noop, warn: noop, error: noop };
