package main

import (
	"fmt"

	_ "github.com/IBM/sarama"
)

func runProduce(args []string) error { return fmt.Errorf("produce: not written yet") }
func runConsume(args []string) error { return fmt.Errorf("consume: not written yet") }
