/** CreateAcls v1-v3 against Kafka's CreateAclsRequestData / CreateAclsResponseData. */
import { CreateAcls } from '../../protocol/messages/create-acls.js';
import { apiConformance } from './codecs.js';

apiConformance(CreateAcls);
