/**
 * DeleteRecords (key 21), versions 0-2, flexible 2+ (DeleteRecordsRequest.json,
 * DeleteRecordsResponse.json). Moves partitions' log start offsets forward, deleting the records
 * before them; sent to each partition's leader.
 *
 * Versions: 1 the response is sent before quota throttling (the request is as v0); 2 first
 * flexible.
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const DeleteRecordsPartition = struct('DeleteRecordsPartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  /** Records before this offset are deleted (-1: up to the high watermark). */
  offset: f.int64(), //                                     Offset int64, versions 0+
});

const DeleteRecordsTopic = struct('DeleteRecordsTopic', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(DeleteRecordsPartition), //           Partitions []DeleteRecordsPartition, versions 0+
});

const DeleteRecordsPartitionResult = struct('DeleteRecordsPartitionResult', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+, mapKey
  /** The partition's log start offset after the deletion. */
  lowWatermark: f.int64(), //                               LowWatermark int64, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
});

const DeleteRecordsTopicResult = struct('DeleteRecordsTopicResult', {
  name: f.string(), //                                      Name string, versions 0+, mapKey
  partitions: f.array(DeleteRecordsPartitionResult), //     Partitions []DeleteRecordsPartitionResult, versions 0+
});

export const DeleteRecords = api({
  name: 'DeleteRecords',
  apiKey: 21,
  versions: '0-2',
  flexible: '2+',
  request: {
    topics: f.array(DeleteRecordsTopic), //                 Topics []DeleteRecordsTopic, versions 0+
    timeoutMs: f.int32(), //                                TimeoutMs int32, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    topics: f.array(DeleteRecordsTopicResult), //           Topics []DeleteRecordsTopicResult, versions 0+
  },
});

export type DeleteRecordsPartition = MessageOf<typeof DeleteRecordsPartition.fields>;
export type DeleteRecordsTopic = MessageOf<typeof DeleteRecordsTopic.fields>;
export type DeleteRecordsPartitionResult = MessageOf<typeof DeleteRecordsPartitionResult.fields>;
export type DeleteRecordsTopicResult = MessageOf<typeof DeleteRecordsTopicResult.fields>;
export type DeleteRecordsRequest = MessageOf<typeof DeleteRecords.request.fields>;
export type DeleteRecordsResponse = MessageOf<typeof DeleteRecords.response.fields>;
