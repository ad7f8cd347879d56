//go:build purego

package server

func init() { buildTags = "purego" }
