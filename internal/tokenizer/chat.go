package tokenizer

import (
	"fmt"
	"strings"
)

// Message is one chat turn. Role is "system", "user", "assistant" or (for
// the V3/R1 templates) "tool".
type Message struct {
	Role, Content string
}

// Template renders a conversation into the prompt text a DeepSeek model was
// trained on. The text starts with the BOS token's text, so encode it with
// special tokens parsed and do not add BOS again. Implementations are
// immutable and safe for concurrent use.
type Template interface {
	// Render returns the prompt for msgs; with addGenerationPrompt it ends
	// with the assistant prefix the model continues from.
	Render(msgs []Message, addGenerationPrompt bool) (string, error)
	// Name identifies the template family, e.g. "deepseek-r1".
	Name() string
}

const (
	chatUser      = "<｜User｜>"
	chatAssistant = "<｜Assistant｜>"
	toolOutsBegin = "<｜tool▁outputs▁begin｜>"
	toolOutsEnd   = "<｜tool▁outputs▁end｜>"
	toolOutBegin  = "<｜tool▁output▁begin｜>"
	toolOutEnd    = "<｜tool▁output▁end｜>"
)

// TemplateFor picks the native renderer for a GGUF tokenizer.chat_template.
// DeepSeek templates are recognised by distinctive substrings; an empty
// template falls back on modelName ("R1" -> DeepSeek-R1, "V2" -> DeepSeek-V2,
// otherwise DeepSeek-V3). Any other template is an error naming what was
// seen: only DeepSeek templates are supported.
func TemplateFor(chatTemplate, modelName string) (Template, error) {
	if chatTemplate == "" {
		name := strings.ToLower(modelName)
		switch {
		case strings.Contains(name, "r1"):
			return dsTemplate{stripThink: true, thinkPrompt: true}, nil
		case strings.Contains(name, "v2") && !strings.Contains(name, "v2.5"):
			return v2Template{}, nil
		}
		return dsTemplate{}, nil
	}
	if strings.Contains(chatTemplate, "'Assistant: ' + message['content'] + eos_token") {
		return v2Template{}, nil
	}
	if strings.Contains(chatTemplate, chatUser) && strings.Contains(chatTemplate, chatAssistant) && strings.Contains(chatTemplate, eosText) {
		if strings.Contains(chatTemplate, chatAssistant+"</think>") {
			// V3.1 and later toggle thinking with a "</think>" assistant
			// prefix; rendering them as V3 would silently differ.
			return nil, fmt.Errorf("tokenizer: chat template %q... is a DeepSeek thinking-toggle (V3.1 or later) template, which is not supported (only V2, V3, V3-0324, R1 and R1-0528)", head(chatTemplate, 60))
		}
		return dsTemplate{
			userOpensAssistant: strings.Contains(chatTemplate, "message['content'] + '"+chatAssistant+"'") ||
				strings.Contains(chatTemplate, "content + '"+chatAssistant+"'"),
			stripThink:  strings.Contains(chatTemplate, "split('</think>')"),
			thinkPrompt: strings.Contains(chatTemplate, chatAssistant+"<think>"),
		}, nil
	}
	return nil, fmt.Errorf("tokenizer: chat template %q... is not a DeepSeek template (only DeepSeek V2, V3 and R1 templates are supported)", head(chatTemplate, 60))
}

// head returns the first n runes of s.
func head(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// dsTemplate renders the DeepSeek-V3 template family. The flags select the
// variant: the original V3 (none), R1 (stripThink, thinkPrompt), V3-0324
// (userOpensAssistant) and R1-0528 (userOpensAssistant, stripThink).
type dsTemplate struct {
	userOpensAssistant bool // user turns end with <｜Assistant｜>
	stripThink         bool // assistant history keeps only the text after the last </think>
	thinkPrompt        bool // the generation prompt opens a <think> block
}

func (d dsTemplate) Name() string {
	switch {
	case d.userOpensAssistant && d.stripThink:
		return "deepseek-r1-0528"
	case d.userOpensAssistant:
		return "deepseek-v3-0324"
	case d.stripThink || d.thinkPrompt:
		return "deepseek-r1"
	}
	return "deepseek-v3"
}

func (d dsTemplate) Render(msgs []Message, addGenerationPrompt bool) (string, error) {
	var sb strings.Builder
	sb.WriteString(bosText)
	first := true
	for _, m := range msgs {
		if m.Role == "system" {
			if !first {
				sb.WriteString("\n\n")
			}
			sb.WriteString(m.Content)
			first = false
		}
	}
	isTool, outputFirst, lastUser := false, true, false
	for i, m := range msgs {
		switch m.Role {
		case "system":
		case "user":
			isTool, lastUser = false, true
			sb.WriteString(chatUser + m.Content)
			if d.userOpensAssistant {
				sb.WriteString(chatAssistant)
			}
		case "assistant":
			lastUser = false
			content := m.Content
			// R1 strips reasoning from plain replies; R1-0528 from every reply.
			if d.stripThink && (!isTool || d.userOpensAssistant) {
				if k := strings.LastIndex(content, "</think>"); k >= 0 {
					content = content[k+len("</think>"):]
				}
			}
			if isTool {
				sb.WriteString(toolOutsEnd + content + eosText)
				isTool = false
				continue
			}
			if !d.userOpensAssistant {
				sb.WriteString(chatAssistant)
			}
			sb.WriteString(content + eosText)
		case "tool":
			isTool, lastUser = true, false
			if outputFirst {
				sb.WriteString(toolOutsBegin + toolOutBegin + m.Content + toolOutEnd)
				outputFirst = false
			} else {
				sb.WriteString("\n" + toolOutBegin + m.Content + toolOutEnd)
			}
		default:
			return "", fmt.Errorf("tokenizer: %s template: message %d has unknown role %q", d.Name(), i, m.Role)
		}
	}
	if isTool {
		sb.WriteString(toolOutsEnd)
	}
	if addGenerationPrompt && !isTool && !(d.userOpensAssistant && lastUser) {
		sb.WriteString(chatAssistant)
		if d.thinkPrompt {
			sb.WriteString("<think>\n")
		}
	}
	return sb.String(), nil
}

// v2Template renders the DeepSeek-V2 (and V2-Lite) chat template.
type v2Template struct{}

func (v2Template) Name() string { return "deepseek-v2" }

func (v2Template) Render(msgs []Message, addGenerationPrompt bool) (string, error) {
	var sb strings.Builder
	sb.WriteString(bosText)
	for i, m := range msgs {
		switch m.Role {
		case "user":
			sb.WriteString("User: " + m.Content + "\n\n")
		case "assistant":
			sb.WriteString("Assistant: " + m.Content + eosText)
		case "system":
			sb.WriteString(m.Content + "\n\n")
		default:
			return "", fmt.Errorf("tokenizer: deepseek-v2 template: message %d has unsupported role %q", i, m.Role)
		}
	}
	if addGenerationPrompt {
		sb.WriteString("Assistant:")
	}
	return sb.String(), nil
}
