// End-to-end test of edgemoe serve with the official openai client. run.sh
// starts the server and writes what `edgemoe run` printed for the same
// prompts, parameters and seeds; the served text must be identical.
//
// Environment: EDGEMOE_URL (http://127.0.0.1:PORT), EDGEMOE_API_KEY,
// EDGEMOE_MODEL_ID, EDGEMOE_REF_DIR (chat.txt, raw.txt, params.json).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';

const url = process.env.EDGEMOE_URL;
const refDir = process.env.EDGEMOE_REF_DIR;
const model = process.env.EDGEMOE_MODEL_ID;
const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: process.env.EDGEMOE_API_KEY, maxRetries: 0 });

// edgemoe run ends its output with one newline of its own.
const ref = (name) => readFileSync(join(refDir, name), 'utf8').replace(/\n$/, '');
const params = JSON.parse(readFileSync(join(refDir, 'params.json'), 'utf8'));
const sampling = { temperature: params.temp, top_p: params.top_p, seed: params.seed, max_tokens: params.n };

before(async () => {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/readyz never answered 200`);
});

test('models lists the served model', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids, [model]);
});

test('chat completion equals edgemoe run', async () => {
  const r = await client.chat.completions.create({
    model, messages: [{ role: 'user', content: params.prompt }], ...sampling,
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(r.choices[0].message.content, ref('chat.txt'));
  assert.equal(r.usage.completion_tokens, params.n);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
});

test('streamed chat completion equals edgemoe run', async () => {
  const stream = await client.chat.completions.create({
    model, messages: [{ role: 'user', content: params.prompt }], ...sampling,
    stream: true, stream_options: { include_usage: true },
  });
  let text = '', finish = null, usage = null, chunks = 0;
  for await (const c of stream) {
    chunks++;
    assert.equal(c.object, 'chat.completion.chunk');
    if (c.usage) usage = c.usage;
    for (const ch of c.choices) {
      text += ch.delta?.content ?? '';
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  }
  assert.ok(chunks > 2, `only ${chunks} chunks`);
  assert.equal(text, ref('chat.txt'));
  assert.equal(finish, 'length');
  assert.equal(usage?.completion_tokens, params.n);
});

test('completion equals edgemoe run --raw (extensions top_k, min_p given explicitly)', async () => {
  const r = await client.completions.create({
    model, prompt: params.prompt, ...sampling, top_k: 40, min_p: 0.05,
  });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices[0].text, ref('raw.txt'));
  const s = await client.completions.create({ model, prompt: params.prompt, ...sampling, stream: true });
  let text = '';
  for await (const c of s) text += c.choices[0]?.text ?? '';
  assert.equal(text, ref('raw.txt'));
});

test('errors come back as the client\'s typed errors', async () => {
  const bad = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.models.list(), OpenAI.AuthenticationError);
  await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    OpenAI.NotFoundError);
  await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], n: 2 }),
    OpenAI.BadRequestError);
});
