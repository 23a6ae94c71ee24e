// gointerop: the real Go libraries under the cn-infra messaging layer (IBM/sarama and
// google.golang.org/protobuf's protojson), driven by kafkaesque's interop tests
// (test/interop/go-*.test.ts), which build it with `go build`.
//
//	gointerop protojson -proto FILE   the protojson oracle (oracle.go): JSON lines in, JSON lines out
//	gointerop produce ...             a sarama producer (sarama.go)
//	gointerop consume ...             a sarama consumer group member (sarama.go)
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gointerop protojson|produce|consume [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "protojson":
		err = runProtojson(os.Args[2:])
	case "produce":
		err = runProduce(os.Args[2:])
	case "consume":
		err = runConsume(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gointerop:", err)
		os.Exit(1)
	}
}
