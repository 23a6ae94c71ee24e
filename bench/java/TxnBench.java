// The Java client's side of bench/transactions.mjs: transactions of a fixed number of records,
// committed one after another. Run as a single-file program (java -cp <kafka libs> TxnBench.java,
// JEP 330); the clock starts in main, before the producer exists, as for every client.
// Prints one JSON line: records acknowledged, seconds, and the commitTransaction() latencies.
import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class TxnBench {
  public static void main(String[] args) throws Exception {
    String broker = args[0];
    String topic = args[1];
    int records = Integer.parseInt(args[2]);
    int perTxn = Integer.parseInt(args[3]);
    int size = Integer.parseInt(args[4]);
    long t0 = System.nanoTime();
    Properties p = new Properties();
    p.put("bootstrap.servers", broker);
    p.put("transactional.id", "bench-java-" + ProcessHandle.current().pid());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    p.put("batch.size", "65536");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    byte[] value = new byte[size];
    new Random(42).nextBytes(value);
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    int transactions = records / perTxn;
    double[] commitMs = new double[transactions];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      for (int t = 0; t < transactions; t++) {
        producer.beginTransaction();
        for (int i = 0; i < perTxn; i++) {
          producer.send(new ProducerRecord<>(topic, null, value), (md, e) -> {
            if (e == null) acked.incrementAndGet();
            else failed.incrementAndGet();
          });
        }
        long c0 = System.nanoTime();
        producer.commitTransaction();
        commitMs[t] = (System.nanoTime() - c0) / 1e6;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(commitMs);
    System.out.printf("{\"client\":\"java\",\"acked\":%d,\"failed\":%d,\"transactions\":%d,\"seconds\":%.3f,\"commitP50Ms\":%.2f,\"commitP99Ms\":%.2f}%n",
        acked.get(), failed.get(), transactions, seconds, commitMs[transactions / 2], commitMs[Math.min(transactions - 1, (int) Math.ceil(transactions * 0.99) - 1)]);
  }
}
