// Regenerates encode_more.jsonl: token ids that Hugging Face tokenizers
// (the npm package @anush008/tokenizers, see pretok_more_gen.js) gives for
// sample texts when the DeepSeek-V3 vocabulary and merges are combined with
// the deepseek-llm or the default pre-tokenizer. It checks a whole encode
// (added tokens, pre-tokenizer, byte-level BPE) against the reference
// without needing a DeepSeek-V2 vocabulary.
//
//   NODE_PATH=/tmp/hf/node_modules node testdata/encode_more_gen.js \
//     $EDGEMOE_SHARED/tokenizer/deepseek-v3/tokenizer.json > testdata/encode_more.jsonl
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

const v3 = fs.readFileSync(process.argv[2], 'utf8');
// The regexes, exactly as pretok_more_gen.js builds them.
const gen = fs.readFileSync(__dirname + '/pretok_more_gen.js', 'utf8');
const lists = new Function('return (() => {' + gen.slice(gen.indexOf('let cased'), gen.indexOf('const name')) + 'return lists; })()')();

const texts = [
  'Hello, my dog is cute',
  "It's what we're doing: they'll've said I'd, you'm.",
  'The year 2024 had 365 days; 1234567 is a number, 3.14159 too.',
  'func main() {\n\tfmt.Println("hi")\n\treturn  x+y*2\n}\n',
  'def f(x):\n    return x ** 2  # square\n\n\n',
  '  leading and trailing spaces   ',
  'tabs\tand\ttabs\t\t',
  'line1\r\nline2\rline3\n\n\nend',
  '中文文本，包含标点。还有数字123和English混合。',
  '日本語のテキスト、カタカナとひらがな。',
  '한국어 텍스트입니다.',
  'Ελληνικά κείμενα ώ ῐ ῖ Ω K',
  'Русский текст, ёлка!',
  'naïve café résumé façade',
  'mathematical 𝔸𝔹ℂ 𝑥² + 𝑦² = 𝑧²',
  'emoji 🙂👍🏽 and ZWJ 👩‍💻',
  'ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ１２３！',
  '“quoted” ‘text’ — dash… ellipsis',
  'price: $1,299.99 (20% off) <b>bold</b> a|b ^ ~',
  'नमस्ते दुनिया',
  'ไทย ภาษา',
  '<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi<｜Assistant｜>Hello<｜end▁of▁sentence｜>',
  'x\u00a0\u00a0y\u2009z\u3000w',
  '    indented\n        more\n',
  'a  b   c    d',
  '',
];
let seed = 5; // xorshift32, deterministic
function rnd(n) {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
const words = ['the', ' quick', ' brown', 'Fox', "'s", "'ll", ' 12', '345', '6', '\n', '\r\n', '  ', ' ', '\t', '中文',
  'カナ', '한', 'é', 'ώ', ' ж', '!', '?!', '...', '(', ')', '$', '+=', '<|', '|>', '🙂', '１２', 'Ａ', '。', '、',
  '\u3000', '\u00a0', '\u0301', '²', '<｜User｜>', 'if', ' x', '==', '0x1F', '—', '“', '”'];
for (let i = 0; i < 120; i++) {
  let s = '';
  for (let n = 1 + rnd(30); n > 0; n--) s += words[rnd(words.length)];
  texts.push(s);
}

const bl = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
(async () => {
  for (const pre of ['deepseek-llm', 'default']) {
    const j = JSON.parse(v3);
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: lists[pre].map(r => ({ type: 'Split', pattern: { Regex: r }, behavior: 'Isolated', invert: false })).concat([bl]) };
    const tok = Tokenizer.fromString(JSON.stringify(j));
    for (const text of texts) {
      const enc = await tok.encode(text, null, { addSpecialTokens: false });
      process.stdout.write(JSON.stringify({ pre, text, ids: enc.getIds() }) + '\n');
    }
  }
})();
