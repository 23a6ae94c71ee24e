package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protojsonRequest is one line of `gointerop protojson` input.
//
//	{"op":"marshal","type":"interop.Order","binary":"<base64 wire bytes>","useProtoNames":true}
//	{"op":"unmarshal","type":"interop.Order","json":"<text>"}          (or "jsonBase64": raw bytes, for invalid UTF-8)
type protojsonRequest struct {
	Op            string  `json:"op"`
	Type          string  `json:"type"`
	Binary        string  `json:"binary"`
	JSON          *string `json:"json"`
	JSONBase64    *string `json:"jsonBase64"`
	UseProtoNames bool    `json:"useProtoNames"`
}

// protojsonResponse is one line of output: "json" (marshal) or "binary" (unmarshal), or "error".
type protojsonResponse struct {
	JSON   *string `json:"json,omitempty"`
	Binary *string `json:"binary,omitempty"`
	Error  string  `json:"error,omitempty"`
}

// runProtojson is the protojson oracle of test/mux/protojson-oracle.test.ts: JSON lines in,
// one JSON line out per request, with cn-infra's settings (protojson.MarshalOptions with
// UseProtoNames, plain Unmarshal) and the schema's type registry as the Any resolver.
// protojson inserts random whitespace (internal/detrand), so marshal output is compacted.
func runProtojson(args []string) error {
	fs := flag.NewFlagSet("protojson", flag.ContinueOnError)
	protoFile := fs.String("proto", "", "the .proto file with the message types")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *protoFile == "" {
		return fmt.Errorf("protojson: -proto FILE is required")
	}
	s, err := loadSchema(*protoFile)
	if err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 256<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := in.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var req protojsonRequest
		var resp protojsonResponse
		if err := json.Unmarshal(line, &req); err != nil {
			resp.Error = "bad request: " + err.Error()
		} else {
			resp = s.protojsonOp(&req)
		}
		if err := enc.Encode(&resp); err != nil {
			return err
		}
	}
	return in.Err()
}

func (s *schema) protojsonOp(req *protojsonRequest) protojsonResponse {
	fail := func(err error) protojsonResponse { return protojsonResponse{Error: err.Error()} }
	var msg *dynamicpb.Message
	msg, err := s.newMessage(req.Type)
	if err != nil {
		return fail(err)
	}
	switch req.Op {
	case "marshal":
		wire, err := base64.StdEncoding.DecodeString(req.Binary)
		if err != nil {
			return fail(fmt.Errorf("bad request: binary: %w", err))
		}
		if err := proto.Unmarshal(wire, msg); err != nil {
			return fail(fmt.Errorf("proto.Unmarshal: %w", err))
		}
		text, err := protojson.MarshalOptions{UseProtoNames: req.UseProtoNames, Resolver: s.types}.Marshal(msg)
		if err != nil {
			return fail(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, text); err != nil {
			return fail(fmt.Errorf("compacting protojson output: %w", err))
		}
		str := compact.String()
		return protojsonResponse{JSON: &str}
	case "unmarshal":
		var data []byte
		switch {
		case req.JSONBase64 != nil:
			if data, err = base64.StdEncoding.DecodeString(*req.JSONBase64); err != nil {
				return fail(fmt.Errorf("bad request: jsonBase64: %w", err))
			}
		case req.JSON != nil:
			data = []byte(*req.JSON)
		default:
			return fail(fmt.Errorf("bad request: unmarshal needs json or jsonBase64"))
		}
		if err := (protojson.UnmarshalOptions{Resolver: s.types}).Unmarshal(data, msg); err != nil {
			return fail(err)
		}
		wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
		if err != nil {
			return fail(fmt.Errorf("proto.Marshal: %w", err))
		}
		str := base64.StdEncoding.EncodeToString(wire)
		return protojsonResponse{Binary: &str}
	default:
		return fail(fmt.Errorf("bad request: unknown op %q", req.Op))
	}
}
