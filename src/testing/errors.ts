/** Errors of the test doubles (kafkaesque/testing). */
import { KafkaesqueError } from '../../protocol/errors.js';
import type { SentMessage } from './types.js';

/** The failure a send gets from `failNextSend()` / `failSends()` when no error is given. */
export class MockSendError extends KafkaesqueError {
  constructor() {
    super('ERR_MOCK_SEND', 'the send failed: a failure injected by the mock');
  }
}

/** A send that does not match the next expectation (or comes after the last); see `expectSend`. */
export class UnexpectedSendError extends KafkaesqueError {
  constructor(readonly send: SentMessage, expected: string) {
    super('ERR_MOCK_UNEXPECTED_SEND', `unexpected send to ${send.topic}-${send.partition}${showKey(send.key)}: ${expected}`);
  }
}

/** The key as a failure message shows it: printable text quoted, anything else by its size. */
function showKey(key: Buffer | null): string {
  if (key === null) return '';
  const text = key.toString('utf8');
  return /^[\x20-\x7e]{0,60}$/.test(text) ? ` key=${JSON.stringify(text)}` : ` key=<${key.length} bytes>`;
}
