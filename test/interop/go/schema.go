package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// schema is a .proto file compiled at run time (so Go and protobufjs read the same file), with
// a type registry holding its messages and the well-known types (for Any).
type schema struct {
	files *protoregistry.Files
	types *protoregistry.Types
}

func loadSchema(protoFile string) (*schema, error) {
	dir, name := filepath.Split(protoFile)
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{dir}}),
	}
	compiled, err := compiler.Compile(context.Background(), name)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", protoFile, err)
	}
	s := &schema{files: new(protoregistry.Files), types: new(protoregistry.Types)}
	seen := map[string]bool{}
	var register func(fd protoreflect.FileDescriptor) error
	register = func(fd protoreflect.FileDescriptor) error {
		if seen[fd.Path()] {
			return nil
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			if err := register(imports.Get(i).FileDescriptor); err != nil {
				return err
			}
		}
		if err := s.files.RegisterFile(fd); err != nil {
			return err
		}
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			if err := registerMessage(s.types, msgs.Get(i)); err != nil {
				return err
			}
		}
		return nil
	}
	for _, f := range compiled {
		if err := register(f); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func registerMessage(types *protoregistry.Types, md protoreflect.MessageDescriptor) error {
	if md.IsMapEntry() {
		return nil
	}
	if err := types.RegisterMessage(dynamicpb.NewMessageType(md)); err != nil {
		return err
	}
	nested := md.Messages()
	for i := 0; i < nested.Len(); i++ {
		if err := registerMessage(types, nested.Get(i)); err != nil {
			return err
		}
	}
	return nil
}

// newMessage is an empty message of the named type (full name, e.g. "interop.Order").
func (s *schema) newMessage(fullName string) (*dynamicpb.Message, error) {
	d, err := s.files.FindDescriptorByName(protoreflect.FullName(fullName))
	if err != nil {
		return nil, fmt.Errorf("message type %s: %w", fullName, err)
	}
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a message type", fullName)
	}
	return dynamicpb.NewMessage(md), nil
}
