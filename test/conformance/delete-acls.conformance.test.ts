/** DeleteAcls v1-v3 against Kafka's DeleteAclsRequestData / DeleteAclsResponseData. */
import { DeleteAcls } from '../../protocol/messages/delete-acls.js';
import { apiConformance } from './codecs.js';

apiConformance(DeleteAcls);
