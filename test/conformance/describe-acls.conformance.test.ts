/** DescribeAcls v1-v3 against Kafka's DescribeAclsRequestData / DescribeAclsResponseData. */
import { DescribeAcls } from '../../protocol/messages/describe-acls.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeAcls);
