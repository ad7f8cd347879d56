// Regenerates pretok_deepseek_llm.jsonl and pretok_default.jsonl: random
// strings over tricky characters, split by Hugging Face tokenizers' own
// engine (Rust, Oniguruma regexes) running the pre-tokenizer as a Sequence
// of Split regexes, behavior Isolated. The engine comes from the npm package
// @anush008/tokenizers (prebuilt bindings of the tokenizers crate):
//
//   npm install --prefix /tmp/hf @anush008/tokenizers@0.6.0
//   NODE_PATH=/tmp/hf/node_modules node testdata/pretok_more_gen.js deepseek-llm > testdata/pretok_deepseek_llm.jsonl
//   NODE_PATH=/tmp/hf/node_modules node testdata/pretok_more_gen.js default > testdata/pretok_default.jsonl
//
// A third argument names a tokenizer.json whose Split regexes replace the
// built-in list (e.g. DeepSeek-V2's, to check the list below against it).
// Disagreements with Node's own (ECMAScript) regex engine are counted on
// stderr for information; the output follows Oniguruma.
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

// deepseek-llm: the regexes of llama.cpp's LLAMA_VOCAB_PRE_TYPE_DEEPSEEK_LLM,
// where the letter class was NFC-normalized in six places; undo that to get
// the class DeepSeek's tokenizer.json spells (cased letters).
let cased = 'A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃';
for (const [from, to] of [['Ὗ-\u03ce', 'Ὗ-\u1f7d'], ['ᾼ\u03b9ῂ', 'ᾼ\u1fbeῂ'], ['ῐ-\u0390', 'ῐ-\u1fd3'],
  ['ῖ-\u038a', 'ῖ-\u1fdb'], ['ℤ\u03a9ℨ', 'ℤ\u2126ℨ'], ['ℨK-ℭ', 'ℨ\u212a-ℭ']]) {
  if (!cased.includes(from)) throw new Error('class lacks ' + from);
  cased = cased.replace(from, to);
}
const lists = {
  'deepseek-llm': ['[\r\n]', '\\s?[' + cased + ']+', '\\s?[!-/:-~！-／：-～‘-‟　-。]+', '\\s+$',
    '[一-龥ࠀ-一가-퟿]+', '\\p{N}+'],
  // llama.cpp's LLAMA_VOCAB_PRE_TYPE_DEFAULT.
  'default': ['[\\p{P}\\$\\+<=>\\^~\\|]+',
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
    '\\p{N}+', '[0-9][0-9][0-9]'],
};
const name = process.argv[2];
let pats = lists[name];
if (!pats) throw new Error('usage: pretok_more_gen.js deepseek-llm|default [tokenizer.json]');
if (process.argv[3]) {
  const j = JSON.parse(fs.readFileSync(process.argv[3]));
  pats = j.pre_tokenizer.pretokenizers.filter(p => p.type === 'Split').map(p => p.pattern.Regex);
}

const hf = Tokenizer.fromString(JSON.stringify({
  version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
  pre_tokenizer: { type: 'Sequence', pretokenizers: pats.map(r => ({ type: 'Split', pattern: { Regex: r }, behavior: 'Isolated', invert: false })) },
  post_processor: null, decoder: null, model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
})).getPreTokenizer();

const js = pats.map(r => new RegExp(r, 'gu'));
function jsSplit(text) {
  let chunks = [text];
  for (const re of js) {
    chunks = chunks.flatMap(c => {
      const out = [];
      let prev = 0;
      for (const m of c.matchAll(re)) {
        if (prev < m.index) out.push(c.slice(prev, m.index));
        if (m[0].length > 0) out.push(m[0]);
        prev = m.index + m[0].length;
      }
      if (prev < c.length) out.push(c.slice(prev));
      return out;
    });
  }
  return chunks;
}

let seed = 11; // xorshift32, deterministic
function rnd(n) {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
const alpha = [...'abcXYZ0123456789', ...'ssttdmlreve', "'", "'", ' ', ' ', ' ', ' ', ' ', '\t', '\r', '\n', '\n',
  ...'!"#\'(),-./:;?@[]_`{}~+=<>|\\$%^&*',
  '\u00a0', '\u0085', '\ufeff', '\u180e', '\u1680', '\u2009', '\u200b', '\u2028', '\u3000', '\u3001', '\u3002', '\u3003',
  '！', '／', '０', '１', '：', '～', '｟', 'Ａ', 'ｚ', '\u2018', '\u201c', '\u201f', '\u2020', '\u2010',
  'é', 'µ', 'ß', 'ª', 'ƻ', 'ǅ', 'ʔ', 'ж', 'ա', '\u1f7d', '\u03ce', '\u1f7e', '\u1fd3', '\u1fdb', '\u1fbe', '\u2126', '\u212a',
  'Ω', 'ﬀ', '𐐀', '𞤀', '\u0301', '\u20dd', 'א', '\u0663', '²', '①', '\u216b', '\u0e01', '\u0902', '\u07ff', '\u0800',
  '中', '文', '龥', '\u9fa6', 'ひ', 'カ', '한', '\ud7ff', '\ue000', '€', '©', '🙂', '\u200d', '\x00', '\x7f'];
const inputs = [];
for (let i = 0; i < 2500; i++) {
  let s = '';
  for (let n = 1 + rnd(24); n > 0; n--) s += alpha[rnd(alpha.length)];
  inputs.push(s);
}
inputs.push("it's", "we're  here", 'a  b', 'a \t b', 'x\u00a0\u00a0y', '  ', ' ', '\t\t', 'a  ', '1 2', '12345678',
  ' 1234', '１２３４', 'ab12cd', '中文abc', 'Hello, world!', 'naïve café', 'x\r\n\r\ny', 'end.  ', '\u3000\u3000a');
let differ = 0;
for (const text of inputs) {
  const pieces = hf.preTokenizeString(text).map(p => p[0]);
  if (JSON.stringify(pieces) !== JSON.stringify(jsSplit(text))) differ++;
  process.stdout.write(JSON.stringify({ text, pieces }) + '\n');
}
process.stderr.write(`${inputs.length} strings, ${differ} split differently by ECMAScript regexes\n`);
