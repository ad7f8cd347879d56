package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	B = "<｜begin▁of▁sentence｜>"
	E = "<｜end▁of▁sentence｜>"
	U = "<｜User｜>"
	A = "<｜Assistant｜>"
)

// Expected strings are derived by hand from the Jinja templates (see the
// tokenizer_config.json of DeepSeek-V3, -R1, -V3-0324, -R1-0528, -V2).
func TestRender(t *testing.T) {
	v3 := dsTemplate{}
	r1 := dsTemplate{stripThink: true, thinkPrompt: true}
	v30324 := dsTemplate{userOpensAssistant: true}
	r10528 := dsTemplate{userOpensAssistant: true, stripThink: true}
	sys := func(c string) Message { return Message{"system", c} }
	usr := func(c string) Message { return Message{"user", c} }
	ast := func(c string) Message { return Message{"assistant", c} }
	tool := func(c string) Message { return Message{"tool", c} }
	tests := []struct {
		name string
		tmpl Template
		msgs []Message
		gen  bool
		want string
	}{
		{"v3 empty", v3, nil, false, B},
		{"v3 empty gen", v3, nil, true, B + A},
		{"v3 single", v3, []Message{usr("Hi")}, true, B + U + "Hi" + A},
		{"v3 no gen", v3, []Message{usr("Hi")}, false, B + U + "Hi"},
		{"v3 multi-turn", v3, []Message{usr("Hi"), ast("Hello"), usr("2+2?")}, true,
			B + U + "Hi" + A + "Hello" + E + U + "2+2?" + A},
		{"v3 systems hoisted and joined", v3, []Message{sys("S1"), usr("Hi"), sys("S2")}, true,
			B + "S1\n\nS2" + U + "Hi" + A},
		{"v3 empty first system", v3, []Message{sys(""), sys("S2"), usr("x")}, false, B + "\n\nS2" + U + "x"},
		{"v3 keeps think", v3, []Message{usr("q"), ast("<think>r</think>ans"), usr("q2")}, true,
			B + U + "q" + A + "<think>r</think>ans" + E + U + "q2" + A},
		{"v3 tools", v3, []Message{usr("q"), tool("o1"), tool("o2")}, true,
			B + U + "q" + toolOutsBegin + toolOutBegin + "o1" + toolOutEnd + "\n" + toolOutBegin + "o2" + toolOutEnd + toolOutsEnd},
		{"v3 tool then assistant", v3, []Message{usr("q"), tool("o"), ast("done")}, true,
			B + U + "q" + toolOutsBegin + toolOutBegin + "o" + toolOutEnd + toolOutsEnd + "done" + E + A},
		{"r1 gen", r1, []Message{sys("S"), usr("Hi")}, true, B + "S" + U + "Hi" + A + "<think>\n"},
		{"r1 strips history", r1, []Message{usr("q"), ast("<think>\nlong\n</think>\n\nans"), usr("q2")}, true,
			B + U + "q" + A + "\n\nans" + E + U + "q2" + A + "<think>\n"},
		{"r1 strips to last", r1, []Message{usr("q"), ast("a</think>b</think>c")}, false, B + U + "q" + A + "c" + E},
		{"r1 no think", r1, []Message{usr("q"), ast("plain")}, false, B + U + "q" + A + "plain" + E},
		{"v3-0324", v30324, []Message{usr("Hi"), ast("Hello"), usr("Q")}, true, B + U + "Hi" + A + "Hello" + E + U + "Q" + A},
		{"v3-0324 gen after assistant", v30324, []Message{usr("Hi"), ast("Hello")}, true, B + U + "Hi" + A + "Hello" + E + A},
		{"r1-0528", r10528, []Message{usr("q"), ast("<think>x</think>y"), usr("z")}, true, B + U + "q" + A + "y" + E + U + "z" + A},
		{"v2", v2Template{}, []Message{sys("S"), usr("Hi"), ast("Hello"), usr("Q")}, true,
			B + "S\n\nUser: Hi\n\nAssistant: Hello" + E + "User: Q\n\nAssistant:"},
		{"v2 no gen", v2Template{}, []Message{usr("Hi")}, false, B + "User: Hi\n\n"},
	}
	for _, tc := range tests {
		got, err := tc.tmpl.Render(tc.msgs, tc.gen)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestRenderUnknownRole(t *testing.T) {
	for _, tmpl := range []Template{dsTemplate{}, v2Template{}} {
		_, err := tmpl.Render([]Message{{"narrator", "x"}}, true)
		if err == nil || !strings.Contains(err.Error(), "narrator") {
			t.Errorf("%s: err = %v, want unknown role error", tmpl.Name(), err)
		}
	}
}

// Jinja sources (shortened to their distinctive parts where noted).
const (
	jinjaV2 = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
	// R1: V3 plus the think stripping and the <think> generation prompt.
	jinjaR1 = "{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}{%- endif %}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{% endfor %}{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
	// V3-0324: user turns open the assistant turn.
	jinjaV30324 = "{{ bos_token }}{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content'] + '<｜Assistant｜>'}}{%- endif %}{{content + '<｜end▁of▁sentence｜>'}}{% if add_generation_prompt and not ns.is_last_user and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}"
	jinjaChatML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
)

func TestTemplateFor(t *testing.T) {
	tests := []struct {
		tmpl, model, want string
	}{
		{"", "", "deepseek-v3"},
		{"", "DeepSeek-R1-Distill", "deepseek-r1"},
		{"", "DeepSeek-V2-Lite-Chat", "deepseek-v2"},
		{"", "DeepSeek-V2.5", "deepseek-v3"},
		{jinjaV2, "", "deepseek-v2"},
		{jinjaR1, "", "deepseek-r1"},
		{jinjaV30324, "", "deepseek-v3-0324"},
		{strings.Replace(jinjaV30324, "{{content", "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{content", 1), "", "deepseek-r1-0528"},
	}
	for _, tc := range tests {
		got, err := TemplateFor(tc.tmpl, tc.model)
		if err != nil {
			t.Errorf("TemplateFor(%.30q, %q): %v", tc.tmpl, tc.model, err)
			continue
		}
		if got.Name() != tc.want {
			t.Errorf("TemplateFor(%.30q, %q) = %s, want %s", tc.tmpl, tc.model, got.Name(), tc.want)
		}
	}
	v31 := "{{ bos_token }}{{'<｜User｜>' + message['content']}}{{'<｜Assistant｜></think>'}}{{ message['content'] + '<｜end▁of▁sentence｜>' }}"
	if _, err := TemplateFor(v31, ""); err == nil || !strings.Contains(err.Error(), "V3.1") {
		t.Errorf("V3.1 template: err = %v, want a not-supported error", err)
	}
	_, err := TemplateFor(jinjaChatML, "qwen")
	if err == nil || !strings.Contains(err.Error(), "{% for message in messages %}") || !strings.Contains(err.Error(), "only DeepSeek") {
		t.Errorf("ChatML template: err = %v", err)
	}
}

// TestTemplateForSharedConfig recognises the real DeepSeek-V3
// tokenizer_config.json template and renders through the real tokenizer.
func TestTemplateForSharedConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "tokenizer_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		ChatTemplate string `json:"chat_template"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	tmpl, err := TemplateFor(cfg.ChatTemplate, "DeepSeek-V3")
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.Name() != "deepseek-v3" {
		t.Fatalf("template = %s, want deepseek-v3", tmpl.Name())
	}
	s, err := tmpl.Render([]Message{{"system", "Be brief."}, {"user", "Hi"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	ids := sharedTokenizer(t).Encode(s)
	tok := sharedTokenizer(t)
	if ids[0] != tok.BOS() || ids[len(ids)-1] != 128804 {
		t.Errorf("prompt ids %v: want BOS first and <｜Assistant｜> (128804) last", ids)
	}
}
