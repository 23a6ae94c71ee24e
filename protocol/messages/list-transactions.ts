/**
 * ListTransactions (key 66), versions 0-2, flexible 0+ (ListTransactionsRequest.json,
 * ListTransactionsResponse.json). Lists the transactional ids a broker's transaction
 * coordinator owns, filtered by state and producer id (KIP-664), by how long they have run
 * (v1, KIP-994), or by a transactional id pattern (v2, KIP-1152).
 *
 * Versions: 1 adds the request's DurationFilter (the response is as v0); 2 adds the request's
 * TransactionalIdPattern, which may be answered with INVALID_REGULAR_EXPRESSION.
 *
 * The spec's struct name (TransactionState) is a common word, so the exported type carries the
 * API's name: ListTransactionsState.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: ListTransactionsResponseData.TransactionState. */
const ListTransactionsState = struct('ListTransactionsState', {
  transactionalId: f.string(), //                           TransactionalId string, versions 0+
  producerId: f.int64(), //                                 ProducerId int64, versions 0+
  transactionState: f.string(), //                         TransactionState string, versions 0+
});

export const ListTransactions = api({
  name: 'ListTransactions',
  apiKey: 66,
  versions: '0-2',
  flexible: '0+',
  request: {
    /** State names to keep (empty: every state). */
    stateFilters: f.array(t.string), //                     StateFilters []string, versions 0+
    /** Producer ids to keep (empty: every producer). */
    producerIdFilters: f.array(t.int64), //                 ProducerIdFilters []int64, versions 0+
    /** Keep only transactions running longer than this many ms (< 0: every transaction). */
    durationFilter: f.int64().v('1+').default(-1n), //      DurationFilter int64, versions 1+, default -1
    /** A regular expression transactional ids must match (null or empty: every id). */
    transactionalIdPattern: f.string().v('2+').nullable('2+').default(null), // TransactionalIdPattern string, versions 2+, nullable 2+, default null
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    unknownStateFilters: f.array(t.string), //              UnknownStateFilters []string, versions 0+
    transactionStates: f.array(ListTransactionsState), //   TransactionStates []TransactionState, versions 0+
  },
});

export type ListTransactionsState = MessageOf<typeof ListTransactionsState.fields>;
export type ListTransactionsRequest = MessageOf<typeof ListTransactions.request.fields>;
export type ListTransactionsResponse = MessageOf<typeof ListTransactions.response.fields>;
