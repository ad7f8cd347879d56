package main

// kernelSummary says which kernel implementations run (generic pure Go
// until the assembly kernels register theirs).
func kernelSummary() string { return "generic Go" }
