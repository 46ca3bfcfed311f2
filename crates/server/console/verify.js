// "Verify here": everything the console checks in the browser, from the
// format alone (docs/format.md 1.2 and 1.3) — the record's hash (JCS + BLAKE3),
// its inclusion proof (RFC 9162 2.1.3.2 with BLAKE3), and the checkpoint's
// C2SP signed note (Ed25519 through WebCrypto).

import { blake3, toHex, fromHex } from './blake3.js';

const utf8 = new TextEncoder();

/** RFC 8785 (JCS) text of a value parsed from JSON. */
export function jcs(v) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error('JCS: number not finite');
      return JSON.stringify(v); // ECMAScript Number serialisation, as RFC 8785 3.2.2.3
    case 'string':
      return JSON.stringify(v); // RFC 8785 3.2.2.2 is JSON.stringify's escaping
    case 'object':
      if (Array.isArray(v)) return '[' + v.map(jcs).join(',') + ']';
      // Property names sorted by UTF-16 code units: JavaScript's default sort.
      return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';
    default:
      throw new Error('JCS: cannot serialise ' + typeof v);
  }
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Format 1.2: BLAKE3("pledger/record/v1\n" || JCS(record without "hash")), hex. */
export function recordHash(record) {
  const body = {};
  for (const k of Object.keys(record)) if (k !== 'hash') body[k] = record[k];
  return toHex(blake3(concat(utf8.encode('pledger/record/v1\n'), utf8.encode(jcs(body)))));
}

export const leafHash = (recordHashBytes) => blake3(concat(Uint8Array.of(0), recordHashBytes));
export const nodeHash = (l, r) => blake3(concat(Uint8Array.of(1), l, r));

/**
 * RFC 9162 2.1.3.2: the root that an inclusion proof of leaf `index` in a tree
 * of `size` leaves implies, or throws when the proof cannot fit that tree.
 */
export function rootFromInclusion(index, size, recordHashHex, pathHex) {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size)) || index < 0 || index >= size) {
    throw new Error(`leaf ${index} is not in a tree of ${size}`);
  }
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafHash(fromHex(recordHashHex));
  for (const hex of pathHex) {
    const p = fromHex(hex);
    if (p.length !== 32) throw new Error('a path entry is not 32 bytes');
    if (sn === 0n) throw new Error('the path is longer than the tree is deep');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('the path is shorter than the tree is deep');
  return toHex(r);
}

export function base64ToBytes(b64) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error('not base64: ' + b64);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A C2SP signed note holding a tlog-checkpoint: its parts. */
export function parseCheckpoint(text) {
  const split = text.indexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) throw new Error('not a signed note');
  const body = text.slice(0, split + 1);
  const lines = body.split('\n').slice(0, -1);
  if (lines.length < 3) throw new Error('a checkpoint has at least 3 lines');
  const [origin, sizeText, rootB64] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error('bad tree size: ' + sizeText);
  const root = base64ToBytes(rootB64);
  if (root.length !== 32) throw new Error('the root is not 32 bytes');
  const signatures = [];
  for (const line of text.slice(split + 2).split('\n').slice(0, -1)) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('bad signature line: ' + line);
    const raw = base64ToBytes(m[2]);
    if (raw.length < 5) throw new Error('signature too short');
    signatures.push({ name: m[1], keyId: toHex(raw.slice(0, 4)), sig: raw.slice(4) });
  }
  return { origin, size: Number(sizeText), rootHex: toHex(root), body, signatures };
}

/** A C2SP verifier key `<name>+<key id hex>+<base64(0x01 || public key)>`. */
export function parseVerifierKey(key) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(key);
  if (!m) throw new Error('not a verifier key: ' + key);
  const raw = base64ToBytes(m[3]);
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 verifier key');
  return { name: m[1], keyId: m[2], publicKey: raw.slice(1) };
}

export const webCryptoAvailable = () => typeof crypto !== 'undefined' && !!crypto.subtle;

/**
 * The signature lines of `cp` by `key`'s name: each must verify (Ed25519 over
 * the note's body), and there must be at least one. Also checks that the
 * key's id is SHA-256(name || 0x0A || 0x01 || public key)[0..4].
 */
export async function verifyCheckpointSignature(cp, keyText) {
  const key = parseVerifierKey(keyText);
  if (!webCryptoAvailable()) throw new Error('WebCrypto is unavailable (the page is not a secure context)');
  const idInput = concat(utf8.encode(key.name), Uint8Array.of(0x0a, 0x01), key.publicKey);
  const id = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', idInput)).slice(0, 4));
  if (id !== key.keyId) throw new Error(`the key id ${key.keyId} does not match the key (${id})`);
  const mine = cp.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (mine.length === 0) throw new Error('no signature by ' + key.name + ' (' + key.keyId + ')');
  const pub = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
  for (const s of mine) {
    if (s.sig.length !== 64) throw new Error('an Ed25519 signature is 64 bytes');
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, pub, s.sig, utf8.encode(cp.body));
    if (!ok) throw new Error('the signature does not verify');
  }
  return key;
}

/** A witness key: C2SP vkey `<name>+<key id>+<base64(0x04 || public key)>` (cosignature/v1). */
export function parseWitnessKey(key) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(key);
  if (!m) throw new Error('not a witness key: ' + key);
  const raw = base64ToBytes(m[3]);
  if (raw.length !== 33 || raw[0] !== 4) throw new Error('not a cosignature/v1 (0x04) key');
  return { name: m[1], keyId: m[2], publicKey: raw.slice(1) };
}

/**
 * The names of the witnesses among `keys` whose C2SP tlog-cosignature
 * (cosignature/v1: 8-byte big-endian time, then Ed25519 over
 * "cosignature/v1\ntime <t>\n" + body) on `cp` verifies; docs/witness.md.
 */
export async function verifyCosignatures(cp, keys) {
  const found = [];
  for (const text of keys) {
    const key = parseWitnessKey(text);
    const idInput = concat(utf8.encode(key.name), Uint8Array.of(0x0a, 0x04), key.publicKey);
    const id = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', idInput)).slice(0, 4));
    if (id !== key.keyId) throw new Error(`the witness key id ${key.keyId} does not match the key (${id})`);
    const mine = cp.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
    if (mine.length === 0 || found.includes(key.name)) continue;
    const pub = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
    let all = true;
    for (const s of mine) {
      if (s.sig.length !== 72) {
        all = false;
        continue;
      }
      const time = new DataView(s.sig.buffer, s.sig.byteOffset, 8).getBigUint64(0);
      const msg = utf8.encode(`cosignature/v1\ntime ${time}\n` + cp.body);
      if (time === 0n || !(await crypto.subtle.verify({ name: 'Ed25519' }, pub, s.sig.slice(8), msg))) all = false;
    }
    if (all) found.push(key.name);
  }
  return found;
}

/**
 * Every check of one record against one checkpoint, as a list of steps
 * `{id, ok, detail}`; `ok` is true, false, or null for "could not check".
 */
export async function verifyRecord(record, proof, checkpoint) {
  const steps = [];
  const step = (id, ok, detail) => steps.push({ id, ok, detail: detail ?? '' });
  let computed = null;
  try {
    computed = recordHash(record);
    step('record_hash', computed === record.hash, computed);
  } catch (e) {
    step('record_hash', false, String(e.message || e));
  }
  if (!proof) {
    step('proof_for_record', null, '');
    return summarise(steps);
  }
  step(
    'proof_for_record',
    proof.seq === record.seq && proof.record_hash === record.hash && computed === proof.record_hash,
    `seq ${proof.seq}, size ${proof.size}`,
  );
  let root = null;
  try {
    root = rootFromInclusion(proof.seq, proof.size, computed ?? proof.record_hash, proof.path);
    step('root_from_proof', root === proof.root, root);
  } catch (e) {
    step('root_from_proof', false, String(e.message || e));
  }
  let cp = null;
  try {
    cp = parseCheckpoint(checkpoint.text);
    step('proof_matches_checkpoint', cp.size === proof.size && cp.rootHex === root, `${cp.origin} · ${cp.size} · ${cp.rootHex}`);
  } catch (e) {
    step('proof_matches_checkpoint', false, String(e.message || e));
  }
  if (cp) {
    try {
      const key = parseVerifierKey(checkpoint.key);
      if (key.name !== cp.origin) throw new Error(`the key is for ${key.name}, the checkpoint for ${cp.origin}`);
      await verifyCheckpointSignature(cp, checkpoint.key);
      step('signature', true, checkpoint.key);
    } catch (e) {
      const unavailable = !webCryptoAvailable() || /Ed25519|NotSupported|not supported/i.test(String(e.name) + String(e.message));
      step('signature', unavailable ? null : false, String(e.message || e));
    }
  }
  return summarise(steps);
}

function summarise(steps) {
  const verdict = steps.some((s) => s.ok === false) ? 'failed' : steps.every((s) => s.ok === true) ? 'verified' : 'partial';
  return { verdict, steps };
}
