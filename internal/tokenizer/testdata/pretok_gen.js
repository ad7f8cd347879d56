// Regenerates pretok.jsonl: random strings over tricky characters, split by
// an ECMAScript engine with the pre-tokenizer regexes of tokenizer.json
// (Split, behavior Isolated, applied in sequence).
//
//   node testdata/pretok_gen.js $EDGEMOE_SHARED/tokenizer/deepseek-v3/tokenizer.json > testdata/pretok.jsonl
const fs = require('fs');
const j = JSON.parse(fs.readFileSync(process.argv[2]));
const pats = j.pre_tokenizer.pretokenizers.filter(p => p.type === 'Split')
  .map(p => new RegExp(p.pattern.Regex, 'gu'));

function split(text, re) {
  const out = [];
  let prev = 0;
  for (const m of text.matchAll(re)) {
    if (prev < m.index) out.push(text.slice(prev, m.index));
    if (m[0].length > 0) out.push(m[0]);
    prev = m.index + m[0].length;
  }
  if (prev < text.length) out.push(text.slice(prev));
  return out;
}

let seed = 7; // xorshift32, deterministic
function rnd(n) {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
const alpha = [...'abcXYZ0123', ' ', ' ', ' ', ' ', ' ', '\t', '\r', '\n', '\n',
  ...'!"#\'(),-./:;?@[]_`{}~+=<>|\\$%^&*',
  '\u00a0', '\u2009', '\u3000', '\u2028', '\u0085', '\ufeff', '\u0301', '\u0903', '\u20dd',
  '中', '文', 'ひ', 'カ', '\u30fb', '\u30fc', '\u309b', '\u3099', '\u30a0', '²', '①', '\u0661',
  '\u216b', 'é', 'ж', 'א', '🙂', '\u200d', '\u200b', '\ue000', '\u0378', '€', '©', '𝑥', 'Ａ',
  '！', '。', '、', '한', '\u00ad', '\x00', '\x7f', '\u0e01', '\u0e31'];
const inputs = [];
for (let i = 0; i < 2500; i++) {
  let s = '';
  for (let n = 1 + rnd(24); n > 0; n--) s += alpha[rnd(alpha.length)];
  inputs.push(s);
}
inputs.push("'s", " 's", '  \n', ' \n ', '\n \n', 'a  b', 'a \t b', 'x\u00a0\u00a0y', '  ', ' ',
  '\t\t', 'a  ', '1 2', '１２３４', 'ab12cd', '中文abc', 'カタ・カナ', 'x²y', '\u3000\u3000a');
for (const text of inputs) {
  let chunks = [text];
  for (const re of pats) chunks = chunks.flatMap(c => split(c, re));
  process.stdout.write(JSON.stringify({ text, pieces: chunks }) + '\n');
}
