package main

// The sarama side of test/interop/go-sarama.test.ts: a SyncProducer and a ConsumerGroup member
// configured as cn-infra's messaging/kafka layer configures them (messaging/kafka/client,
// messaging/kafka/mux), with values serialized as cn-infra's keyval.SerializerJSON does
// (protojson with the proto field names).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const orderType = "interop.Order"

var defaultVersion = sarama.DefaultVersion.String()

// saramaConfig is what cn-infra's client.NewConfig and mux.Multiplexer leave in a sarama
// config (sarama.NewConfig, hash partitioner, acks from all in-sync replicas, successes
// returned, OffsetOldest for a group without commits), with a protocol version Kafka 4 serves.
func saramaConfig(version string) (*sarama.Config, error) {
	config := sarama.NewConfig()
	v, err := sarama.ParseKafkaVersion(version)
	if err != nil {
		return nil, err
	}
	config.Version = v
	config.ClientID = "gointerop"
	config.Producer.Return.Successes = true
	config.Producer.RequiredAcks = sarama.WaitForAll
	config.Producer.Partitioner = sarama.NewHashPartitioner
	config.Consumer.Offsets.Initial = sarama.OffsetOldest
	config.Consumer.Return.Errors = true
	return config, nil
}

// The protojson options of cn-infra's keyval.SerializerJSON (Marshal: UseProtoNames; Unmarshal:
// the defaults, i.e. strict), with the schema's types to resolve google.protobuf.Any.
func (s *schema) marshalJSON(m proto.Message) ([]byte, error) {
	return protojson.MarshalOptions{UseProtoNames: true, Resolver: s.types}.Marshal(m)
}

func (s *schema) unmarshalJSON(b []byte, m proto.Message) error {
	return protojson.UnmarshalOptions{Resolver: s.types}.Unmarshal(b, m)
}

func brokerList(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// ------------------------------------------------------------------ produce

// produceInput is one line of `produce`'s stdin.
type produceInput struct {
	// Key: the key for keyKind "string" (may be "", an empty key); ignored for "nil-bytes".
	Key *string `json:"key"`
	// KeyKind: "string" = sarama.StringEncoder(key), as a proto publisher's Put(key, msg);
	// "nil-bytes" = sarama.ByteEncoder(nil), as BytesConnection.SendSyncByte with a nil key.
	KeyKind string `json:"keyKind"`
	// Order: an interop.Order in protojson, sent serialized as SerializerJSON does. Or Value:
	// a raw value sent as is.
	Order json.RawMessage `json:"order,omitempty"`
	Value *string         `json:"value,omitempty"`
}

// produceOutput is one line of `produce`'s stdout: where the record went and what was sent.
type produceOutput struct {
	Key       *string `json:"key"`
	KeyKind   string  `json:"keyKind"`
	Partition int32   `json:"partition"`
	Offset    int64   `json:"offset"`
	// Value: the value bytes sent (base64).
	Value string `json:"value"`
	// Proto: the same message in the protobuf wire format (deterministic; base64), for the
	// test to decode as a second opinion; absent for a raw value.
	Proto string `json:"proto,omitempty"`
}

func runProduce(args []string) error {
	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
	brokers := fs.String("brokers", "127.0.0.1:9092", "bootstrap brokers, comma-separated")
	topic := fs.String("topic", "", "topic")
	protoFile := fs.String("proto", "", "the .proto file declaring interop.Order")
	version := fs.String("version", defaultVersion, "Kafka protocol version sarama speaks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *topic == "" || *protoFile == "" {
		return errors.New("produce: -topic and -proto are required")
	}
	s, err := loadSchema(*protoFile)
	if err != nil {
		return err
	}
	config, err := saramaConfig(*version)
	if err != nil {
		return err
	}
	producer, err := sarama.NewSyncProducer(brokerList(*brokers), config)
	if err != nil {
		return fmt.Errorf("sarama.NewSyncProducer: %w", err)
	}
	out := bufio.NewWriter(os.Stdout)
	err = produceLines(s, producer, *topic, os.Stdin, out)
	if e := out.Flush(); err == nil {
		err = e
	}
	if e := producer.Close(); err == nil && e != nil {
		err = fmt.Errorf("closing the producer: %w", e)
	}
	return err
}

func produceLines(s *schema, producer sarama.SyncProducer, topic string, in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 1<<20), 64<<20)
	enc := json.NewEncoder(out)
	line := 0
	for scanner.Scan() {
		line++
		text := strings.TrimSpace(scanner.Text())
		if text == "" {
			continue
		}
		var in produceInput
		if err := json.Unmarshal([]byte(text), &in); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		msg := &sarama.ProducerMessage{Topic: topic}
		switch in.KeyKind {
		case "", "string":
			if in.Key == nil {
				return fmt.Errorf("line %d: keyKind string needs a key (use nil-bytes for a null key)", line)
			}
			msg.Key = sarama.StringEncoder(*in.Key)
		case "nil-bytes":
			// a non-nil Encoder holding no bytes: the hash partitioner hashes it (as no bytes),
			// and the key goes on the wire as null
			msg.Key = sarama.ByteEncoder(nil)
		default:
			return fmt.Errorf("line %d: unknown keyKind %q", line, in.KeyKind)
		}
		var value, wire []byte
		switch {
		case len(in.Order) > 0:
			order, err := s.newMessage(orderType)
			if err != nil {
				return err
			}
			if err := s.unmarshalJSON(in.Order, order); err != nil {
				return fmt.Errorf("line %d: the order is not protojson of %s: %w", line, orderType, err)
			}
			if value, err = s.marshalJSON(order); err != nil {
				return fmt.Errorf("line %d: protojson.Marshal: %w", line, err)
			}
			if wire, err = (proto.MarshalOptions{Deterministic: true}).Marshal(order); err != nil {
				return fmt.Errorf("line %d: proto.Marshal: %w", line, err)
			}
		case in.Value != nil:
			value = []byte(*in.Value)
		default:
			return fmt.Errorf("line %d: give an order or a value", line)
		}
		msg.Value = sarama.ByteEncoder(value)
		partition, offset, err := producer.SendMessage(msg)
		if err != nil {
			return fmt.Errorf("line %d: SendMessage: %w", line, err)
		}
		res := produceOutput{KeyKind: in.KeyKind, Partition: partition, Offset: offset, Value: base64.StdEncoding.EncodeToString(value)}
		if res.KeyKind == "" {
			res.KeyKind = "string"
		}
		if res.KeyKind == "string" {
			res.Key = in.Key
		}
		if wire != nil {
			res.Proto = base64.StdEncoding.EncodeToString(wire)
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// ------------------------------------------------------------------ consume

// consumeOutput is one line of `consume`'s stdout, for each message marked.
type consumeOutput struct {
	Partition int32   `json:"partition"`
	Offset    int64   `json:"offset"`
	Key       *string `json:"key"` // base64; null for a null key
	Value     string  `json:"value"`
	// Order: the decoded interop.Order re-encoded by protojson with the proto names (compacted),
	// or Error: why protojson.Unmarshal refused the value.
	Order json.RawMessage `json:"order,omitempty"`
	Error string          `json:"error,omitempty"`
}

// groupReader is the ConsumerGroupHandler: it takes messages from every claim until `count`
// are taken; each one taken is printed, then marked (so what is committed is exactly what was
// printed, a prefix of every partition).
type groupReader struct {
	s      *schema
	count  int
	cancel context.CancelFunc

	mu      sync.Mutex
	taken   int
	last    time.Time // the last message taken, or the first session's start
	started bool
	marked  map[int32]int64 // next offset to commit, by partition
	out     *json.Encoder
	// live: flush stdout after every message and report each assignment on stderr, so a test can
	// follow a group with members on both sides while it runs
	live *bufio.Writer
	err  error
}

func (g *groupReader) Setup(sess sarama.ConsumerGroupSession) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.started {
		g.started = true
		g.last = time.Now()
	}
	if g.live != nil {
		claims, _ := json.Marshal(sess.Claims())
		fmt.Fprintf(os.Stderr, "gointerop consume: generation %d assigned %s\n", sess.GenerationID(), claims)
	}
	return nil
}

// Cleanup commits what was marked now, synchronously (sarama also flushes on release).
func (g *groupReader) Cleanup(sess sarama.ConsumerGroupSession) error {
	sess.Commit()
	return nil
}

func (g *groupReader) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok || !g.take(sess, msg) {
				return nil
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

func (g *groupReader) take(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.taken >= g.count || g.err != nil {
		return false
	}
	res := consumeOutput{Partition: msg.Partition, Offset: msg.Offset, Value: base64.StdEncoding.EncodeToString(msg.Value)}
	if msg.Key != nil {
		k := base64.StdEncoding.EncodeToString(msg.Key)
		res.Key = &k
	}
	order, err := g.s.newMessage(orderType)
	if err == nil {
		err = g.s.unmarshalJSON(msg.Value, order)
	}
	if err != nil {
		res.Error = err.Error()
	} else if text, err := g.s.marshalJSON(order); err != nil {
		res.Error = "re-encoding: " + err.Error()
	} else {
		// protojson's output is deliberately unstable in its spacing
		var compact bytes.Buffer
		if err := json.Compact(&compact, text); err != nil {
			res.Error = "compacting: " + err.Error()
		} else {
			res.Order = json.RawMessage(compact.Bytes())
		}
	}
	if err := g.out.Encode(res); err != nil {
		g.err = err
		g.cancel()
		return false
	}
	if g.live != nil {
		if err := g.live.Flush(); err != nil {
			g.err = err
			g.cancel()
			return false
		}
	}
	sess.MarkMessage(msg, "")
	g.marked[msg.Partition] = msg.Offset + 1
	g.taken++
	g.last = time.Now()
	if g.taken >= g.count {
		g.cancel()
	}
	return true
}

func runConsume(args []string) error {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	brokers := fs.String("brokers", "127.0.0.1:9092", "bootstrap brokers, comma-separated")
	topic := fs.String("topic", "", "topic")
	group := fs.String("group", "", "consumer group id")
	protoFile := fs.String("proto", "", "the .proto file declaring interop.Order")
	count := fs.Int("count", 1<<30, "stop after this many messages")
	idleMs := fs.Int("idle-ms", 3000, "stop after this long without a message (counted from the first assignment)")
	joinMs := fs.Int("join-ms", 60000, "fail if no assignment comes within this long")
	version := fs.String("version", defaultVersion, "Kafka protocol version sarama speaks")
	live := fs.Bool("live", false, "flush every message at once, report assignments on stderr, and stop when stdin closes (not on -idle-ms)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *topic == "" || *group == "" || *protoFile == "" {
		return errors.New("consume: -topic, -group and -proto are required")
	}
	if *live {
		*idleMs = 1 << 30
	}
	s, err := loadSchema(*protoFile)
	if err != nil {
		return err
	}
	config, err := saramaConfig(*version)
	if err != nil {
		return err
	}
	cg, err := sarama.NewConsumerGroup(brokerList(*brokers), *group, config)
	if err != nil {
		return fmt.Errorf("sarama.NewConsumerGroup: %w", err)
	}
	out := bufio.NewWriter(os.Stdout)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reader := &groupReader{s: s, count: *count, cancel: cancel, marked: map[int32]int64{}, out: json.NewEncoder(out)}
	if *live {
		reader.live = out
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	var groupErrs []error
	var errsDone sync.WaitGroup
	errsDone.Add(1)
	go func() {
		defer errsDone.Done()
		for e := range cg.Errors() {
			groupErrs = append(groupErrs, e)
		}
	}()

	begun := time.Now()
	var stopReason error
	watcherDone := make(chan struct{})
	go func() {
		defer close(watcherDone)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			reader.mu.Lock()
			started, last := reader.started, reader.last
			reader.mu.Unlock()
			if !started && time.Since(begun) > time.Duration(*joinMs)*time.Millisecond {
				stopReason = fmt.Errorf("no partitions assigned within %d ms", *joinMs)
				cancel()
				return
			}
			if started && time.Since(last) > time.Duration(*idleMs)*time.Millisecond {
				cancel()
				return
			}
		}
	}()

	var consumeErr error
	for ctx.Err() == nil {
		if err := cg.Consume(ctx, []string{*topic}, reader); err != nil {
			if !errors.Is(err, sarama.ErrClosedConsumerGroup) {
				consumeErr = fmt.Errorf("Consume: %w", err)
			}
			break
		}
	}
	cancel()
	<-watcherDone
	closeErr := cg.Close()
	errsDone.Wait()
	if e := out.Flush(); e != nil && consumeErr == nil {
		consumeErr = e
	}

	switch {
	case stopReason != nil:
		return stopReason
	case consumeErr != nil:
		return consumeErr
	case reader.err != nil:
		return reader.err
	case len(groupErrs) > 0:
		return fmt.Errorf("consumer group errors: %v", groupErrs)
	case closeErr != nil:
		return fmt.Errorf("closing the consumer group: %w", closeErr)
	}
	// Commits are only worth anything once the coordinator has them: read them back.
	if err := checkCommitted(brokerList(*brokers), config, *group, *topic, reader.marked); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gointerop consume: %d messages from %s as group %s, committed %s\n", reader.taken, *topic, *group, describeMarks(reader.marked))
	return nil
}

// checkCommitted reads the group's committed offsets (OffsetFetch) and requires each partition
// to be at least what this member marked.
func checkCommitted(brokers []string, config *sarama.Config, group, topic string, marked map[int32]int64) error {
	if len(marked) == 0 {
		return nil
	}
	admin, err := sarama.NewClusterAdmin(brokers, config)
	if err != nil {
		return fmt.Errorf("sarama.NewClusterAdmin: %w", err)
	}
	defer admin.Close()
	partitions := make([]int32, 0, len(marked))
	for p := range marked {
		partitions = append(partitions, p)
	}
	res, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: partitions})
	if err != nil {
		return fmt.Errorf("ListConsumerGroupOffsets: %w", err)
	}
	for _, p := range partitions {
		block := res.GetBlock(topic, p)
		if block == nil {
			return fmt.Errorf("partition %d: no committed offset (marked %d)", p, marked[p])
		}
		if block.Err != sarama.ErrNoError {
			return fmt.Errorf("partition %d: OffsetFetch error %v", p, block.Err)
		}
		if block.Offset < marked[p] {
			return fmt.Errorf("partition %d: committed %d, but %d was marked", p, block.Offset, marked[p])
		}
	}
	return nil
}

func describeMarks(marked map[int32]int64) string {
	ps := make([]int, 0, len(marked))
	for p := range marked {
		ps = append(ps, int(p))
	}
	sort.Ints(ps)
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%d:%d", p, marked[int32(p)]))
	}
	return "{" + strings.Join(parts, " ") + "}"
}
