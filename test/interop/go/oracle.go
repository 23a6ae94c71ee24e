package main

import "fmt"

// runProtojson: the protojson oracle. Written by the protojson work; see oracle cases.
func runProtojson(args []string) error { return fmt.Errorf("protojson: not written yet") }
