/*
 * kafkaesque conformance oracle.
 *
 * A long-lived JVM process that answers questions about Kafka's own generated
 * protocol message classes (org.apache.kafka.common.message.*Data) so that the
 * TypeScript codecs can be proven byte-for-byte against them.
 *
 * Protocol: one JSON object per line on stdin, one JSON reply per line on
 * stdout. Every reply is {"id": <echoed request id>, "result": ...} or
 * {"id": ..., "error": "<exception class>: <message>"}. The process never exits
 * because of a bad request; it exits on EOF of stdin.
 *
 * Operations (see test/conformance/oracle.ts for the full documentation):
 *   {"op":"versions","message":"MetadataRequest"}                  -> {"lowest":0,"highest":13}
 *   {"op":"list"}                                                 -> {"<Message>":{"lowest":..,"highest":..},...}
 *   {"op":"random","message":M,"version":V,"seed":S[,"records":"empty"|"batches"][,"unknownTags":false]}
 *                                                                 -> {"hex":..,"json":..,"stats":{..}}
 *   {"op":"decode","message":M,"version":V,"hex":H}               -> {"json":..,"hex":<re-serialized>}
 *   {"op":"encode","message":M,"version":V,"json":J[,"readVersion":R]} -> {"hex":..} (JSON read as R, default V)
 *   {"op":"convert","message":M,"from":V1,"to":V2,"hex":H}       -> {"hex":..} (read at V1, written at V2)
 *   {"op":"default","message":M,"version":V}                      -> {"json":..,"hex":..} (a new M with every field at its default)
 *   {"op":"errors"}                                               -> [{"code":..,"name":..,...},...]
 *   {"op":"partition.keys","keys":[base64],"partitionCounts":[n]}  -> [[partition per count] per key]
 *   {"op":"schema","message":M,"version":V}                       -> "<Kafka Schema as text>" (debugging)
 *   {"op":"ping"}                                                 -> "pong"
 *   {"op":"apis"}                                                 -> [{"apiKey":..,"name":..,"oldestVersion":..,..},...] (ApiKeys)
 *   {"op":"records.build","batches":[<batch spec>,...]}           -> {"base64":..,"sizes":[<batch bytes>,...]}
 *   {"op":"records.read","base64":B[,"ensureValid":false]}        -> {"sizeInBytes":..,"validBytes":..,"batches":[..]}
 * decode also fails (TrailingBytesException) if bytes are left over after the message.
 *
 * records.build / records.read drive Kafka's own record batch code (MemoryRecordsBuilder,
 * MemoryRecords.readableRecords, DefaultRecordBatch, magic 2); see RecordsOps below and
 * recordsBuild / recordsRead in test/conformance/oracle.ts for the JSON shapes.
 *
 * JSON conventions: the JSON is the one produced/consumed by Kafka's generated
 * *JsonConverter classes, except that every Jackson LongNode (int64 and uint32
 * fields) is emitted as a JSON string, and records fields carry the real
 * records bytes (base64) instead of the converter's constant "".  On input,
 * int64/uint32 may be strings or numbers, float64 may be integers, and bytes /
 * records are base64 strings: the input tree is normalised by reflecting over
 * the Data classes before being handed to the converter.
 *
 * Command line: `java Oracle --list` prints the "list" result and exits.
 */

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.TaggedFields;
import org.apache.kafka.common.protocol.types.Type;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.utils.ImplicitLinkedHashCollection;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

public final class Oracle {
    static final String PKG = "org.apache.kafka.common.message.";
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Large messages travel as hex strings: lift Jackson's default 20M-char string limit.
        MAPPER.getFactory().setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
    }
    static final JsonNodeFactory NF = JsonNodeFactory.instance;

    public static void main(String[] args) throws Exception {
        // stdout is reserved for the protocol: anything else printing to System.out
        // (a stray library log line) goes to stderr instead.
        OutputStream rawOut = new FileOutputStream(FileDescriptor.out);
        PrintStream out = new PrintStream(new BufferedOutputStream(rawOut, 1 << 16), false, "UTF-8");
        System.setOut(System.err);

        if (args.length > 0 && args[0].equals("--list")) {
            out.print(MAPPER.writeValueAsString(listMessages()));
            out.print('\n');
            out.flush();
            return;
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().isEmpty()) continue;
            JsonNode id = null;
            ObjectNode reply = NF.objectNode();
            try {
                JsonNode req = MAPPER.readTree(line);
                line = null; // let a huge request line be collected while we work
                id = req.get("id");
                if (id != null) reply.set("id", id);
                reply.set("result", handle(req));
            } catch (Throwable t) {
                reply.remove("result");
                reply.put("error", describe(t));
            }
            // Serialize to UTF-8 bytes first: no intermediate String copies, and nothing
            // half-written on stdout if serialization fails (e.g. OutOfMemoryError on a huge message).
            ByteArrayOutputStream text = new ByteArrayOutputStream(256);
            try {
                MAPPER.writeValue(text, reply);
            } catch (Throwable t) {
                reply = null;
                text = new ByteArrayOutputStream(256);
                ObjectNode r2 = NF.objectNode();
                if (id != null) r2.set("id", id);
                r2.put("error", "reply serialization failed: " + describe(t));
                MAPPER.writeValue(text, r2);
            }
            text.writeTo(out);
            out.write('\n');
            out.flush();
        }
        out.flush();
    }

    static String describe(Throwable t) {
        while ((t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getName() + ": " + t.getMessage();
    }

    // ------------------------------------------------------------------ dispatch

    static JsonNode handle(JsonNode req) throws Exception {
        String op = text(req, "op");
        switch (op) {
            case "versions": {
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                ObjectNode r = NF.objectNode();
                r.put("lowest", mi.lowest);
                r.put("highest", mi.highest);
                return r;
            }
            case "list":
                return listMessages();
            case "random": {
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                short v = mi.checkVersion(req);
                long seed = req.path("seed").asLong(0);
                String records = req.path("records").asText("empty");
                boolean unknownTags = req.path("unknownTags").asBoolean(true);
                return random(mi, v, seed, records, unknownTags);
            }
            case "decode": {
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                short v = mi.checkVersion(req);
                byte[] bytes = unhex(text(req, "hex"));
                ByteBuffer bb = ByteBuffer.wrap(bytes);
                Message m = mi.read(new ByteBufferAccessor(bb), v);
                if (bb.hasRemaining()) {
                    throw new TrailingBytesException(bb.remaining() + " unread byte(s) after " + mi.name + " v" + v
                        + " (message ends at offset " + bb.position() + " of " + bytes.length + ")");
                }
                ObjectNode r = NF.objectNode();
                r.set("json", mi.toJson(m, v));
                r.put("hex", hex(serialize(m, v)));
                return r;
            }
            case "encode": {
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                short v = mi.checkVersion(req);
                JsonNode json = req.get("json");
                if (json == null) throw new IllegalArgumentException("missing 'json'");
                // optional "readVersion": the JSON is read as that version and written as "version"
                // (Kafka's JsonConverter refuses a struct the version lacks, even at its default)
                short rv = req.hasNonNull("readVersion")
                    ? mi.checkVersion(NF.objectNode().put("version", req.get("readVersion").asInt())) : v;
                Message m = mi.fromJson(json, rv);
                ObjectNode r = NF.objectNode();
                r.put("hex", hex(serialize(m, v)));
                return r;
            }
            case "convert": {
                // Read bytes of version "from", write the message at version "to" (fails where
                // Kafka refuses: a non-default field "to" lacks, tagged fields below flexible, ...)
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                ObjectNode fv = NF.objectNode().put("version", req.path("from").asInt(-1));
                ObjectNode tv = NF.objectNode().put("version", req.path("to").asInt(-1));
                short from = mi.checkVersion(fv);
                short to = mi.checkVersion(tv);
                ByteBuffer bb = ByteBuffer.wrap(unhex(text(req, "hex")));
                Message m = mi.read(new ByteBufferAccessor(bb), from);
                ObjectNode r = NF.objectNode();
                r.put("hex", hex(serialize(m, to)));
                return r;
            }
            case "default": {
                // A new <Message>Data (every field at its default) serialized at the version
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                short v = mi.checkVersion(req);
                Message m = (Message) mi.data.getConstructor().newInstance();
                ObjectNode r = NF.objectNode();
                r.set("json", mi.toJson(m, v));
                r.put("hex", hex(serialize(m, v)));
                return r;
            }
            case "errors":
                return errors();
            case "schema": {
                // Debugging aid: the Kafka Schema of a version, as text.
                MsgInfo mi = MsgInfo.of(text(req, "message"));
                short v = mi.checkVersion(req);
                return TextNode.valueOf(String.valueOf(mi.schema(v)));
            }
            case "ping":
                return TextNode.valueOf("pong");
            case "records.build":
                return RecordsOps.build(req);
            case "records.read":
                return RecordsOps.read(req);
            case "produce.transactional":
                return TxnProduceOp.run(req);
            case "partition.keys": {
                // BuiltInPartitioner.partitionForKey: what the Java producer picks for a keyed record
                JsonNode keys = req.get("keys"), counts = req.get("partitionCounts");
                if (keys == null || !keys.isArray() || counts == null || !counts.isArray())
                    throw new IllegalArgumentException("partition.keys needs 'keys' (base64[]) and 'partitionCounts' (int[])");
                ArrayNode out = NF.arrayNode();
                for (JsonNode k : keys) {
                    byte[] key = java.util.Base64.getDecoder().decode(k.asText());
                    ArrayNode row = out.addArray();
                    for (JsonNode c : counts)
                        row.add(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, c.asInt()));
                }
                return out;
            }
            case "apis":
                return apis();
            case "assign":
                // Kafka's client-side partition assignors, called as ConsumerCoordinator does (see AssignOp)
                return AssignOp.run(req);
            default:
                throw new IllegalArgumentException("unknown op '" + op + "'");
        }
    }

    // ------------------------------------------------------------------ assign (partition assignors)

    /**
     * {"op":"assign","assignor":"range"|"roundrobin"|"cooperative-sticky","partitionsPerTopic":{topic:count},
     *  "partitionRacks"?:{topic:[[rack|null per replica] per partition]},
     *  "members":[{memberId, groupInstanceId, topics, ownedPartitions:[{topic,partition}], generationId, rackId, userData}]}
     * -> {memberId: [{topic, partition}, ...]} (each list in the assignor's own order).
     *
     * The code path of the Java consumer leader (ConsumerCoordinator.onLeaderElected): a fresh assignor,
     * the subscriptions in a HashMap filled in "members" order, assignor.assign(Cluster, GroupSubscription).
     * The Cluster holds one PartitionInfo per partition; with partitionRacks a partition's replicas are
     * brokers in those racks (null: a broker without rack), else one rackless broker.
     */
    static final class AssignOp {
        static JsonNode run(JsonNode req) {
            String name = text(req, "assignor");
            org.apache.kafka.clients.consumer.ConsumerPartitionAssignor assignor;
            switch (name) {
                case "range": assignor = new org.apache.kafka.clients.consumer.RangeAssignor(); break;
                case "roundrobin": assignor = new org.apache.kafka.clients.consumer.RoundRobinAssignor(); break;
                case "cooperative-sticky": assignor = new org.apache.kafka.clients.consumer.CooperativeStickyAssignor(); break;
                default: throw new IllegalArgumentException("unknown assignor '" + name + "'");
            }
            JsonNode ppt = req.get("partitionsPerTopic"), racks = req.path("partitionRacks"), members = req.get("members");
            if (ppt == null || !ppt.isObject() || members == null || !members.isArray())
                throw new IllegalArgumentException("assign needs 'partitionsPerTopic' ({topic: count}) and 'members' ([...])");

            java.util.LinkedHashMap<String, org.apache.kafka.common.Node> nodes = new java.util.LinkedHashMap<>();
            org.apache.kafka.common.Node rackless = new org.apache.kafka.common.Node(0, "broker-0", 9092);
            nodes.put("rackless", rackless);
            List<org.apache.kafka.common.PartitionInfo> partitions = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = ppt.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String topic = e.getKey();
                JsonNode topicRacks = racks.get(topic);
                boolean withRacks = topicRacks != null && topicRacks.isArray();
                int count = withRacks ? topicRacks.size() : e.getValue().asInt();
                for (int p = 0; p < count; p++) {
                    org.apache.kafka.common.Node[] replicas;
                    if (withRacks) {
                        JsonNode rl = topicRacks.get(p);
                        replicas = new org.apache.kafka.common.Node[rl.size()];
                        for (int k = 0; k < rl.size(); k++) {
                            String rack = rl.get(k).isNull() ? null : rl.get(k).asText();
                            String key = k + "/" + rack; // replica k of any partition: distinct brokers within a partition
                            org.apache.kafka.common.Node n = nodes.get(key);
                            if (n == null) {
                                int id = nodes.size();
                                n = new org.apache.kafka.common.Node(id, "broker-" + id, 9092, rack);
                                nodes.put(key, n);
                            }
                            replicas[k] = n;
                        }
                    } else {
                        replicas = new org.apache.kafka.common.Node[] {rackless};
                    }
                    org.apache.kafka.common.Node leader = replicas.length > 0 ? replicas[0] : rackless;
                    partitions.add(new org.apache.kafka.common.PartitionInfo(topic, p, leader, replicas, replicas));
                }
            }
            org.apache.kafka.common.Cluster cluster = new org.apache.kafka.common.Cluster("oracle", nodes.values(), partitions,
                java.util.Collections.emptySet(), java.util.Collections.emptySet());

            Map<String, org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription> subscriptions = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (JsonNode m : members) {
                String memberId = text(m, "memberId");
                List<String> topics = new ArrayList<>();
                for (JsonNode t : m.path("topics")) topics.add(t.asText());
                List<org.apache.kafka.common.TopicPartition> owned = new ArrayList<>();
                for (JsonNode tp : m.path("ownedPartitions"))
                    owned.add(new org.apache.kafka.common.TopicPartition(tp.get("topic").asText(), tp.get("partition").asInt()));
                JsonNode ud = m.get("userData"), rack = m.get("rackId"), gid = m.get("groupInstanceId");
                ByteBuffer userData = ud == null || ud.isNull() ? null : ByteBuffer.wrap(Base64.getDecoder().decode(ud.asText()));
                String rackId = rack == null || rack.isNull() ? null : rack.asText();
                org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription s =
                    new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription(topics, userData, owned,
                        m.path("generationId").asInt(-1),
                        rackId == null || rackId.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rackId));
                s.setGroupInstanceId(java.util.Optional.ofNullable(gid == null || gid.isNull() ? null : gid.asText()));
                subscriptions.put(memberId, s);
                order.add(memberId);
            }

            Map<String, org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment> result = assignor.assign(cluster,
                new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription(subscriptions)).groupAssignment();
            ObjectNode out = NF.objectNode();
            List<String> keys = new ArrayList<>(order);
            for (String k : result.keySet()) if (!subscriptions.containsKey(k)) keys.add(k);
            for (String k : keys) {
                org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment a = result.get(k);
                if (a == null || out.has(k)) continue;
                ArrayNode list = out.putArray(k);
                for (org.apache.kafka.common.TopicPartition tp : a.partitions()) {
                    ObjectNode o = list.addObject();
                    o.put("topic", tp.topic());
                    o.put("partition", tp.partition());
                }
            }
            return out;
        }
    }

    static String text(JsonNode req, String key) {
        JsonNode n = req.get(key);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException("missing or non-string '" + key + "'");
        return n.asText();
    }

    static final class TrailingBytesException extends RuntimeException {
        TrailingBytesException(String m) { super(m); }
    }

    // ------------------------------------------------------------------ messages

    static final class MsgInfo {
        static final Map<String, MsgInfo> CACHE = new HashMap<>();
        final String name;
        final Class<?> data;
        final Constructor<?> readCtor;
        final Method jsonRead;
        final Method jsonWrite;
        final short lowest;
        final short highest;

        private MsgInfo(String name, Class<?> data) throws Exception {
            this.name = name;
            this.data = data;
            this.readCtor = data.getConstructor(Readable.class, short.class);
            Class<?> conv = Class.forName(data.getName() + "JsonConverter");
            this.jsonRead = conv.getMethod("read", JsonNode.class, short.class);
            this.jsonWrite = conv.getMethod("write", data, short.class);
            Message proto = (Message) data.getConstructor().newInstance();
            this.lowest = proto.lowestSupportedVersion();
            this.highest = proto.highestSupportedVersion();
        }

        static synchronized MsgInfo of(String message) throws Exception {
            MsgInfo mi = CACHE.get(message);
            if (mi != null) return mi;
            String base = message.endsWith("Data") && !message.equals("Data") ? message.substring(0, message.length() - 4) : message;
            Class<?> c;
            try {
                c = Class.forName(PKG + base + "Data");
            } catch (ClassNotFoundException e) {
                try {
                    // "data" messages (ConsumerProtocolSubscription, ...) are generated without the Data suffix
                    c = Class.forName(PKG + base);
                } catch (ClassNotFoundException e2) {
                    throw new IllegalArgumentException("unknown message '" + message + "' (no class " + PKG + base + "Data or " + PKG + base + ")");
                }
            }
            if (!Message.class.isAssignableFrom(c)) throw new IllegalArgumentException(c.getName() + " is not a Message");
            mi = new MsgInfo(base, c);
            CACHE.put(message, mi);
            return mi;
        }

        short checkVersion(JsonNode req) {
            JsonNode vn = req.get("version");
            if (vn == null || !vn.isIntegralNumber()) throw new IllegalArgumentException("missing or non-integer 'version'");
            int v = vn.asInt();
            if (v < lowest || v > highest) {
                throw new IllegalArgumentException("UnsupportedVersion: " + name + " supports versions " + lowest + "-" + highest + ", not " + v);
            }
            return (short) v;
        }

        Schema schema(short v) throws Exception {
            Schema[] schemas = (Schema[]) data.getField("SCHEMAS").get(null);
            if (v >= schemas.length || schemas[v] == null) throw new IllegalStateException("no schema for " + name + " v" + v);
            return schemas[v];
        }

        Message read(Readable r, short v) throws Exception {
            try {
                return (Message) readCtor.newInstance(r, v);
            } catch (InvocationTargetException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception) throw (Exception) c;
                if (c instanceof Error) throw (Error) c;
                throw e;
            }
        }

        JsonNode toJson(Message m, short v) throws Exception {
            JsonNode j = (JsonNode) invoke(jsonWrite, m, v);
            return emit(j, m);
        }

        Message fromJson(JsonNode json, short v) throws Exception {
            JsonNode norm = normalize(json.deepCopy(), data);
            return (Message) invoke(jsonRead, norm, v);
        }

        static Object invoke(Method m, Object a, short v) throws Exception {
            try {
                return m.invoke(null, a, v);
            } catch (InvocationTargetException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception) throw (Exception) c;
                if (c instanceof Error) throw (Error) c;
                throw e;
            }
        }
    }

    static JsonNode listMessages() throws Exception {
        URL loc = Message.class.getProtectionDomain().getCodeSource().getLocation();
        TreeSet<String> names = new TreeSet<>();
        try (JarFile jar = new JarFile(new java.io.File(loc.toURI()))) {
            Enumeration<JarEntry> en = jar.entries();
            String prefix = PKG.replace('.', '/');
            while (en.hasMoreElements()) {
                String n = en.nextElement().getName();
                if (n.startsWith(prefix) && n.endsWith("Data.class") && n.indexOf('$') < 0
                    && n.indexOf('/', prefix.length()) < 0) {
                    names.add(n.substring(prefix.length(), n.length() - "Data.class".length()));
                }
            }
        }
        ObjectNode r = NF.objectNode();
        for (String n : names) {
            try {
                MsgInfo mi = MsgInfo.of(n);
                ObjectNode e = NF.objectNode();
                e.put("lowest", mi.lowest);
                e.put("highest", mi.highest);
                r.set(n, e);
            } catch (Throwable t) {
                // not a generated protocol message with a JSON converter: skip
            }
        }
        return r;
    }

    static byte[] serialize(Message m, short v) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = m.size(cache, v);
        ByteBuffer buf = ByteBuffer.allocate(size);
        m.write(new ByteBufferAccessor(buf), cache, v);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("size() said " + size + " but write() produced " + buf.position() + " bytes");
        }
        return buf.array();
    }

    // ------------------------------------------------------------------ JSON conversion

    /** Emit-side conversion: LongNode -> string, records -> real bytes. */
    static JsonNode emit(JsonNode n, Object javaValue) throws Exception {
        if (n == null) return null;
        if (n.isLong() || n.isBigInteger()) return TextNode.valueOf(n.asText());
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                Object child = null;
                if (javaValue instanceof Message) {
                    java.lang.reflect.Field f = Reflect.javaField(javaValue.getClass(), k);
                    if (f != null) child = f.get(javaValue);
                }
                o.set(k, emit(o.get(k), child));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            Iterator<?> it = javaValue instanceof Collection ? ((Collection<?>) javaValue).iterator() : null;
            for (int i = 0; i < a.size(); i++) {
                Object child = it != null && it.hasNext() ? it.next() : null;
                a.set(i, emit(a.get(i), child));
            }
            return a;
        }
        if (javaValue instanceof BaseRecords && (n.isBinary() || n.isTextual())) {
            return BinaryNode.valueOf(recordsBytes((BaseRecords) javaValue));
        }
        return n;
    }

    static byte[] recordsBytes(BaseRecords r) {
        if (r instanceof MemoryRecords) {
            ByteBuffer b = ((MemoryRecords) r).buffer().duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
        throw new IllegalStateException("cannot extract bytes from " + r.getClass().getName());
    }

    /** Input-side conversion guided by the Java types of the Data classes. */
    static JsonNode normalize(JsonNode n, java.lang.reflect.Type javaType) throws Exception {
        if (n == null || n.isNull()) return n;
        Class<?> raw = Reflect.rawClass(javaType);
        if (raw == long.class || raw == Long.class) {
            if (n.isTextual()) {
                String s = n.asText().trim();
                return LongNode.valueOf(s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s));
            }
            if (n.isIntegralNumber()) return LongNode.valueOf(n.asLong());
            return n;
        }
        if (raw == double.class || raw == Double.class) {
            if (n.isNumber()) return DoubleNode.valueOf(n.asDouble());
            if (n.isTextual()) return DoubleNode.valueOf(Double.parseDouble(n.asText()));
            return n;
        }
        if (raw == byte[].class || raw == ByteBuffer.class || (raw != null && BaseRecords.class.isAssignableFrom(raw))) {
            if (n.isTextual()) return BinaryNode.valueOf(base64(n.asText()));
            return n;
        }
        if (raw != null && Message.class.isAssignableFrom(raw) && n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                java.lang.reflect.Field f = Reflect.javaField(raw, k);
                if (f != null) o.set(k, normalize(o.get(k), f.getGenericType()));
            }
            return o;
        }
        if (raw != null && Collection.class.isAssignableFrom(raw) && n.isArray()) {
            java.lang.reflect.Type et = Reflect.elementType(javaType);
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) a.set(i, normalize(a.get(i), et));
            return a;
        }
        return n;
    }

    static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return Base64.getUrlDecoder().decode(s);
        }
    }

    // ------------------------------------------------------------------ reflection helpers

    static final class Reflect {
        static final Map<Class<?>, Map<String, java.lang.reflect.Field>> BY_NAME = new HashMap<>();
        static final Map<Class<?>, Map<String, java.lang.reflect.Field>> BY_NORM = new HashMap<>();

        static String norm(String s) {
            return s.replace("_", "").toLowerCase(java.util.Locale.ROOT);
        }

        private static void index(Class<?> c) {
            if (BY_NAME.containsKey(c)) return;
            Map<String, java.lang.reflect.Field> byName = new HashMap<>();
            Map<String, java.lang.reflect.Field> byNorm = new HashMap<>();
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("_")) continue;
                f.setAccessible(true);
                byName.put(f.getName(), f);
                byNorm.put(norm(f.getName()), f);
            }
            BY_NAME.put(c, byName);
            BY_NORM.put(c, byNorm);
        }

        /** Java field by its exact (camelCase, = JSON key) name. */
        static synchronized java.lang.reflect.Field javaField(Class<?> c, String name) {
            index(c);
            return BY_NAME.get(c).get(name);
        }

        /** Java field for a Schema (snake_case) field name. */
        static synchronized java.lang.reflect.Field schemaField(Class<?> c, String snake) {
            index(c);
            java.lang.reflect.Field f = BY_NORM.get(c).get(norm(snake));
            if (f == null) throw new IllegalStateException("no Java field for schema field '" + snake + "' in " + c.getName());
            return f;
        }

        static Class<?> rawClass(java.lang.reflect.Type t) {
            if (t instanceof Class) return (Class<?>) t;
            if (t instanceof ParameterizedType) return (Class<?>) ((ParameterizedType) t).getRawType();
            return null;
        }

        /** Element type of List<X> or of a generated XCollection (ImplicitLinkedHash[Multi]Collection<X>). */
        static java.lang.reflect.Type elementType(java.lang.reflect.Type t) {
            if (t instanceof ParameterizedType) {
                ParameterizedType p = (ParameterizedType) t;
                Class<?> raw = (Class<?>) p.getRawType();
                if (Collection.class.isAssignableFrom(raw) && p.getActualTypeArguments().length == 1) {
                    return p.getActualTypeArguments()[0];
                }
            }
            Class<?> c = rawClass(t);
            while (c != null && c != Object.class) {
                java.lang.reflect.Type sup = c.getGenericSuperclass();
                if (sup instanceof ParameterizedType) {
                    ParameterizedType p = (ParameterizedType) sup;
                    Class<?> raw = (Class<?>) p.getRawType();
                    if (ImplicitLinkedHashCollection.class.isAssignableFrom(raw)) return p.getActualTypeArguments()[0];
                }
                c = c.getSuperclass();
            }
            return null;
        }

        static final Map<String, Boolean> NULLABLE_STRUCT = new HashMap<>();

        /**
         * Whether a struct- or records-typed field is nullable in a version. Kafka's Schema does
         * not record this (a nullable struct is preceded by an int8 marker: -1 = null, 1 = present;
         * the Schema's records types always claim to be nullable), so probe the generated code: a default instance with the field set to null either
         * sizes fine (nullable) or throws a NullPointerException (not nullable).
         */
        static synchronized boolean fieldNullable(Class<?> owner, java.lang.reflect.Field f, short version) {
            String key = owner.getName() + "#" + f.getName() + "@" + version;
            Boolean b = NULLABLE_STRUCT.get(key);
            if (b != null) return b;
            boolean result;
            try {
                Message m = (Message) owner.getConstructor().newInstance();
                // Fill other null-by-default struct/records fields so that only `f` can cause an NPE.
                index(owner);
                for (java.lang.reflect.Field other : BY_NAME.get(owner).values()) {
                    if (other.equals(f) || other.get(m) != null) continue;
                    Class<?> ot = other.getType();
                    if (BaseRecords.class.isAssignableFrom(ot)) other.set(m, MemoryRecords.EMPTY);
                    else if (Message.class.isAssignableFrom(ot)) other.set(m, ot.getConstructor().newInstance());
                }
                f.set(m, null);
                m.size(new ObjectSerializationCache(), version);
                result = true;
            } catch (NullPointerException e) {
                result = false;
            } catch (Exception e) {
                throw new IllegalStateException("cannot probe nullability of " + owner.getName() + "." + f.getName(), e);
            }
            NULLABLE_STRUCT.put(key, result);
            return result;
        }

        static final Map<Class<?>, TreeSet<Integer>> ALL_TAGS = new HashMap<>();

        /** Every tag used by a struct class in any of its versions. */
        static synchronized TreeSet<Integer> allTags(Class<?> c) {
            TreeSet<Integer> tags = ALL_TAGS.get(c);
            if (tags != null) return tags;
            tags = new TreeSet<>();
            try {
                Schema[] schemas = (Schema[]) c.getField("SCHEMAS").get(null);
                for (Schema s : schemas) {
                    if (s == null) continue;
                    for (BoundField bf : s.fields()) {
                        if (bf.def.type instanceof TaggedFields) tags.addAll(((TaggedFields) bf.def.type).fields().keySet());
                    }
                }
            } catch (NoSuchFieldException | IllegalAccessException e) {
                // fall back to the tags of the version being generated
            }
            ALL_TAGS.put(c, tags);
            return tags;
        }
    }

    // ------------------------------------------------------------------ random generation

    static JsonNode random(MsgInfo mi, short v, long seed, String recordsMode, boolean unknownTags) throws Exception {
        Schema schema = mi.schema(v);
        Exception last = null;
        final int attempts = 24;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long mixed = mix(seed, mi.name, v, attempt);
            Gen g = new Gen(new Random(mixed), v, recordsMode, unknownTags, attempt >= attempts / 2);
            g.struct(schema, mi.data);
            byte[] raw = g.out.toByteArray();
            Message m;
            ByteBuffer bb = ByteBuffer.wrap(raw);
            try {
                m = mi.read(new ByteBufferAccessor(bb), v);
            } catch (Exception e) {
                last = e; // Java rejected this variant: try another seed-derived one
                continue;
            }
            if (bb.hasRemaining()) {
                throw new IllegalStateException("oracle generator bug: " + mi.name + " v" + v + " seed " + seed
                    + " left " + bb.remaining() + " of " + raw.length + " bytes unread");
            }
            byte[] canonical = serialize(m, v);
            // Sanity: the canonical form must be a fixed point of read + write.
            Message again = mi.read(new ByteBufferAccessor(ByteBuffer.wrap(canonical)), v);
            byte[] canonical2 = serialize(again, v);
            if (!Arrays.equals(canonical, canonical2)) {
                throw new IllegalStateException("Kafka read/write is not a fixed point for " + mi.name + " v" + v + " seed " + seed);
            }
            ObjectNode r = NF.objectNode();
            r.put("hex", hex(canonical));
            r.set("json", mi.toJson(m, v));
            ObjectNode stats = NF.objectNode();
            stats.put("attempt", attempt);
            stats.put("generatedBytes", raw.length);
            stats.put("nulls", g.nulls);
            stats.put("emptyArrays", g.emptyArrays);
            stats.put("nonEmptyArrays", g.nonEmptyArrays);
            stats.put("unknownTags", g.unknownTags);
            stats.put("knownTags", g.knownTags);
            stats.put("nonAsciiStrings", g.nonAsciiStrings);
            stats.put("emptyStrings", g.emptyStrings);
            stats.put("nullStructs", g.nullStructs);
            r.set("stats", stats);
            return r;
        }
        throw new IllegalStateException("could not generate a valid " + mi.name + " v" + v + " for seed " + seed
            + " in " + attempts + " attempts; last error: " + describe(last));
    }

    static long mix(long seed, String name, short v, int attempt) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (long) name.hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= ((long) v << 32) ^ ((long) attempt * 0x165667B19E3779F9L);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return h;
    }

    static final class Gen {
        final Random r;
        final short version;
        final String recordsMode;
        final boolean unknownTagsEnabled;
        final boolean conservative;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int nulls, emptyArrays, nonEmptyArrays, unknownTags, knownTags, nonAsciiStrings, emptyStrings, nullStructs;

        Gen(Random r, short version, String recordsMode, boolean unknownTagsEnabled, boolean conservative) {
            this.r = r;
            this.version = version;
            this.recordsMode = recordsMode;
            this.unknownTagsEnabled = unknownTagsEnabled;
            this.conservative = conservative;
        }

        boolean chance(double p) {
            return r.nextDouble() < p;
        }

        void struct(Schema s, Class<?> cls) {
            for (BoundField bf : s.fields()) {
                Field def = bf.def;
                if (def.type instanceof TaggedFields) {
                    tagged((TaggedFields) def.type, cls);
                } else {
                    value(def.type, cls, def.name);
                }
            }
        }

        void value(Type t, Class<?> owner, String fieldName) {
            if (t instanceof Schema) {
                java.lang.reflect.Field f = Reflect.schemaField(owner, fieldName);
                if (Reflect.fieldNullable(owner, f, version)) {
                    if (!conservative && chance(0.25)) {
                        out.write(-1);
                        nulls++;
                        nullStructs++;
                        return;
                    }
                    out.write(1);
                }
                struct((Schema) t, f.getType());
                return;
            }
            if (t.isArray()) {
                array(t, owner, fieldName);
                return;
            }
            if (t == Type.RECORDS || t == Type.COMPACT_RECORDS) {
                // The Schema calls every records type nullable; the generated class may not agree.
                java.lang.reflect.Field f = Reflect.schemaField(owner, fieldName);
                records(t == Type.COMPACT_RECORDS, Reflect.fieldNullable(owner, f, version));
                return;
            }
            primitive(t);
        }

        void array(Type t, Class<?> owner, String fieldName) {
            Type elem = t.arrayElementType().get();
            boolean compact = t instanceof CompactArrayOf;
            if (!(t instanceof ArrayOf) && !compact) throw new IllegalStateException("unknown array type " + t);
            if (t.isNullable() && !conservative && chance(0.15)) {
                nulls++;
                if (compact) uvarint(0);
                else int32(-1);
                return;
            }
            int n;
            if (chance(0.25)) n = 0;
            else if (!(elem instanceof Schema) && chance(0.04)) n = 126 + r.nextInt(20); // multi-byte varint lengths
            else n = 1 + r.nextInt(3);
            if (n == 0) emptyArrays++;
            else nonEmptyArrays++;
            if (compact) uvarint(n + 1);
            else int32(n);
            Class<?> elemClass = null;
            if (elem instanceof Schema) {
                java.lang.reflect.Field f = Reflect.schemaField(owner, fieldName);
                elemClass = Reflect.rawClass(Reflect.elementType(f.getGenericType()));
                if (elemClass == null) throw new IllegalStateException("no element class for " + owner.getName() + "." + f.getName());
            }
            for (int i = 0; i < n; i++) {
                if (elem instanceof Schema) struct((Schema) elem, elemClass);
                else if (elem.isArray()) throw new IllegalStateException("nested arrays are not supported: " + t);
                else primitive(elem);
            }
        }

        void tagged(TaggedFields tf, Class<?> cls) {
            TreeMap<Integer, Field> known = new TreeMap<>(tf.fields());
            TreeMap<Integer, byte[]> entries = new TreeMap<>();
            for (Map.Entry<Integer, Field> e : known.entrySet()) {
                if (!chance(0.5)) continue;
                ByteArrayOutputStream saved = out;
                out = new ByteArrayOutputStream();
                value(e.getValue().type, cls, e.getValue().name);
                entries.put(e.getKey(), out.toByteArray());
                out = saved;
                knownTags++;
            }
            if (unknownTagsEnabled && !conservative) {
                TreeSet<Integer> avoid = new TreeSet<>(Reflect.allTags(cls));
                avoid.addAll(known.keySet());
                int count = 0;
                double p = r.nextDouble();
                if (p < 0.45) count = 0;
                else if (p < 0.75) count = 1;
                else if (p < 0.92) count = 2;
                else count = 3;
                for (int i = 0; i < count; i++) {
                    int tag;
                    int tries = 0;
                    do {
                        double q = r.nextDouble();
                        if (q < 0.6) tag = r.nextInt(12);
                        else if (q < 0.8) tag = 100 + r.nextInt(200); // 2-byte varint tags
                        else if (q < 0.95) tag = 16000 + r.nextInt(2000); // around the 3-byte boundary
                        else tag = Integer.MAX_VALUE - 1 - r.nextInt(3); // MAX_VALUE itself: Kafka's writer rejects it (sentinel)
                        tries++;
                    } while ((avoid.contains(tag) || entries.containsKey(tag)) && tries < 100);
                    if (avoid.contains(tag) || entries.containsKey(tag)) continue;
                    int len = chance(0.2) ? 0 : (chance(0.05) ? 128 + r.nextInt(40) : 1 + r.nextInt(6));
                    byte[] data = new byte[len];
                    r.nextBytes(data);
                    entries.put(tag, data);
                    unknownTags++;
                }
            }
            uvarint(entries.size());
            for (Map.Entry<Integer, byte[]> e : entries.entrySet()) {
                uvarint(e.getKey());
                uvarint(e.getValue().length);
                out.write(e.getValue(), 0, e.getValue().length);
            }
        }

        void primitive(Type t) {
            if (t == Type.BOOLEAN) out.write(r.nextBoolean() ? 1 : 0);
            else if (t == Type.INT8) out.write(randInt8());
            else if (t == Type.INT16) int16(randInt16());
            else if (t == Type.UINT16) int16(randUint16());
            else if (t == Type.INT32) int32(randInt32());
            else if (t == Type.UNSIGNED_INT32) int32((int) randUint32());
            else if (t == Type.INT64) int64(randInt64());
            else if (t == Type.UUID) uuid();
            else if (t == Type.FLOAT64) int64(Double.doubleToRawLongBits(randFloat64()));
            else if (t == Type.VARINT) uvarint(zigzag32(randInt32()));
            else if (t == Type.VARLONG) uvarlong(zigzag64(randInt64()));
            else if (t == Type.STRING) string(false, false);
            else if (t == Type.NULLABLE_STRING) string(false, true);
            else if (t == Type.COMPACT_STRING) string(true, false);
            else if (t == Type.COMPACT_NULLABLE_STRING) string(true, true);
            else if (t == Type.BYTES) bytes(false, false);
            else if (t == Type.NULLABLE_BYTES) bytes(false, true);
            else if (t == Type.COMPACT_BYTES) bytes(true, false);
            else if (t == Type.COMPACT_NULLABLE_BYTES) bytes(true, true);
            else throw new IllegalStateException("unsupported schema type " + t);
        }

        // --- values

        int randInt8() {
            if (chance(0.3)) return new int[]{0, 1, -1, 127, -128}[r.nextInt(5)];
            return r.nextInt(256) - 128;
        }

        int randInt16() {
            double p = r.nextDouble();
            if (p < 0.3) return new int[]{0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, 127, 128, 255, 256, -129}[r.nextInt(10)];
            if (p < 0.6) return r.nextInt(100) - 10;
            return r.nextInt(65536) - 32768;
        }

        int randUint16() {
            if (chance(0.3)) return new int[]{0, 1, 65535, 32767, 32768}[r.nextInt(5)];
            return r.nextInt(65536);
        }

        int randInt32() {
            double p = r.nextDouble();
            if (p < 0.3) {
                return new int[]{0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1,
                    127, 128, 255, 256, 32767, 32768, 65535, 65536, -129}[r.nextInt(16)];
            }
            if (p < 0.6) return r.nextInt(1000) - 50;
            return r.nextInt();
        }

        long randUint32() {
            if (chance(0.3)) return new long[]{0L, 1L, 4294967295L, 2147483647L, 2147483648L, 4294967293L}[r.nextInt(6)];
            return r.nextLong() & 0xFFFFFFFFL;
        }

        long randInt64() {
            double p = r.nextDouble();
            if (p < 0.35) {
                return new long[]{0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
                    9007199254740991L, 9007199254740992L, 9007199254740993L, -9007199254740993L,
                    2147483647L, 2147483648L, 4294967295L, 4294967296L, -2147483649L}[r.nextInt(16)];
            }
            if (p < 0.6) return r.nextInt(100000) - 100;
            if (p < 0.75) return 1_600_000_000_000L + (r.nextLong() & 0xFFFFFFFFFFL); // timestamp-like
            return r.nextLong();
        }

        double randFloat64() {
            // Finite, non-negative-zero values only: JSON cannot carry NaN/Infinity, and -0.0 does not
            // survive JSON.stringify on the JavaScript side.
            double p = r.nextDouble();
            if (p < 0.4) {
                return new double[]{0.0, 1.0, -1.5, 0.1, 1e300, -1e-300, Double.MAX_VALUE, Double.MIN_VALUE,
                    -Double.MAX_VALUE, 123456.789, 9007199254740993.0, 2.5e-8}[r.nextInt(12)];
            }
            if (p < 0.7) return r.nextInt(2000) - 1000;
            return (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
        }

        void uuid() {
            double p = r.nextDouble();
            if (p < 0.2) {
                int64(0);
                int64(0);
            } else if (p < 0.25) {
                int64(0);
                int64(1);
            } else {
                int64(r.nextLong());
                int64(r.nextLong());
            }
        }

        static final String[] PIECES = {
            "a", "b", "z", "A", "Q", "0", "7", "-", "_", ".", " ", "topic", "kafka", "ü", "é", "ß", "字", "漢",
            "𝄞", "😀", "\u0000", "\n", "\t", "\"", "\\", "/", "\u007f", "\u0080", "\u07ff", "\u0800", "\u2028", "\ufffd",
            "\ud83c\udff3\ufe0f\u200d\ud83c\udf08", "Ω", "ж", "א", "ع", "\u00a0"
        };

        String randString() {
            double p = r.nextDouble();
            int pieces;
            if (p < 0.1) pieces = 0;
            else if (p < 0.14) pieces = 60 + r.nextInt(60); // long: > 127 bytes, multi-byte varint lengths
            else pieces = 1 + r.nextInt(8);
            StringBuilder sb = new StringBuilder();
            boolean plain = chance(0.35);
            for (int i = 0; i < pieces; i++) {
                sb.append(plain ? PIECES[r.nextInt(11)] : PIECES[r.nextInt(PIECES.length)]);
            }
            String s = sb.toString();
            if (s.isEmpty()) emptyStrings++;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 127) {
                    nonAsciiStrings++;
                    break;
                }
            }
            return s;
        }

        void string(boolean compact, boolean nullable) {
            if (nullable && !conservative && chance(0.2)) {
                nulls++;
                if (compact) uvarint(0);
                else int16(-1);
                return;
            }
            byte[] b = randString().getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) b = Arrays.copyOf(b, 0);
            if (compact) uvarint(b.length + 1);
            else int16(b.length);
            out.write(b, 0, b.length);
        }

        void bytes(boolean compact, boolean nullable) {
            if (nullable && !conservative && chance(0.2)) {
                nulls++;
                if (compact) uvarint(0);
                else int32(-1);
                return;
            }
            int len = chance(0.15) ? 0 : (chance(0.05) ? 128 + r.nextInt(200) : 1 + r.nextInt(16));
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (compact) uvarint(len + 1);
            else int32(len);
            out.write(b, 0, len);
        }

        /**
         * Records hook. Mode "empty" (default): null (where the field is nullable) or zero-length
         * records. Mode "batches": additionally, valid uncompressed
         * v2 record batches built by Kafka's MemoryRecords.
         */
        void records(boolean compact, boolean nullable) {
            byte[] b;
            if (nullable && !conservative && chance(0.3)) {
                nulls++;
                if (compact) uvarint(0);
                else int32(-1);
                return;
            }
            if ("batches".equals(recordsMode) && chance(0.7)) {
                b = recordBatches();
            } else {
                b = new byte[0];
            }
            if (compact) uvarint(b.length + 1);
            else int32(b.length);
            out.write(b, 0, b.length);
        }

        byte[] recordBatches() {
            int batches = 1 + r.nextInt(2);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            long offset = r.nextInt(1000);
            for (int bi = 0; bi < batches; bi++) {
                int n = 1 + r.nextInt(3);
                SimpleRecord[] recs = new SimpleRecord[n];
                for (int i = 0; i < n; i++) {
                    byte[] key = chance(0.3) ? null : randString().getBytes(StandardCharsets.UTF_8);
                    byte[] val = chance(0.1) ? null : randString().getBytes(StandardCharsets.UTF_8);
                    recs[i] = new SimpleRecord(1_700_000_000_000L + r.nextInt(1_000_000), key, val);
                }
                MemoryRecords mr = MemoryRecords.withRecords(RecordBatch.CURRENT_MAGIC_VALUE, offset, Compression.NONE,
                    org.apache.kafka.common.record.TimestampType.CREATE_TIME, recs);
                byte[] b = recordsBytes(mr);
                all.write(b, 0, b.length);
                offset += n;
            }
            return all.toByteArray();
        }

        // --- wire primitives

        void int16(int v) {
            out.write((v >>> 8) & 0xff);
            out.write(v & 0xff);
        }

        void int32(int v) {
            out.write((v >>> 24) & 0xff);
            out.write((v >>> 16) & 0xff);
            out.write((v >>> 8) & 0xff);
            out.write(v & 0xff);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void uvarint(int v) {
            while ((v & 0xffffff80) != 0) {
                out.write((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write(v);
        }

        void uvarlong(long v) {
            while ((v & 0xffffffffffffff80L) != 0) {
                out.write(((int) v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        static int zigzag32(int v) {
            return (v << 1) ^ (v >> 31);
        }

        static long zigzag64(long v) {
            return (v << 1) ^ (v >> 63);
        }
    }

    // ------------------------------------------------------------------ record batches

    /**
     * records.build and records.read: Kafka's own record batch writer and reader (magic 2).
     *
     * records.build request: {"batches":[batch,...]}, batch =
     *   {"compression":"none"|"gzip"|"snappy"|"lz4"|"zstd", "compressionLevel"?: int,
     *    "baseOffset": int64, "partitionLeaderEpoch": int32, "timestampType": "create"|"logAppend",
     *    "logAppendTime"?: int64 (default -1), "producerId": int64, "producerEpoch": int16,
     *    "baseSequence": int32, "isTransactional": bool,
     *    "control"?: "commit"|"abort", "coordinatorEpoch"?: int32, "markerTimestamp"?: int64,
     *    "records": [{"timestamp": int64, "key": base64|null, "value": base64|null,
     *                 "headers": [{"key": string, "value": base64|null}]}]}
     * (int64 as JSON string or number; absent fields take Kafka's "none" values: -1 ...). Each batch
     * is written by MemoryRecords.builder(buffer, MAGIC_VALUE_V2, compression, timestampType,
     * baseOffset, logAppendTime, producerId, producerEpoch, baseSequence, isTransactional,
     * isControl, partitionLeaderEpoch) with builder.append(timestamp, key, value, headers) per
     * record (offsets baseOffset, baseOffset+1, ...), or, for a control batch, one
     * builder.appendEndTxnMarker(markerTimestamp, new EndTransactionMarker(type, coordinatorEpoch))
     * ("records" must then be empty or absent). Reply: {"base64": all batches concatenated,
     * "sizes": [bytes of each batch]}.
     *
     * records.read request: {"base64": B} (or {"hex": H}), "ensureValid" (default true).
     * MemoryRecords.readableRecords(B).batches(); per batch ensureValid() (CRC-32C) unless
     * disabled, then every record through the batch's iterator (which decompresses).
     * Reply: {"sizeInBytes": B's length, "validBytes": bytes in whole batches, "batches": [{
     *   "position", "baseOffset", "lastOffset", "lastOffsetDelta", "batchLength", "sizeInBytes",
     *   "partitionLeaderEpoch", "magic", "crc", "computedCrc", "isValid", "attributes",
     *   "compression" (CompressionType.name), "timestampType" ("create"|"logAppend"),
     *   "isTransactional", "isControl", "deleteHorizonMs" (null or int64), "producerId",
     *   "producerEpoch", "baseSequence", "lastSequence", "baseTimestamp", "maxTimestamp",
     *   "recordsCount", "records": [{"offset", "timestamp", "sequence", "attributes",
     *   "sizeInBytes", "key", "value", "headers": [{"key", "value"}],
     *   "control"? (control batches: {"type": ControlRecordType name, "typeId",
     *   "coordinatorEpoch"? (COMMIT/ABORT)} or {"error": ...})}]}]}
     * int64 and uint32 (crc, computedCrc) values are JSON strings; bytes are base64 or null.
     * Any failure is an error reply "RecordsReadException: batch I (byte P): <exception class>: <message>".
     */
    static final class RecordsOps {
        static JsonNode build(JsonNode req) throws Exception {
            JsonNode batches = req.get("batches");
            if (batches == null || !batches.isArray()) throw new IllegalArgumentException("missing 'batches' array");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ArrayNode sizes = NF.arrayNode();
            for (int i = 0; i < batches.size(); i++) {
                byte[] b;
                try {
                    b = buildBatch(batches.get(i));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("batch " + i + ": " + describe(e), e);
                }
                all.write(b, 0, b.length);
                sizes.add(b.length);
            }
            ObjectNode r = NF.objectNode();
            r.put("base64", Base64.getEncoder().encodeToString(all.toByteArray()));
            r.set("sizes", sizes);
            return r;
        }

        static Compression compression(JsonNode b) {
            String name = b.path("compression").asText("none");
            JsonNode lv = b.get("compressionLevel");
            boolean hasLevel = lv != null && !lv.isNull();
            switch (name) {
                case "none":
                    return Compression.NONE;
                case "gzip":
                    return hasLevel ? Compression.gzip().level(lv.asInt()).build() : Compression.gzip().build();
                case "snappy":
                    return Compression.snappy().build();
                case "lz4":
                    return hasLevel ? Compression.lz4().level(lv.asInt()).build() : Compression.lz4().build();
                case "zstd":
                    return hasLevel ? Compression.zstd().level(lv.asInt()).build() : Compression.zstd().build();
                default:
                    throw new IllegalArgumentException("unknown compression '" + name + "'");
            }
        }

        static long int64(JsonNode o, String key, long dflt) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) return dflt;
            if (n.isTextual()) return Long.parseLong(n.asText().trim());
            if (n.isIntegralNumber() && n.canConvertToLong()) return n.asLong();
            throw new IllegalArgumentException("'" + key + "' is not an int64: " + n);
        }

        static int int32(JsonNode o, String key, int dflt) {
            long v = int64(o, key, dflt);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new IllegalArgumentException("'" + key + "' is not an int32: " + v);
            return (int) v;
        }

        static byte[] bytesOrNull(JsonNode o, String key) {
            JsonNode n = o.get(key);
            if (n == null || n.isNull()) return null;
            if (!n.isTextual()) throw new IllegalArgumentException("'" + key + "' must be base64 or null");
            return base64(n.asText());
        }

        static byte[] buildBatch(JsonNode b) {
            String tts = b.path("timestampType").asText("create");
            TimestampType tt;
            if (tts.equals("create")) tt = TimestampType.CREATE_TIME;
            else if (tts.equals("logAppend")) tt = TimestampType.LOG_APPEND_TIME;
            else throw new IllegalArgumentException("unknown timestampType '" + tts + "'");
            String control = b.hasNonNull("control") ? b.get("control").asText() : null;
            JsonNode records = b.path("records");
            MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(1024),
                RecordBatch.MAGIC_VALUE_V2,
                compression(b),
                tt,
                int64(b, "baseOffset", 0L),
                int64(b, "logAppendTime", RecordBatch.NO_TIMESTAMP),
                int64(b, "producerId", RecordBatch.NO_PRODUCER_ID),
                (short) int32(b, "producerEpoch", RecordBatch.NO_PRODUCER_EPOCH),
                int32(b, "baseSequence", RecordBatch.NO_SEQUENCE),
                b.path("isTransactional").asBoolean(false),
                control != null,
                int32(b, "partitionLeaderEpoch", RecordBatch.NO_PARTITION_LEADER_EPOCH));
            if (control != null) {
                ControlRecordType type;
                if (control.equals("commit")) type = ControlRecordType.COMMIT;
                else if (control.equals("abort")) type = ControlRecordType.ABORT;
                else throw new IllegalArgumentException("unknown control '" + control + "' (commit|abort)");
                if (records.isArray() && records.size() > 0) throw new IllegalArgumentException("a control batch takes no 'records'");
                builder.appendEndTxnMarker(int64(b, "markerTimestamp", RecordBatch.NO_TIMESTAMP),
                    new EndTransactionMarker(type, int32(b, "coordinatorEpoch", 0)));
            } else {
                if (!records.isArray() || records.size() == 0) throw new IllegalArgumentException("missing or empty 'records'");
                for (JsonNode rec : records) {
                    JsonNode hs = rec.path("headers");
                    Header[] headers = new Header[hs.isArray() ? hs.size() : 0];
                    for (int i = 0; i < headers.length; i++) {
                        JsonNode h = hs.get(i);
                        if (!h.path("key").isTextual()) throw new IllegalArgumentException("header key must be a string");
                        headers[i] = new RecordHeader(h.get("key").asText(), bytesOrNull(h, "value"));
                    }
                    builder.append(int64(rec, "timestamp", RecordBatch.NO_TIMESTAMP), bytesOrNull(rec, "key"),
                        bytesOrNull(rec, "value"), headers);
                }
            }
            return recordsBytes(builder.build());
        }

        static final class RecordsReadException extends RuntimeException {
            RecordsReadException(String m, Throwable cause) { super(m, cause); }
        }

        static JsonNode read(JsonNode req) {
            byte[] bytes;
            if (req.hasNonNull("base64")) bytes = base64(text(req, "base64"));
            else if (req.hasNonNull("hex")) bytes = unhex(text(req, "hex"));
            else throw new IllegalArgumentException("missing 'base64' (or 'hex')");
            boolean validate = req.path("ensureValid").asBoolean(true);
            ArrayNode out = NF.arrayNode();
            int pos = 0;
            int index = 0;
            Iterator<MutableRecordBatch> it = MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches().iterator();
            while (true) {
                MutableRecordBatch batch;
                try {
                    if (!it.hasNext()) break;
                    batch = it.next();
                } catch (RuntimeException e) {
                    throw new RecordsReadException("batch " + index + " (byte " + pos + "): " + describe(e), e);
                }
                try {
                    out.add(batch(batch, bytes, pos, validate));
                } catch (RuntimeException e) {
                    throw new RecordsReadException("batch " + index + " (byte " + pos + "): " + describe(e), e);
                }
                pos += batch.sizeInBytes();
                index++;
            }
            ObjectNode r = NF.objectNode();
            r.put("sizeInBytes", bytes.length);
            r.put("validBytes", pos);
            r.set("batches", out);
            return r;
        }

        static String b64(ByteBuffer b) {
            if (b == null) return null;
            ByteBuffer d = b.duplicate();
            byte[] a = new byte[d.remaining()];
            d.get(a);
            return Base64.getEncoder().encodeToString(a);
        }

        static ObjectNode batch(MutableRecordBatch batch, byte[] bytes, int pos, boolean validate) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new IllegalArgumentException("magic " + batch.magic() + " batch: records.read reports magic 2 batches only");
            }
            ByteBuffer raw = ByteBuffer.wrap(bytes, pos, batch.sizeInBytes()).slice();
            ObjectNode o = NF.objectNode();
            o.put("position", pos);
            o.put("baseOffset", Long.toString(batch.baseOffset()));
            o.put("lastOffset", Long.toString(batch.lastOffset()));
            o.put("lastOffsetDelta", raw.getInt(23));
            o.put("batchLength", raw.getInt(8));
            o.put("sizeInBytes", batch.sizeInBytes());
            o.put("partitionLeaderEpoch", batch.partitionLeaderEpoch());
            o.put("magic", batch.magic());
            o.put("crc", Long.toString(batch.checksum()));
            o.put("computedCrc", Long.toString(Crc32C.compute(bytes, pos + 21, batch.sizeInBytes() - 21)));
            o.put("isValid", batch.isValid());
            if (validate) batch.ensureValid();
            o.put("attributes", raw.getShort(21));
            o.put("compression", batch.compressionType().name);
            o.put("timestampType", batch.timestampType() == TimestampType.LOG_APPEND_TIME ? "logAppend"
                : batch.timestampType() == TimestampType.CREATE_TIME ? "create" : batch.timestampType().name);
            o.put("isTransactional", batch.isTransactional());
            o.put("isControl", batch.isControlBatch());
            if (batch.deleteHorizonMs().isPresent()) o.put("deleteHorizonMs", Long.toString(batch.deleteHorizonMs().getAsLong()));
            else o.putNull("deleteHorizonMs");
            o.put("producerId", Long.toString(batch.producerId()));
            o.put("producerEpoch", batch.producerEpoch());
            o.put("baseSequence", batch.baseSequence());
            o.put("lastSequence", batch.lastSequence());
            o.put("baseTimestamp", Long.toString(raw.getLong(27)));
            o.put("maxTimestamp", Long.toString(batch.maxTimestamp()));
            Integer count = batch.countOrNull();
            if (count == null) o.putNull("recordsCount");
            else o.put("recordsCount", count);
            ArrayNode recs = NF.arrayNode();
            for (Record rec : batch) { // decompresses; fails on bad records or a wrong count
                ObjectNode ro = NF.objectNode();
                ro.put("offset", Long.toString(rec.offset()));
                ro.put("timestamp", Long.toString(rec.timestamp()));
                ro.put("sequence", rec.sequence());
                if (rec instanceof DefaultRecord) ro.put("attributes", ((DefaultRecord) rec).attributes());
                else ro.putNull("attributes");
                ro.put("sizeInBytes", rec.sizeInBytes());
                ro.put("key", b64(rec.key()));
                ro.put("value", b64(rec.value()));
                ArrayNode hs = NF.arrayNode();
                for (Header h : rec.headers()) {
                    ObjectNode ho = NF.objectNode();
                    ho.put("key", h.key());
                    byte[] v = h.value();
                    if (v == null) ho.putNull("value");
                    else ho.put("value", Base64.getEncoder().encodeToString(v));
                    hs.add(ho);
                }
                ro.set("headers", hs);
                if (batch.isControlBatch()) {
                    ObjectNode c = NF.objectNode();
                    try {
                        ControlRecordType type = ControlRecordType.parse(rec.key());
                        c.put("type", type.name());
                        c.put("typeId", ControlRecordType.parseTypeId(rec.key()));
                        if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                            c.put("coordinatorEpoch", EndTransactionMarker.deserialize(rec).coordinatorEpoch());
                        }
                    } catch (RuntimeException e) {
                        c.put("error", describe(e));
                    }
                    ro.set("control", c);
                }
                recs.add(ro);
            }
            o.set("records", recs);
            return o;
        }
    }

    // ------------------------------------------------------------------ apis

    /**
     * Every ApiKeys entry as the Java client sees it: its id and name, the version range
     * (oldestVersion, latestVersion(false) = highest stable, latestVersion(true) = highest
     * including a latestVersionUnstable one), the *RequestData/*ResponseData classes' own
     * LOWEST/HIGHEST_SUPPORTED_VERSION, and the request/response header version of each version.
     */
    static JsonNode apis() {
        ArrayNode a = NF.arrayNode();
        for (org.apache.kafka.common.protocol.ApiKeys k : org.apache.kafka.common.protocol.ApiKeys.values()) {
            if (!k.hasValidVersion()) continue; // removed APIs (LeaderAndIsr, ...) have no version left
            ObjectNode o = NF.objectNode();
            o.put("apiKey", k.id);
            o.put("name", k.name);
            o.put("oldestVersion", k.oldestVersion());
            o.put("latestStableVersion", k.latestVersion(false));
            o.put("latestVersion", k.latestVersion(true));
            o.put("latestVersionUnstable", k.messageType.latestVersionUnstable());
            Message req = k.messageType.newRequest();
            Message res = k.messageType.newResponse();
            o.put("requestDataLowest", req.lowestSupportedVersion());
            o.put("requestDataHighest", req.highestSupportedVersion());
            o.put("responseDataLowest", res.lowestSupportedVersion());
            o.put("responseDataHighest", res.highestSupportedVersion());
            ArrayNode rq = o.putArray("requestHeaderVersions");
            ArrayNode rs = o.putArray("responseHeaderVersions");
            for (short v = k.oldestVersion(); v <= k.latestVersion(true); v++) {
                rq.add(k.requestHeaderVersion(v));
                rs.add(k.responseHeaderVersion(v));
            }
            a.add(o);
        }
        return a;
    }

    // ------------------------------------------------------------------ errors

    static JsonNode errors() {
        ArrayNode a = NF.arrayNode();
        for (Errors e : Errors.values()) {
            ObjectNode o = NF.objectNode();
            o.put("code", e.code());
            o.put("name", e.name());
            ApiException ex = e.exception();
            o.put("retriable", ex instanceof RetriableException);
            if (ex == null) {
                o.putNull("exception");
                o.putNull("message");
            } else {
                o.put("exception", ex.getClass().getSimpleName());
                if (ex.getMessage() == null) o.putNull("message");
                else o.put("message", ex.getMessage());
            }
            a.add(o);
        }
        return a;
    }

    // ------------------------------------------------------------------ hex

    static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(byte[] b) {
        char[] c = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            c[2 * i] = HEX[(b[i] >> 4) & 0xf];
            c[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(c);
    }

    static byte[] unhex(String s) {
        if (s.length() % 2 != 0) throw new IllegalArgumentException("odd-length hex string");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("invalid hex at offset " + (2 * i));
            b[i] = (byte) ((hi << 4) | lo);
        }
        return b;
    }

    /**
     * Real transactions from Kafka's own producer, for read_committed tests: each entry of
     * "transactions" is sent in its own transaction and committed or aborted.
     */
    static final class TxnProduceOp {
        static JsonNode run(JsonNode req) throws Exception {
            java.util.Properties props = new java.util.Properties();
            props.put("bootstrap.servers", text(req, "bootstrap"));
            props.put("transactional.id", text(req, "transactionalId"));
            props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
            props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
            props.put("linger.ms", "0");
            String topic = text(req, "topic");
            int partition = req.get("partition").asInt();
            int sent = 0;
            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(props)) {
                producer.initTransactions();
                for (JsonNode txn : req.get("transactions")) {
                    producer.beginTransaction();
                    for (JsonNode v : txn.get("values")) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, partition, null,
                            v.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
                        sent++;
                    }
                    if (txn.get("commit").asBoolean()) producer.commitTransaction();
                    else producer.abortTransaction();
                }
            }
            ObjectNode r = NF.objectNode();
            r.put("sent", sent);
            return r;
        }
    }
}
