/** Typed errors of the network layer. None of them carries credentials or payload bytes. */
import { KafkaesqueError } from '../../protocol/errors.js';

/** The TCP (or TLS) connection to a broker could not be opened. Retriable: the broker may come back. */
export class ConnectionError extends KafkaesqueError {
  readonly broker: string;
  constructor(broker: string, message: string, cause?: unknown) {
    super('ERR_CONNECTION', `cannot connect to broker ${broker}: ${message}`, { retriable: true, cause });
    this.broker = broker;
  }
}

/**
 * The connection closed while a request was waiting for its response (closed by the client,
 * by the broker, or after a protocol error). The request may or may not have been processed.
 */
export class ConnectionClosedError extends KafkaesqueError {
  readonly broker: string;
  constructor(broker: string, reason: string, cause?: unknown) {
    super('ERR_CONNECTION_CLOSED', `connection to broker ${broker} closed: ${reason}`, { retriable: true, cause });
    this.broker = broker;
  }
}

/**
 * No response arrived within the request timeout. As in the Java client, the connection is
 * closed, since the broker may still answer and the stream can no longer be trusted.
 */
export class RequestTimeoutError extends KafkaesqueError {
  readonly broker: string;
  readonly timeoutMs: number;
  constructor(broker: string, apiName: string, timeoutMs: number) {
    super(
      'ERR_REQUEST_TIMEOUT',
      `${apiName} request to broker ${broker} got no response within ${timeoutMs} ms; ` +
        'the connection was closed. Raise requestTimeoutMs if the broker is slow, or check that it is healthy.',
      { retriable: true },
    );
    this.broker = broker;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The broker sent bytes that break the protocol: a frame length that is negative or above
 * the configured maximum, a response to a request that was never sent, a body that does not
 * parse. The connection is closed; other connections are unaffected.
 */
export class ProtocolViolationError extends KafkaesqueError {
  readonly broker: string;
  constructor(broker: string, message: string, cause?: unknown) {
    super('ERR_PROTOCOL_VIOLATION', `broker ${broker} broke the protocol: ${message}`, { cause });
    this.broker = broker;
  }
}

/** The broker and this client share no version of an API (or the broker lacks the API). */
export class UnsupportedVersionError extends KafkaesqueError {
  readonly broker: string;
  readonly apiKey: number;
  constructor(broker: string, apiName: string, apiKey: number, detail: string) {
    super(
      'ERR_UNSUPPORTED_VERSION',
      `broker ${broker} and kafkaesque share no version of ${apiName} (key ${apiKey}): ${detail}. ` +
        'kafkaesque needs Apache Kafka 4.0 or later (or a compatible broker).',
    );
    this.broker = broker;
    this.apiKey = apiKey;
  }
}

/**
 * SASL authentication failed: wrong username or password, a mechanism the broker does not
 * enable, or a SCRAM server signature that does not verify (the broker could not prove it
 * knows the credentials). Not retriable: the same credentials fail again, and retrying would
 * only hammer the broker (and may lock the account). The connection is closed. The message
 * names the broker, the mechanism and the user; never the password.
 */
export class AuthenticationError extends KafkaesqueError {
  readonly broker: string;
  readonly mechanism: string;
  readonly username: string;
  /** The broker's error code (e.g. 58 SASL_AUTHENTICATION_FAILED), when the broker reported one. */
  readonly errorCode: number | undefined;
  constructor(broker: string, mechanism: string, username: string, detail: string, errorCode?: number, cause?: unknown) {
    super(
      'ERR_AUTHENTICATION',
      `SASL ${mechanism} authentication of user '${username}' to broker ${broker} failed: ${detail}. ` +
        (mechanism === 'OAUTHBEARER'
          ? 'Check the token (Config.sasl token or oidc) against the broker\'s sasl.oauthbearer.* settings (audience, issuer, keys, expiry) and the listener (sasl.enabled.mechanisms).'
          : 'Check Config.sasl (mechanism, username, password) and the listener (sasl.enabled.mechanisms).'),
      { retriable: false, cause },
    );
    this.broker = broker;
    this.mechanism = mechanism;
    this.username = username;
    this.errorCode = errorCode;
  }
}

/**
 * A frame size prefix that is negative or above maxFrameBytes (framing.ts). Internal: the
 * connection turns it into a {@link ProtocolViolationError}, so it extends Error only.
 */
export class FrameTooLargeError extends Error {
  constructor(readonly size: number, readonly max: number) {
    super(size < 0 ? `negative frame size ${size}` : `frame of ${size} bytes exceeds the maximum of ${max} bytes`);
  }
}

/**
 * Raised by a mechanism client (sasl.ts) when the server's bytes are invalid or do not verify.
 * Internal: the connection turns it into an {@link AuthenticationError}, so it extends Error only.
 */
export class SaslMechanismError extends Error {}
