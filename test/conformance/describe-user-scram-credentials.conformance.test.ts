/** DescribeUserScramCredentials v0 against Kafka's DescribeUserScramCredentialsRequestData / ResponseData. */
import { DescribeUserScramCredentials } from '../../protocol/messages/describe-user-scram-credentials.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeUserScramCredentials);
