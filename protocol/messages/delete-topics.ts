/**
 * DeleteTopics (key 20), versions 1-6, flexible 4+ (DeleteTopicsRequest.json,
 * DeleteTopicsResponse.json). Deletes topics, by name or (v6+) by topic ID.
 *
 * Versions: 0 removed in Kafka 4.0 (KIP-896), 1 the baseline (adds the response's throttle
 * time); 2 the response is sent before quota throttling; 3 may answer TOPIC_DELETION_DISABLED;
 * 4 first flexible; 5 adds the response's ErrorMessage and may answer THROTTLING_QUOTA_EXCEEDED
 * (KIP-599); 6 names topics as Topics (a nullable name or a topic ID) instead of TopicNames,
 * and the response carries topic IDs.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** A topic to delete, by name or by ID (v6+; Java: DeleteTopicsRequestData.DeleteTopicState). */
const DeleteTopicState = struct('DeleteTopicState', {
  name: f.string().v('6+').nullable('6+').default(null), // Name string, versions 6+, nullable 6+, default null
  topicId: f.uuid().v('6+'), //                           TopicId uuid, versions 6+
});

const DeletableTopicResult = struct('DeletableTopicResult', {
  name: f.string().nullable('6+'), //                     Name string, versions 0+, nullable 6+
  topicId: f.uuid().v('6+').ignorable(), //               TopicId uuid, versions 6+, ignorable
  errorCode: f.int16(), //                                ErrorCode int16, versions 0+
  errorMessage: f.string().v('5+').nullable('5+').ignorable().default(null), // ErrorMessage string, versions 5+, nullable 5+, ignorable, default null
});

export const DeleteTopics = api({
  name: 'DeleteTopics',
  apiKey: 20,
  versions: '1-6',
  flexible: '4+',
  request: {
    topics: f.array(DeleteTopicState).v('6+'), //         Topics []DeleteTopicState, versions 6+
    topicNames: f.array(t.string).v('0-5').ignorable(), // TopicNames []string, versions 0-5, ignorable
    timeoutMs: f.int32(), //                              TimeoutMs int32, versions 0+
  },
  response: {
    throttleTimeMs: f.int32().v('1+').ignorable(), //     ThrottleTimeMs int32, versions 1+, ignorable
    responses: f.array(DeletableTopicResult), //          Responses []DeletableTopicResult, versions 0+
  },
});

export type DeleteTopicState = MessageOf<typeof DeleteTopicState.fields>;
export type DeletableTopicResult = MessageOf<typeof DeletableTopicResult.fields>;
export type DeleteTopicsRequest = MessageOf<typeof DeleteTopics.request.fields>;
export type DeleteTopicsResponse = MessageOf<typeof DeleteTopics.response.fields>;
