/** AlterUserScramCredentials v0 against Kafka's AlterUserScramCredentialsRequestData / ResponseData. */
import { AlterUserScramCredentials } from '../../protocol/messages/alter-user-scram-credentials.js';
import { apiConformance } from './codecs.js';

apiConformance(AlterUserScramCredentials);
