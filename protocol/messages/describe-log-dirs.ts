/**
 * DescribeLogDirs (key 35), versions 1-4, flexible 2+ (DescribeLogDirsRequest.json,
 * DescribeLogDirsResponse.json). A broker's log directories and the size and lag of each
 * partition replica in them.
 *
 * Versions: 0 removed in Kafka 4.0 (KIP-896); 1 the baseline (the response is sent before quota
 * throttling); 2 first flexible; 3 adds the response's top-level ErrorCode; 4 adds each log
 * directory's TotalBytes and UsableBytes (KIP-827). The request is the same in every version.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

const DescribableLogDirTopic = struct('DescribableLogDirTopic', {
  topic: f.string(), //                                   Topic string, versions 0+
  partitions: f.array(t.int32), //                        Partitions []int32, versions 0+
});

const DescribeLogDirsPartition = struct('DescribeLogDirsPartition', {
  partitionIndex: f.int32(), //                           PartitionIndex int32, versions 0+
  partitionSize: f.int64(), //                            PartitionSize int64, versions 0+
  offsetLag: f.int64(), //                                OffsetLag int64, versions 0+
  isFutureKey: f.bool(), //                               IsFutureKey bool, versions 0+
});

const DescribeLogDirsTopic = struct('DescribeLogDirsTopic', {
  name: f.string(), //                                    Name string, versions 0+
  partitions: f.array(DescribeLogDirsPartition), //       Partitions []DescribeLogDirsPartition, versions 0+
});

const DescribeLogDirsResult = struct('DescribeLogDirsResult', {
  errorCode: f.int16(), //                                ErrorCode int16, versions 0+
  logDir: f.string(), //                                  LogDir string, versions 0+
  topics: f.array(DescribeLogDirsTopic), //               Topics []DescribeLogDirsTopic, versions 0+
  totalBytes: f.int64().v('4+').ignorable().default(-1n), // TotalBytes int64, versions 4+, ignorable, default -1
  usableBytes: f.int64().v('4+').ignorable().default(-1n), // UsableBytes int64, versions 4+, ignorable, default -1
});

export const DescribeLogDirs = api({
  name: 'DescribeLogDirs',
  apiKey: 35,
  versions: '1-4',
  flexible: '2+',
  request: {
    /** The topics to describe, or null for every topic. */
    topics: f.array(DescribableLogDirTopic).nullable('0+'), // Topics []DescribableLogDirTopic, versions 0+, nullable 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                         ThrottleTimeMs int32, versions 0+
    errorCode: f.int16().v('3+').ignorable(), //          ErrorCode int16, versions 3+, ignorable
    results: f.array(DescribeLogDirsResult), //           Results []DescribeLogDirsResult, versions 0+
  },
});

export type DescribableLogDirTopic = MessageOf<typeof DescribableLogDirTopic.fields>;
export type DescribeLogDirsPartition = MessageOf<typeof DescribeLogDirsPartition.fields>;
export type DescribeLogDirsTopic = MessageOf<typeof DescribeLogDirsTopic.fields>;
export type DescribeLogDirsResult = MessageOf<typeof DescribeLogDirsResult.fields>;
export type DescribeLogDirsRequest = MessageOf<typeof DescribeLogDirs.request.fields>;
export type DescribeLogDirsResponse = MessageOf<typeof DescribeLogDirs.response.fields>;
