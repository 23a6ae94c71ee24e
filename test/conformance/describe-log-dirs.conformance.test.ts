/** DescribeLogDirs v1-v4 against Kafka's DescribeLogDirsRequestData / DescribeLogDirsResponseData. */
import { DescribeLogDirs } from '../../protocol/messages/describe-log-dirs.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeLogDirs);
