// The test broker's topic and config policies, so the tests can meet POLICY_VIOLATION (error 44).
// A broker answers CreateTopics, AlterConfigs and IncrementalAlterConfigs with POLICY_VIOLATION
// only when create.topic.policy.class.name / alter.config.policy.class.name name a class on its
// classpath (KIP-108, KIP-133); Kafka ships no implementation. The harness
// compiles this file against the fetched Kafka jars (scripts/broker/lib/policy.mjs) and puts the
// jar on every test broker's classpath; scripts/broker/templates/common.properties names it.
//
// Both rules only touch names starting with "policy-", which no other test uses, so the rest of
// the suite never meets them:
//   CreateTopicPolicy  refuses every topic whose name starts with "policy-refused-"
//   AlterConfigPolicy  refuses setting retention.ms on a topic whose name starts with "policy-"
//                      (KRaft also asks it about the configs given at creation: a "policy-" topic
//                      cannot be created with retention.ms either)
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.apache.kafka.server.policy.CreateTopicPolicy;

public class KafkaesqueTestPolicy implements CreateTopicPolicy, AlterConfigPolicy {
    static final String REFUSED_TOPIC_PREFIX = "policy-refused-";
    static final String GUARDED_TOPIC_PREFIX = "policy-";
    static final String GUARDED_CONFIG = "retention.ms";

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void validate(CreateTopicPolicy.RequestMetadata request) throws PolicyViolationException {
        if (request.topic().startsWith(REFUSED_TOPIC_PREFIX)) {
            throw new PolicyViolationException("the kafkaesque test broker's create topic policy refuses topic '"
                + request.topic() + "': names starting with '" + REFUSED_TOPIC_PREFIX + "' are refused");
        }
    }

    @Override
    public void validate(AlterConfigPolicy.RequestMetadata request) throws PolicyViolationException {
        ConfigResource resource = request.resource();
        // a DELETE reaches the policy as a null value (KRaft's ConfigurationControlManager): allowed
        if (resource.type() == ConfigResource.Type.TOPIC
            && resource.name().startsWith(GUARDED_TOPIC_PREFIX)
            && request.configs().get(GUARDED_CONFIG) != null) {
            throw new PolicyViolationException("the kafkaesque test broker's alter config policy refuses setting "
                + GUARDED_CONFIG + " on topic '" + resource.name() + "': topics starting with '"
                + GUARDED_TOPIC_PREFIX + "' keep the broker's " + GUARDED_CONFIG);
        }
    }

    @Override
    public void close() {}
}
