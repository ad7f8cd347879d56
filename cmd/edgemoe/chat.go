package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

func init() {
	register("chat", "multi-turn chat on the terminal, keeping the KV cache between turns", runChat)
}

func runChat(args []string, stdout, stderr io.Writer) error {
	return chatLoop(args, os.Stdin, stdout, stderr)
}

func chatLoop(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("chat", stderr)
	g := addGenFlags(fs)
	system := fs.String("system", "", "system `prompt`")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	m, tok, err := openForGeneration(g, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	tmpl, err := m.ChatTemplate()
	if err != nil {
		return badInput(err)
	}
	sess := m.NewChatSession(*g.ctx)
	var msgs []tokenizer.Message
	if *system != "" {
		msgs = append(msgs, tokenizer.Message{Role: "system", Content: *system})
	}
	fmt.Fprintln(stderr, "edgemoe chat: type a message and press Enter; /reset clears the conversation, Ctrl-D quits")
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	for {
		fmt.Fprint(stderr, "> ")
		if !in.Scan() {
			fmt.Fprintln(stderr)
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		switch line {
		case "":
			continue
		case "/reset":
			msgs = msgs[:0]
			if *system != "" {
				msgs = append(msgs, tokenizer.Message{Role: "system", Content: *system})
			}
			continue
		}
		msgs = append(msgs, tokenizer.Message{Role: "user", Content: line})
		text, err := tmpl.Render(msgs, true)
		if err != nil {
			return err
		}
		ids := tok.EncodeWithSpecial(text, true)
		var reply strings.Builder
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		st, err := streamGenerate(ctx, sess, tok, ids, g, io.MultiWriter(stdout, &reply))
		stop()
		fmt.Fprintln(stdout)
		if err != nil {
			return err
		}
		msgs = append(msgs, tokenizer.Message{Role: "assistant", Content: reply.String()})
		if err := reportStats(st, g, stderr); err != nil {
			return err
		}
	}
}
